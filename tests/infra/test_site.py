"""The bucket, the distribution in front of it and the page published into it."""

import json

from aws_cdk.assertions import Match

from handler.constants import FRONTEND_CONFIG_FILE
from infra import names
from infra.site import API_PATH_PATTERN
from tests.infra.conftest import Synthesized, without_bulk


def _joined(value: object) -> str:
    """A template string value with its tokens spelled as `{...}`, to search in."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and "Fn::Join" in value:
        separator, parts = value["Fn::Join"]
        return separator.join(_joined(part) for part in parts)
    return json.dumps(value)


def test_bucket_is_private_and_encrypted(default_app: Synthesized) -> None:
    default_app.template.has_resource_properties(
        "AWS::S3::Bucket",
        {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "BucketEncryption": {
                "ServerSideEncryptionConfiguration": [
                    {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
                ]
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        },
    )


def test_a_replaced_or_pruned_page_stays_restorable_for_30_days(default_app: Synthesized) -> None:
    ((bucket_id, bucket),) = without_bulk(default_app.resources("AWS::S3::Bucket")).items()
    props = bucket["Properties"]
    assert props["VersioningConfiguration"] == {"Status": "Enabled"}
    (rule,) = props["LifecycleConfiguration"]["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    # Pruned files leave delete markers; one with no version left behind it goes too.
    assert rule["ExpiredObjectDeleteMarker"] is True
    assert "ExpirationInDays" not in rule  # the current page never expires
    deployment = default_app.only("Custom::CDKBucketDeployment")
    assert deployment["DestinationBucketName"] == {"Ref": bucket_id}
    # Pruning stays on: files gone from frontend/ leave the page (as restorable versions).
    assert deployment["Prune"] is True


def test_bucket_policy_denies_plain_http_and_admits_only_this_distribution(
    default_app: Synthesized,
) -> None:
    (distribution_id,) = default_app.resources("AWS::CloudFront::Distribution")
    (policy,) = without_bulk(default_app.resources("AWS::S3::BucketPolicy")).values()
    statements = policy["Properties"]["PolicyDocument"]["Statement"]
    (deny,) = [s for s in statements if s["Effect"] == "Deny"]
    assert deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Action"] == "s3:*"
    assert deny["Principal"] == {"AWS": "*"}
    (cloudfront_read,) = [
        s for s in statements if s.get("Principal") == {"Service": "cloudfront.amazonaws.com"}
    ]
    assert cloudfront_read["Action"] == "s3:GetObject"
    assert distribution_id in json.dumps(cloudfront_read["Condition"]["StringEquals"])


def test_distribution_reaches_the_bucket_through_oac_over_https_only(
    default_app: Synthesized,
) -> None:
    default_app.template.has_resource_properties(
        "AWS::CloudFront::OriginAccessControl",
        {
            "OriginAccessControlConfig": Match.object_like(
                {"OriginAccessControlOriginType": "s3", "SigningBehavior": "always"}
            )
        },
    )
    (oac_id,) = default_app.resources("AWS::CloudFront::OriginAccessControl")
    default_app.template.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {
                    "DefaultRootObject": "index.html",
                    "DefaultCacheBehavior": Match.object_like(
                        {"ViewerProtocolPolicy": "redirect-to-https"}
                    ),
                    "Origins": Match.array_with(
                        [
                            Match.object_like(
                                {
                                    "OriginAccessControlId": {"Fn::GetAtt": [oac_id, "Id"]},
                                    "S3OriginConfig": {"OriginAccessIdentity": ""},
                                }
                            )
                        ]
                    ),
                }
            )
        },
    )


def test_security_headers(default_app: Synthesized) -> None:
    (policy_id,) = default_app.resources("AWS::CloudFront::ResponseHeadersPolicy")
    headers = default_app.only("AWS::CloudFront::ResponseHeadersPolicy")[
        "ResponseHeadersPolicyConfig"
    ]["SecurityHeadersConfig"]
    hsts = headers["StrictTransportSecurity"]
    assert hsts["AccessControlMaxAgeSec"] >= 31536000
    assert hsts["IncludeSubdomains"] is True
    assert headers["ContentTypeOptions"]["Override"] is True
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["ReferrerPolicy"]["ReferrerPolicy"] == "strict-origin-when-cross-origin"
    csp = _joined(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"])
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'none'"
    # The API is on the page's own origin now (/v1/*), so nothing else may be called.
    assert directives["connect-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    default_app.template.has_resource_properties(
        "AWS::CloudFront::Distribution",
        {
            "DistributionConfig": Match.object_like(
                {
                    "DefaultCacheBehavior": Match.object_like(
                        {"ResponseHeadersPolicyId": {"Ref": policy_id}}
                    )
                }
            )
        },
    )


def test_page_config_carries_the_api_url_into_the_bucket(default_app: Synthesized) -> None:
    (distribution_id,) = default_app.resources("AWS::CloudFront::Distribution")
    deployment = default_app.only("Custom::CDKBucketDeployment")
    (bucket_id,) = without_bulk(default_app.resources("AWS::S3::Bucket"))
    assert deployment["DestinationBucketName"] == {"Ref": bucket_id}
    # The config travels as a staged file with a marker that the deployment swaps for the URL.
    (markers,) = [m for m in deployment["SourceMarkers"] if m]
    ((marker, value),) = markers.items()
    # The API's base is the page's own origin (CloudFront sends /v1/* to API Gateway).
    assert value == {
        "Fn::Join": ["", ['"https://', {"Fn::GetAtt": [distribution_id, "DomainName"]}, '"']]
    }
    configs = list(default_app.outdir.glob(f"asset.*/{FRONTEND_CONFIG_FILE}"))
    assert [json.loads(path.read_text().replace(marker, '"URL"')) for path in configs] == [
        names.page_config("URL")
    ]


def test_page_files_come_from_frontend(default_app: Synthesized) -> None:
    assert list(default_app.outdir.glob("asset.*/index.html"))


def test_outputs_are_present_under_the_names_the_scripts_read(default_app: Synthesized) -> None:
    (api_id,) = default_app.resources("AWS::ApiGatewayV2::Api")
    (distribution_id,) = default_app.resources("AWS::CloudFront::Distribution")
    (bucket_id,) = without_bulk(default_app.resources("AWS::S3::Bucket"))
    template = default_app.template
    origin = {"Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}]]}
    template.has_output(names.OUTPUT_API_URL, {"Value": origin})
    template.has_output(
        names.OUTPUT_DIRECT_API_URL, {"Value": {"Fn::GetAtt": [api_id, "ApiEndpoint"]}}
    )
    template.has_output(
        names.OUTPUT_SITE_URL,
        {
            "Value": {
                "Fn::Join": ["", ["https://", {"Fn::GetAtt": [distribution_id, "DomainName"]}, "/"]]
            }
        },
    )
    template.has_output(names.OUTPUT_SITE_BUCKET, {"Value": {"Ref": bucket_id}})
    template.has_output(names.OUTPUT_DISTRIBUTION_ID, {"Value": {"Ref": distribution_id}})


def test_the_api_is_served_under_v1_uncached_with_every_viewer_header_but_host(
    default_app: Synthesized,
) -> None:
    (api_id,) = default_app.resources("AWS::ApiGatewayV2::Api")
    config = default_app.only("AWS::CloudFront::Distribution")["DistributionConfig"]
    (api_origin,) = [o for o in config["Origins"] if "CustomOriginConfig" in o]
    assert api_origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    domain = _joined(api_origin["DomainName"])
    assert api_id in domain
    assert ".execute-api." in domain
    (behavior,) = config["CacheBehaviors"]
    assert behavior["PathPattern"] == API_PATH_PATTERN
    assert behavior["TargetOriginId"] == api_origin["Id"]
    assert behavior["ViewerProtocolPolicy"] == "https-only"
    assert set(behavior["AllowedMethods"]) >= {"GET", "POST", "OPTIONS"}
    # AWS's managed policies: CachingDisabled and AllViewerExceptHostHeader.
    assert behavior["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
    assert behavior["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"
    assert "WebACLId" not in config
