"""The bulk jobs' alarms and dashboard row (infra/bulk.py builds the jobs)."""

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct


def job_alarms(
    scope: Construct, machine: sfn.StateMachine, topic: sns.ITopic
) -> dict[str, cloudwatch.Alarm]:
    """Failed and timed-out jobs notify `topic` (not rollback alarms: a job says nothing of the API)."""
    found = {
        "BulkJobFailed": ("A bulk job failed", machine.metric_failed()),
        "BulkJobTimedOut": ("A bulk job timed out", machine.metric_timed_out()),
    }
    alarms = {}
    for name, (description, metric) in found.items():
        alarm = cloudwatch.Alarm(
            scope,
            name,
            alarm_description=description,
            metric=metric.with_(statistic="Sum", period=Duration.minutes(5)),
            threshold=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=1,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(topic))
        alarm.add_ok_action(actions.SnsAction(topic))
        alarms[name] = alarm
    return alarms


def job_widgets(machine: sfn.StateMachine, alias: lambda_.IFunction) -> list[cloudwatch.IWidget]:
    """The dashboard's row of bulk jobs: executions, and the batches' function."""
    five = Duration.minutes(5)
    return [
        cloudwatch.GraphWidget(
            title="Bulk jobs",
            width=12,
            left=[
                m.with_(statistic="Sum", period=five)
                for m in (
                    machine.metric_started(),
                    machine.metric_succeeded(),
                    machine.metric_failed(),
                    machine.metric_timed_out(),
                )
            ],
        ),
        cloudwatch.GraphWidget(
            title="Bulk batches (function)",
            width=12,
            left=[
                alias.metric_invocations(statistic="Sum", period=five),
                alias.metric_errors(statistic="Sum", period=five),
                alias.metric_throttles(statistic="Sum", period=five),
            ],
            right=[alias.metric_duration(statistic="p99", period=five)],
        ),
    ]
