"""The page and the API on one origin: a private bucket and the HTTP API behind one CloudFront.

The page calls `/v1/*` on its own origin, so a browser needs no CORS for it and an optional web
ACL (infra/waf.py) sees every client. CloudFront caches nothing under `/v1/` and forwards every
viewer header but Host (API Gateway routes on its own host name).
"""

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from aws_cdk import DefaultStackSynthesizer, Duration
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3_deployment as s3_deployment
from constructs import Construct

from handler.constants import API_PREFIX, FRONTEND_CONFIG_FILE
from infra.buckets import private_bucket
from infra.log_groups import expiring_log_group
from infra.nag import BASIC_EXECUTION, LIBRARY_HANDLER, acknowledge, library_handler, logical_id

INDEX_DOCUMENT: Final = "index.html"
API_PATH_PATTERN: Final = f"{API_PREFIX}/*"
# How long a replaced or pruned page file can be restored (docs/deploy.md, rolling back the page).
PAGE_VERSIONS_KEPT: Final = Duration.days(30)


def content_security_policy() -> str:
    """The page may load only its own files and call only its own origin (where /v1/ is)."""
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        )
    )


class StaticSite(Construct):
    """Bucket and distribution; `origin` is the page's (and, under /v1/, the API's) origin."""

    def __init__(
        self, scope: Construct, construct_id: str, *, web_acl_arn: str | None = None
    ) -> None:
        super().__init__(scope, construct_id)
        # Versioned, so the page a bad deploy replaced (or pruned) can be put back for a while.
        self.bucket = private_bucket(self, "Bucket", keep_old_versions_for=PAGE_VERSIONS_KEPT)
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=content_security_policy(), override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN,
                    override=True,
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(365),
                    include_subdomains=True,
                    override=True,
                ),
            ),
        )
        self.headers = headers
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="Movie-review sentiment page",
            default_root_object=INDEX_DOCUMENT,
            # The cheapest edge set (North America and Europe) suits a demo page.
            price_class=cloudfront.PriceClass.PRICE_CLASS_100,
            web_acl_id=web_acl_arn,
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,
                response_headers_policy=headers,
            ),
        )
        self.origin: str = f"https://{self.distribution.distribution_domain_name}"
        self.url: str = f"{self.origin}/"
        self._acknowledge(web_acl=web_acl_arn is not None)

    def _acknowledge(self, *, web_acl: bool) -> None:
        """The page is public, static and rebuilt from the repository on every deploy."""
        acknowledge(
            self.bucket,
            {
                "AwsSolutions-S1": "Private bucket read only by CloudFront through OAC and "
                "written only by the deployment; server access logs would record nothing else, "
                "and the log bucket would need the same exemption.",
            },
        )
        optional_acl = {
            "AwsSolutions-CFR2": "The web ACL is opt-in (`-c waf=true`): it costs about $8 a "
            "month, hundreds of times the stack at rest, and without it the API is still "
            "throttled per stage (docs/deploy.md).",
        }
        acknowledge(
            self.distribution,
            {
                "AwsSolutions-CFR1": "A public page meant for readers in every country.",
                **({} if web_acl else optional_acl),
                "AwsSolutions-CFR3": "Viewer logs of a static demo page are not needed; the API "
                "has JSON access logs, and standard logging would need an ACL-enabled log bucket.",
                "AwsSolutions-CFR4": "No custom domain: the default *.cloudfront.net certificate "
                "fixes the viewer TLS policy, and a minimum protocol needs an own certificate.",
            },
        )

    def serve_api(self, api_domain_name: str) -> None:
        """Send `/v1/*` to the API at `api_domain_name`, uncached, every method allowed."""
        self.distribution.add_behavior(
            API_PATH_PATTERN,
            origins.HttpOrigin(
                api_domain_name, protocol_policy=cloudfront.OriginProtocolPolicy.HTTPS_ONLY
            ),
            # A redirect would turn a POST into a GET; the page is on HTTPS anyway.
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            response_headers_policy=self.headers,
        )

    def publish(
        self, source_dir: Path, config: Mapping[str, str]
    ) -> s3_deployment.BucketDeployment:
        """Upload the page's files and its config (which may hold deploy-time tokens)."""
        deployment = s3_deployment.BucketDeployment(
            self,
            "Page",
            sources=[
                # A config.json left by local development must not shadow the deployed one.
                s3_deployment.Source.asset(str(source_dir), exclude=[FRONTEND_CONFIG_FILE]),
                s3_deployment.Source.json_data(FRONTEND_CONFIG_FILE, dict(config)),
            ],
            destination_bucket=self.bucket,
            # Files gone from frontend/ are deleted (pruned), which in the versioned bucket only
            # hides them behind a delete marker: they stay restorable for PAGE_VERSIONS_KEPT.
            prune=True,
            distribution=self.distribution,
            distribution_paths=["/*"],
            # Without it the handler logs to a group Lambda creates, which outlives the stack.
            log_group=expiring_log_group(self, "PageDeploymentLogs"),
        )
        self._acknowledge_deployment(deployment)
        return deployment

    def _acknowledge_deployment(self, deployment: s3_deployment.BucketDeployment) -> None:
        """Findings on the function aws-cdk-lib runs for BucketDeployment (one per stack)."""
        assets = (
            f"arn:<AWS::Partition>:s3:::cdk-{DefaultStackSynthesizer.DEFAULT_QUALIFIER}"
            "-assets-<AWS::AccountId>-<AWS::Region>/*"
        )
        managed = f"{LIBRARY_HANDLER}'s BucketDeployment; "
        acknowledge(
            library_handler(deployment.handler_role),
            {
                "AwsSolutions-L1": managed + "its runtime moves with the pinned aws-cdk-lib.",
                BASIC_EXECUTION: managed
                + "the library attaches the policy; its logs go to the expiring group we give it.",
                f"AwsSolutions-IAM5[Resource::{assets}]": managed
                + "it reads the page's zip from the CDK asset bucket.",
                f"AwsSolutions-IAM5[Resource::<{logical_id(self.bucket)}.Arn>/*]": managed
                + "it writes and prunes the page's files in the site bucket only.",
                "AwsSolutions-IAM5[Action::s3:GetObject*]": managed + "reads the assets.",
                "AwsSolutions-IAM5[Action::s3:GetBucket*]": managed + "reads the assets.",
                "AwsSolutions-IAM5[Action::s3:List*]": managed + "lists files to prune.",
                "AwsSolutions-IAM5[Action::s3:DeleteObject*]": managed + "prunes stale files.",
                "AwsSolutions-IAM5[Action::s3:Abort*]": managed + "aborts failed uploads.",
                "AwsSolutions-IAM5[Resource::*]": managed
                + "cloudfront:CreateInvalidation is granted on every distribution.",
            },
        )
