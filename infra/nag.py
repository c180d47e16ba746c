"""Every cdk-nag AwsSolutions finding this stack accepts, each on its construct, with why.

Kept in one module so that the whole list can be reviewed at once; a finding that appears
anywhere else fails synth.
"""

from collections.abc import Mapping
from typing import cast

from aws_cdk import Acknowledgment, CfnElement, DefaultStackSynthesizer, Stack, Validations
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment
from constructs import Construct, IConstruct

from infra.api import SentimentApi
from infra.bulk import BulkJobs
from infra.release import Release
from infra.site import StaticSite
from infra.waf import WebAclArn


def acknowledge_stack(
    *,
    site: StaticSite,
    api: SentimentApi,
    page: s3_deployment.BucketDeployment,
    release: Release,
    web_acl: WebAclArn | None,
) -> None:
    """Every acknowledgement of the stack, construct by construct (the stack passes its own)."""
    acknowledge_site(site, web_acl=web_acl is not None)
    acknowledge_api(api)
    acknowledge_page_deployment(page, site.bucket)
    acknowledge_release(release)
    if web_acl:
        acknowledge_web_acl_reader(web_acl)


def acknowledge_web_acl_reader(reader: WebAclArn) -> None:
    """The function aws-cdk-lib's AwsCustomResource runs to read the ACL's ARN from us-east-1."""
    role = reader.reader.grant_principal
    assert isinstance(role, Construct)
    handler = role.node.scope  # the singleton function behind the role
    assert handler is not None
    acknowledge(
        handler,
        {
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSLambdaBasicExecutionRole]": "Handler owned by aws-cdk-lib's AwsCustomResource; "
            "the library attaches the policy; its logs go to the expiring group we give it.",
        },
    )


def acknowledge_release(release: Release) -> None:
    """CodeDeploy's role as aws-cdk-lib builds it, and the hook's runtime."""
    hook = cast(CfnElement, release.pre_traffic_hook.node.default_child)
    hook_id = Stack.of(hook).get_logical_id(hook)
    acknowledge(
        release.pre_traffic_hook,
        {
            "AwsSolutions-L1": "The hook runs on Python 3.13, the version the service's image "
            "and its tests use, so the smoke check it imports is tested on the runtime it runs on.",
        },
    )
    acknowledge(
        release.deployment_group,
        {
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
            "AWSCodeDeployRoleForLambdaLimited]": "AWS's own policy for CodeDeploy on Lambda: it "
            "may update aliases and read alarms, and invoke only functions named CodeDeployHook_* "
            "(ours is granted separately); a hand-written copy would drift from what CodeDeploy needs.",
            f"AwsSolutions-IAM5[Resource::<{hook_id}.Arn>:*]": "CodeDeploy invokes the pre-traffic "
            "hook, which aws-cdk-lib grants on the function and its versions; one function only.",
        },
    )


def acknowledge(construct: IConstruct, reasons: Mapping[str, str]) -> None:
    """Accept each finding (a rule id, or `rule[finding]`) on `construct` and its children."""
    Validations.of(construct).acknowledge(
        *(Acknowledgment(id=rule, reason=reason) for rule, reason in reasons.items())
    )


def acknowledge_site(site: StaticSite, *, web_acl: bool) -> None:
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
            **(
                {}
                if web_acl
                else {
                    "AwsSolutions-CFR2": "The web ACL is opt-in (`-c waf=true`): it costs about "
                    "$8 a month, hundreds of times the stack at rest, and without it the API is "
                    "still throttled per stage (docs/deploy.md).",
                }
            ),
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
            "bounded by the stage's rate and burst limits, the optional per-IP web ACL and "
            "optional reserved concurrency.",
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


def acknowledge_bulk(bulk: BulkJobs) -> None:
    """The bulk jobs' bucket, function and state machine (infra/bulk.py)."""
    bucket = cast(CfnElement, bulk.bucket.node.default_child)
    bucket_id = Stack.of(bucket).get_logical_id(bucket)
    acknowledge(
        bulk.bucket,
        {
            "AwsSolutions-S1": "Written only by the account's own uploads and the job's "
            "function, and every object expires within days; server access logs would need a "
            "log bucket with the same exemption.",
        },
    )
    prefixes = {
        f"AwsSolutions-IAM5[Resource::<{bucket_id}.Arn>/{prefix}*]": f"Objects under {prefix} "
        "only: a job's files are named by the uploader, so the grant is the prefix."
        for prefix in ("in/", "out/")
    }
    acknowledge(bulk.role, prefixes)
    machine = cast(CfnElement, bulk.state_machine.node.default_child)
    name = f'{{"Fn::Select":[6,{{"Fn::Split":[":",{{"Ref":"{Stack.of(machine).get_logical_id(machine)}"}}]}}]}}'
    executions = "arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:" + name
    acknowledge(
        bulk.state_machine,
        {
            **prefixes,
            "AwsSolutions-IAM5[Resource::*]": "X-Ray tracing and CloudWatch Logs delivery, as "
            "aws-cdk-lib grants them for tracing and logging: those actions take no resource.",
            f"AwsSolutions-IAM5[Resource::{executions}:*]": "The Distributed Map describes and "
            "stops its own child executions, which are named when they start.",
            f"AwsSolutions-IAM5[Resource::{executions}/*:*]": "The Distributed Map redrives its "
            "own child executions, which are named when they start.",
        },
    )
