"""Log groups that expire and leave with the stack, so nothing keeps billing after `destroy`."""

from typing import Final

from aws_cdk import RemovalPolicy
from aws_cdk import aws_logs as logs
from constructs import Construct

LOG_RETENTION: Final = logs.RetentionDays.ONE_MONTH


def expiring_log_group(scope: Construct, construct_id: str) -> logs.LogGroup:
    """A log group kept for LOG_RETENTION and deleted with the stack."""
    return logs.LogGroup(
        scope, construct_id, retention=LOG_RETENTION, removal_policy=RemovalPolicy.DESTROY
    )
