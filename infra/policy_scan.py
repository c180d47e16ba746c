"""Every checkov finding the synthesized templates accept, each with why: one list, reviewed whole.

tests/infra/test_scan.py (`make scan`) runs checkov on the templates of the default app and of
`-c waf=true -c architecture=arm64`, and fails on a finding that no entry here accepts, and on an
entry whose resource no longer has that finding (the gap was closed, or the resource renamed),
so the list cannot rot. Resources are named by construct path under their stack, such as
`Api/Function/Resource` (fnmatch patterns where aws-cdk-lib names them), never by logical id.
cdk-nag's findings are acknowledged by their constructs instead (infra/nag.py); docs/security.md
lists both.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Final

# Functions aws-cdk-lib writes and runs for us: BucketDeployment's, the S3 auto-delete provider
# and AwsCustomResource's (the web ACL's reader, with `waf=true` only).
PAGE_DEPLOYMENT: Final = "Custom::CDKBucketDeployment*/Resource"
AUTO_DELETE: Final = "Custom::S3AutoDeleteObjectsCustomResourceProvider/Handler"
SDK_CALL: Final = "AWS679f53fac002430cb0da5b7982bd2287/Resource"
LIBRARY_FUNCTIONS: Final = (PAGE_DEPLOYMENT, AUTO_DELETE, SDK_CALL)
OUR_FUNCTIONS: Final = (
    "Api/Function/Resource",
    "Bulk/Function/Resource",
    "Release/PreTrafficHook/Resource",
)
LOG_GROUPS: Final = (
    "Api/AccessLogs/Resource",
    "Api/FunctionLogs/Resource",
    "Bulk/FunctionLogs/Resource",
    "Bulk/JobLogs/Resource",
    "Release/PreTrafficHookLogs/Resource",
    "Site/PageDeploymentLogs/Resource",
    "WebAclArn/ReaderLogs/Resource",
    "Custom::S3AutoDeleteObjectsCustomResourceProvider/Logs/Resource",
)
DISTRIBUTION: Final = "Site/Distribution/Resource"


@dataclass(frozen=True, kw_only=True)
class Accepted:
    """A checkov check accepted on the resources at `paths` (each must still fail it)."""

    check: str
    paths: tuple[str, ...]
    reason: str


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One failed check on one resource: the template's file name and the construct path."""

    check: str
    template: str
    path: str


ACCEPTED: Final = (
    Accepted(
        check="CKV_AWS_117",  # Lambda in a VPC
        paths=OUR_FUNCTIONS + LIBRARY_FUNCTIONS,
        reason="No function reaches a private resource: they call public AWS endpoints only (S3, "
        "Lambda, SSM, CodeDeploy, CloudFront). A VPC would need NAT gateways or interface "
        "endpoints, tens of dollars a month (hundreds of times the stack at rest), to protect "
        "nothing.",
    ),
    Accepted(
        check="CKV_AWS_116",  # Lambda dead-letter queue
        paths=OUR_FUNCTIONS + LIBRARY_FUNCTIONS,
        reason="A DLQ keeps failed asynchronous events for replay; here every caller sees the "
        "failure itself and acts on it: API Gateway answers 5xx, Step Functions retries and "
        "then counts the batch, CloudFormation and CodeDeploy fail (and roll back) the deploy. "
        "A queue would hold events nobody replays.",
    ),
    Accepted(
        check="CKV_AWS_115",  # Lambda reserved concurrency
        paths=("Api/Function/Resource",),
        reason="Reserved concurrency is the `reservedConcurrency` setting, off by default: new "
        "accounts may have 10 concurrent executions in all and reserving any fails the deploy "
        "there. The stage's throttle (and the optional web ACL) bound the traffic.",
    ),
    Accepted(
        check="CKV_AWS_115",
        paths=("Bulk/Function/Resource",),
        reason="The Distributed Map runs at most 8 batches at once (MaxConcurrency), which "
        "bounds it; a reservation would take those 8 from the API for good.",
    ),
    Accepted(
        check="CKV_AWS_115",
        paths=("Release/PreTrafficHook/Resource", *LIBRARY_FUNCTIONS),
        reason="Run once per deployment by CodeDeploy or CloudFormation, and by nothing else.",
    ),
    Accepted(
        check="CKV_AWS_173",  # Lambda environment encrypted with a customer key
        paths=(*OUR_FUNCTIONS, PAGE_DEPLOYMENT),
        reason="The variables hold no secret (allowed origins, log level, bucket name, a version "
        "ARN) and Lambda encrypts them at rest with an AWS-managed key.",
    ),
    Accepted(
        check="CKV_AWS_158",  # log group encrypted with a customer key
        paths=LOG_GROUPS,
        reason="CloudWatch Logs encrypts every group at rest. The lines hold no review text and "
        "no client IP (docs/security.md, tested), and expire after 30 days; a key per group "
        "would add cost and a key policy to keep, guarding nothing secret.",
    ),
    Accepted(
        check="CKV_AWS_111",  # IAM write without constraints
        paths=("Custom::CDKBucketDeployment*/ServiceRole/DefaultPolicy/Resource",),
        reason="BucketDeployment's own policy, written by aws-cdk-lib: cloudfront:"
        "CreateInvalidation takes no narrower resource in it (cdk-nag IAM5, same reason).",
    ),
    Accepted(
        check="CKV_AWS_18",  # S3 access logging
        paths=("Site/Bucket/Resource", "Bulk/Bucket/Resource"),
        reason="Private buckets written only by the deployment or the account's own jobs, read "
        "only by CloudFront (OAC) or the job's function; access logs would record nothing else, "
        "and their bucket would need the same exemption (cdk-nag S1).",
    ),
    Accepted(
        check="CKV_AWS_21",  # S3 versioning
        paths=("Bulk/Bucket/Resource",),
        reason="A job's working files: a rerun rewrites them whole and every object expires "
        "after 7 days, so old versions would keep only copies nobody reads. The page's bucket "
        "is versioned.",
    ),
    Accepted(
        check="CKV_AWS_68",  # CloudFront WAF
        paths=(DISTRIBUTION,),
        reason="The web ACL is opt-in (`-c waf=true`, which passes this check): about $8 a "
        "month, hundreds of times the stack at rest; without it the stage's throttle still "
        "bounds the API (cdk-nag CFR2).",
    ),
    Accepted(
        check="CKV_AWS_86",  # CloudFront access logging
        paths=(DISTRIBUTION,),
        reason="Viewer logs of a static demo page are not needed and would hold client IPs; the "
        "API has JSON access logs (cdk-nag CFR3).",
    ),
    Accepted(
        check="CKV_AWS_174",  # CloudFront TLS 1.2 viewer certificate
        paths=(DISTRIBUTION,),
        reason="No custom domain: the default *.cloudfront.net certificate fixes the viewer TLS "
        "policy, and choosing a minimum protocol needs a certificate of our own (cdk-nag CFR4).",
    ),
)


def accepts(entry: Accepted, finding: Finding) -> bool:
    return entry.check == finding.check and any(
        fnmatchcase(finding.path, pattern) for pattern in entry.paths
    )


def unaccepted(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that no entry of ACCEPTED accepts."""
    return [f for f in findings if not any(accepts(entry, f) for entry in ACCEPTED)]


def stale(findings: Iterable[Finding]) -> list[tuple[str, str]]:
    """(check, path pattern) of each acknowledgement that matches none of `findings`."""
    found = list(findings)
    return [
        (entry.check, pattern)
        for entry in ACCEPTED
        for pattern in entry.paths
        if not any(f.check == entry.check and fnmatchcase(f.path, pattern) for f in found)
    ]
