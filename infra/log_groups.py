"""Log groups that expire and leave with the stack, so nothing keeps billing after `destroy`.

Every function gets one through its LoggingConfig: ours and the BucketDeployment and
AwsCustomResource handlers take a `log_group`; the S3 auto-delete provider (a CustomResourceProvider,
which has no such option) gets it through a property override in `give_providers_log_groups`.
"""

from typing import Final

from aws_cdk import CfnResource, RemovalPolicy, Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

LOG_RETENTION: Final = logs.RetentionDays.ONE_MONTH
_FUNCTION: Final = "AWS::Lambda::Function"


def expiring_log_group(scope: Construct, construct_id: str) -> logs.LogGroup:
    """A log group kept for LOG_RETENTION and deleted with the stack."""
    return logs.LogGroup(
        scope, construct_id, retention=LOG_RETENTION, removal_policy=RemovalPolicy.DESTROY
    )


def function_role_and_logs(scope: Construct, name: str) -> tuple[iam.Role, logs.LogGroup]:
    """A function's own role, allowed to write only to its own expiring log group.

    Instead of the default role's AWSLambdaBasicExecutionRole, which may write to any log group
    in the account.
    """
    group = expiring_log_group(scope, f"{name}Logs")
    role = iam.Role(scope, f"{name}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"))
    group.grant_write(role)
    return role, group


def give_providers_log_groups(stack: Stack) -> list[CfnResource]:
    """Point each custom-resource provider function of `stack` at its own expiring log group.

    Call it once the stack's constructs exist. The provider then depends on its group, so on
    `destroy` CloudFormation deletes the group only after the provider's last run (which would
    otherwise re-create a never-expiring /aws/lambda/... group). Providers that aws-cdk-lib adds
    only at synth time (crossRegionReferences' readers) would be missed: the stack uses none.
    """
    patched = []
    for node in stack.node.find_all():
        if (
            isinstance(node, CfnResource)
            and not isinstance(node, lambda_.CfnFunction)
            and node.cfn_resource_type == _FUNCTION
        ):
            provider = node.node.scope
            assert isinstance(provider, Construct)
            group = expiring_log_group(provider, "Logs")
            # The Ref also orders them: created before the provider, deleted after it.
            node.add_property_override("LoggingConfig", {"LogGroup": group.log_group_name})
            patched.append(node)
    return patched
