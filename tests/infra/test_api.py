"""The function and the HTTP API, as synthesized (properties only, never logical IDs)."""

import json
from typing import get_args

import pytest
from aws_cdk.assertions import Match

from handler.constants import ENV_ALLOWED_ORIGINS
from infra import image
from infra.api import LIVE_ALIAS, ROUTES
from infra.settings import DEFAULT_BASE_IMAGE, Architecture, Settings
from tests.infra.conftest import CDK_JSON_CONTEXT, VARIANT_CONTEXT, Synthesized, without_bulk

DEFAULTS = Settings()


def _distribution_domain(app: Synthesized) -> dict:
    (distribution_id,) = app.resources("AWS::CloudFront::Distribution")
    return {"Fn::GetAtt": [distribution_id, "DomainName"]}


def test_function_is_an_image_with_default_architecture_and_a_timeout_under_api_gateways(
    default_app: Synthesized,
) -> None:
    default_app.template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "PackageType": "Image",
            "Architectures": ["x86_64"],
            "MemorySize": DEFAULTS.memory_mb,
            "Timeout": DEFAULTS.timeout_seconds,
            "ReservedConcurrentExecutions": Match.absent(),
        },
    )
    (image_function,) = [
        resource["Properties"]
        for resource in without_bulk(default_app.resources("AWS::Lambda::Function")).values()
        if resource["Properties"].get("PackageType") == "Image"
    ]
    assert image_function["Timeout"] < 30


def test_every_setting_reaches_the_function(variant_app: Synthesized) -> None:
    variant_app.template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "PackageType": "Image",
            "Architectures": ["arm64"],
            "MemorySize": 2048,
            "Timeout": 20,
            "ReservedConcurrentExecutions": VARIANT_CONTEXT["reservedConcurrency"],
        },
    )
    assert variant_app.stack.stack_name == "SentimentService-test"


def test_the_image_is_built_for_the_functions_architecture(variant_app: Synthesized) -> None:
    assets = json.loads(
        (variant_app.outdir / f"{variant_app.stack.stack_name}.assets.json").read_text()
    )
    (image,) = assets["dockerImages"].values()
    assert image["source"]["platform"] == "linux/arm64"
    assert image["source"]["dockerFile"] == "handler/Dockerfile"
    assert image["source"]["dockerBuildArgs"] == {"BASE_IMAGE": VARIANT_CONTEXT["baseImage"]}


def test_the_base_image_is_the_tag_unless_pinned(default_app: Synthesized) -> None:
    assets = json.loads(
        (default_app.outdir / f"{default_app.stack.stack_name}.assets.json").read_text()
    )
    (image,) = assets["dockerImages"].values()
    pinned = CDK_JSON_CONTEXT.get("baseImage", DEFAULT_BASE_IMAGE)  # `make pin-base-image`
    assert image["source"]["dockerBuildArgs"] == {"BASE_IMAGE": pinned}


def test_function_role_writes_only_its_own_log_group(default_app: Synthesized) -> None:
    default_app.template.has_resource_properties(
        "AWS::IAM::Role",
        {
            "AssumeRolePolicyDocument": Match.object_like(
                {
                    "Statement": [
                        Match.object_like({"Principal": {"Service": "lambda.amazonaws.com"}})
                    ]
                }
            ),
            "ManagedPolicyArns": Match.absent(),
        },
    )
    default_app.template.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": [
                    {
                        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                        "Effect": "Allow",
                        "Resource": {"Fn::GetAtt": [Match.any_value(), "Arn"]},
                    }
                ],
                "Version": Match.any_value(),
            }
        },
    )


def test_function_is_told_the_sites_origin(default_app: Synthesized) -> None:
    default_app.template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {
                "Variables": Match.object_like(
                    {
                        ENV_ALLOWED_ORIGINS: {
                            "Fn::Join": ["", ["https://", _distribution_domain(default_app)]]
                        }
                    }
                )
            }
        },
    )


def test_extra_origins_join_the_sites_in_the_environment(variant_app: Synthesized) -> None:
    variant_app.template.has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Environment": {
                "Variables": Match.object_like(
                    {
                        ENV_ALLOWED_ORIGINS: {
                            "Fn::Join": [
                                "",
                                [
                                    "https://",
                                    _distribution_domain(variant_app),
                                    ",http://localhost:8000,https://preview.example.com",
                                ],
                            ]
                        }
                    }
                )
            }
        },
    )


def test_api_gateway_leaves_cors_to_the_app(default_app: Synthesized) -> None:
    # One CORS: the app's (handler/api/app.py), which answers preflights in the JSON error shape and
    # exposes X-Request-Id. API Gateway's would answer preflights itself and hide both.
    assert "CorsConfiguration" not in default_app.only("AWS::ApiGatewayV2::Api")


