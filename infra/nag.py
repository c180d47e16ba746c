"""Every cdk-nag AwsSolutions finding this stack accepts, each on its construct, with why.

Kept in one module so that the whole list can be reviewed at once; a finding that appears
anywhere else fails synth.
"""

from collections.abc import Mapping
from typing import cast

from aws_cdk import Acknowledgment, CfnElement, DefaultStackSynthesizer, Stack, Validations
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment
from constructs import IConstruct

from infra.api import SentimentApi
from infra.site import StaticSite


def acknowledge(construct: IConstruct, reasons: Mapping[str, str]) -> None:
    """Accept each finding (a rule id, or `rule[finding]`) on `construct` and its children."""
    Validations.of(construct).acknowledge(
        *(Acknowledgment(id=rule, reason=reason) for rule, reason in reasons.items())
    )


def acknowledge_site(site: StaticSite) -> None:
    """The page is public, static and rebuilt from the repository on every deploy."""
    acknowledge(
        site.bucket,
        {
            "AwsSolutions-S1": "Private bucket read only by CloudFront through OAC and written "
            "only by the deployment; server access logs would record nothing else, and the "
            "log bucket would need the same exemption.",
        },
    )
    acknowledge(
        site.distribution,
        {
            "AwsSolutions-CFR1": "A public page meant for readers in every country.",
            "AwsSolutions-CFR2": "Static files only; a web ACL costs more per month than the "
            "whole stack at rest, and the API that does the work is throttled per stage.",
            "AwsSolutions-CFR3": "Viewer logs of a static demo page are not needed; the API has "
            "JSON access logs, and standard logging would need an ACL-enabled log bucket.",
            "AwsSolutions-CFR4": "No custom domain: the default *.cloudfront.net certificate "
            "fixes the viewer TLS policy, and a minimum protocol needs an own certificate.",
        },
    )


def acknowledge_api(api: SentimentApi) -> None:
    """Predictions are anonymous by design; throttling, not identity, bounds the traffic."""
    acknowledge(
        api.http_api,
        {
            "AwsSolutions-APIG4": "Public, anonymous predictions are the product; abuse is "
            "bounded by the stage's rate and burst limits and optional reserved concurrency.",
        },
    )


def acknowledge_page_deployment(
    deployment: s3_deployment.BucketDeployment, site_bucket: s3.IBucket
) -> None:
    """Findings on the Lambda function that aws-cdk-lib creates for BucketDeployment."""
    # The handler is a singleton at stack level that the library names; reaching it from the
    # role the deployment exposes avoids spelling that generated name here.
    handler = deployment.handler_role.node.scope
    assert handler is not None
    bucket_resource = cast(CfnElement, site_bucket.node.default_child)
    bucket_id = Stack.of(bucket_resource).get_logical_id(bucket_resource)
    assets = (
        f"arn:<AWS::Partition>:s3:::cdk-{DefaultStackSynthesizer.DEFAULT_QUALIFIER}"
        "-assets-<AWS::AccountId>-<AWS::Region>/*"
    )
    managed = "Handler owned by aws-cdk-lib's BucketDeployment; "
    acknowledge(
        handler,
        {
            "AwsSolutions-L1": managed + "its runtime moves with the pinned aws-cdk-lib.",
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]": managed
            + "the library attaches the policy; its logs go to the expiring group we give it.",
            f"AwsSolutions-IAM5[Resource::{assets}]": managed
            + "it reads the page's zip from the CDK asset bucket.",
            f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/*]": managed
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
