"""The function and the HTTP API, as synthesized (properties only, never logical IDs)."""

import json

from aws_cdk.assertions import Match

from handler.constants import ENV_ALLOWED_ORIGINS
from infra.settings import Settings
from tests.infra.conftest import VARIANT_CONTEXT, Synthesized

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
        for resource in default_app.resources("AWS::Lambda::Function").values()
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


def test_cors_allows_the_site_and_the_extras_never_everyone(variant_app: Synthesized) -> None:
    cors = variant_app.only("AWS::ApiGatewayV2::Api")["CorsConfiguration"]
    assert cors["AllowOrigins"] == [
        {"Fn::Join": ["", ["https://", _distribution_domain(variant_app)]]},
        "http://localhost:8000",
        "https://preview.example.com",
    ]
    assert "*" not in json.dumps(cors)
    assert set(cors["AllowMethods"]) == {"GET", "POST", "OPTIONS"}


def test_default_cors_is_the_site_alone(default_app: Synthesized) -> None:
    cors = default_app.only("AWS::ApiGatewayV2::Api")["CorsConfiguration"]
    assert cors["AllowOrigins"] == [
        {"Fn::Join": ["", ["https://", _distribution_domain(default_app)]]}
    ]


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


def test_every_log_group_expires(default_app: Synthesized) -> None:
    # The function's, the access logs' and the page deployment handler's.
    log_groups = default_app.resources("AWS::Logs::LogGroup")
    assert len(log_groups) == 3
    for group in log_groups.values():
        assert group["Properties"]["RetentionInDays"] == 30
        assert group["DeletionPolicy"] == "Delete"
