"""cdk-nag's AwsSolutions checks on the app, and how a construct accepts one of their findings.

Each construct acknowledges the findings on the resources it owns, next to them and each with
why (`acknowledge`); a finding that nobody acknowledged fails synth. docs/security.md lists them
all, with the checkov findings the templates accept (infra/policy_scan.py).
"""

from collections.abc import Mapping
from typing import cast

from aws_cdk import Acknowledgment, App, CfnElement, Stack, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import Construct, IConstruct

# Said of every function that aws-cdk-lib writes and runs for us (BucketDeployment's,
# AwsCustomResource's): we choose neither its code nor its policies.
LIBRARY_HANDLER = "Handler owned by aws-cdk-lib"
BASIC_EXECUTION = (
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
    "AWSLambdaBasicExecutionRole]"
)


def check(app: App) -> None:
    """Run the AwsSolutions checks on every stack of `app` when it synthesizes."""
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


def acknowledge(construct: IConstruct, reasons: Mapping[str, str]) -> None:
    """Accept each finding (a rule id, or `rule[finding]`) on `construct` and its children."""
    Validations.of(construct).acknowledge(
        *(Acknowledgment(id=rule, reason=reason) for rule, reason in reasons.items())
    )


def logical_id(construct: IConstruct) -> str:
    """The logical id of `construct`'s resource, as a finding on a policy names it."""
    resource = cast(CfnElement, construct.node.default_child)
    return Stack.of(resource).get_logical_id(resource)


def library_handler(role: IConstruct) -> IConstruct:
    """The singleton function behind `role`, which aws-cdk-lib names (so we never spell it)."""
    handler = role.node.scope
    assert isinstance(handler, Construct)
    return handler