def test_the_api_calls_the_live_alias_of_the_current_version(default_app: Synthesized) -> None:
    (function_id,) = [
        logical_id
        for logical_id, resource in without_bulk(
            default_app.resources("AWS::Lambda::Function")
        ).items()
        if resource["Properties"].get("PackageType") == "Image"
    ]
    (version_id,) = without_bulk(default_app.resources("AWS::Lambda::Version"))
    assert default_app.resources("AWS::Lambda::Version")[version_id]["Properties"] == {
        "FunctionName": {"Ref": function_id}
    }
    default_app.template.has_resource_properties(
        "AWS::Lambda::Alias",
        {
            "Name": LIVE_ALIAS,
            "FunctionName": {"Ref": function_id},
            "FunctionVersion": {"Fn::GetAtt": [version_id, "Version"]},
        },
    )
    (alias_id,) = without_bulk(default_app.resources("AWS::Lambda::Alias"))
    (integration,) = default_app.resources("AWS::ApiGatewayV2::Integration").values()
    assert integration["Properties"]["IntegrationType"] == "AWS_PROXY"
    assert integration["Properties"]["IntegrationUri"] == {"Ref": alias_id}
    # API Gateway may invoke the alias, not $LATEST or the bare function.
    targets = [
        p["Properties"]["FunctionName"]
        for p in default_app.resources("AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "apigateway.amazonaws.com"
    ]
    assert len(targets) == len(ROUTES) + 1
    assert all(target == {"Ref": alias_id} for target in targets)


def test_each_route_has_its_own_route_key_and_the_rest_reaches_the_app(
    default_app: Synthesized,
) -> None:
    keys = {
        r["Properties"]["RouteKey"]
        for r in default_app.resources("AWS::ApiGatewayV2::Route").values()
    }
    assert keys == {"$default", *(f"{m.value} {path}" for path, m in ROUTES)}


def test_each_route_infra_names_is_one_the_app_serves() -> None:
    # Both take the paths from handler.constants; the methods must agree too.
    from handler.lambda_function import app

    served = {(path, m.upper()) for path, ops in app.openapi()["paths"].items() for m in ops}
    assert {(path, method.value) for path, method in ROUTES} <= served


def test_stage_throttles_and_writes_json_access_logs(default_app: Synthesized) -> None:
    stage = default_app.only("AWS::ApiGatewayV2::Stage")
    assert stage["StageName"] == "$default"
    assert stage["AutoDeploy"] is True
    assert stage["DefaultRouteSettings"] == {
        "ThrottlingRateLimit": DEFAULTS.throttle_rate_limit,
        "ThrottlingBurstLimit": DEFAULTS.throttle_burst_limit,
    }
    log_format = json.loads(stage["AccessLogSettings"]["Format"])
    assert log_format["requestId"] == "$context.requestId"
    # Joins a line to the function's logs (the Lambda request id).
    assert log_format["integrationRequestId"] == "$context.integration.requestId"
    # The route's key, never the path a client typed; no client IP (docs/security.md).
    assert log_format["routeKey"] == "$context.routeKey"
    assert "$context.path" not in log_format.values()
    assert "$context.identity.sourceIp" not in log_format.values()
    assert log_format["status"] == "$context.status"
    (log_group_id,) = [
        logical_id
        for logical_id in default_app.resources("AWS::Logs::LogGroup")
        if stage["AccessLogSettings"]["DestinationArn"] == {"Fn::GetAtt": [logical_id, "Arn"]}
    ]
    assert default_app.resources("AWS::Logs::LogGroup")[log_group_id]["Properties"][
        "RetentionInDays"
    ]


def test_throttling_follows_context(variant_app: Synthesized) -> None:
    variant_app.template.has_resource_properties(
        "AWS::ApiGatewayV2::Stage",
        {"DefaultRouteSettings": {"ThrottlingRateLimit": 7, "ThrottlingBurstLimit": 9}},
    )


@pytest.mark.parametrize("app_fixture", ["default_app", "waf_app"])
def test_every_function_logs_to_an_expiring_group_of_its_own(
    app_fixture: str, request: pytest.FixtureRequest
) -> None:
    # Ours, the bulk jobs', the page deployment's, the S3 auto-delete provider's (and the web
    # ACL reader's).
    app: Synthesized = request.getfixturevalue(app_fixture)
    log_groups = app.resources("AWS::Logs::LogGroup")
    for group in log_groups.values():
        assert group["Properties"]["RetentionInDays"] == 30
        assert group["DeletionPolicy"] == "Delete"
    functions = app.resources("AWS::Lambda::Function")
    assert len(functions) == (6 if app_fixture == "waf_app" else 5)
    used = [f["Properties"]["LoggingConfig"]["LogGroup"]["Ref"] for f in functions.values()]
    assert len(set(used)) == len(used)
    assert set(used) <= set(log_groups)


def test_every_architecture_setting_maps_to_a_function_and_an_image_platform() -> None:
    assert set(image.TARGETS) == set(get_args(Architecture))
    for name, target in image.TARGETS.items():
        assert target.function.name == name
        assert target.platform.platform == f"linux/{'amd64' if name == 'x86_64' else name}"
