"""Alarms and the topic they notify: plain CDK, every threshold named here.

Every alarm notifies one SNS topic (and an e-mail address when `alarmEmail` is set) and is one
of the deployment group's rollback alarms. Missing data never alarms: no traffic is not a fault.
The topic is encrypted with a key of the stack's own, because SNS's AWS-managed key admits no
grant to CloudWatch: alarms could not publish to a topic encrypted with it.
"""

from dataclasses import dataclass
from typing import Final

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigatewayv2 as apigwv2
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kms as kms
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from constructs import Construct

from handler import constants

UNEXPECTED_ERRORS: Final = "UnexpectedErrors"
ONE_MINUTE: Final = Duration.minutes(1)
FIVE_MINUTES: Final = Duration.minutes(5)
# Share of API answers that may be 5xx before it is an incident (percent, 2 of 3 minutes).
MAX_5XX_PERCENT: Final = 5.0
# p99 a reader would notice; a cold start (model load) is well under it (docs/deploy.md).
MAX_P99_LATENCY_MS: Final = 2500
# Duration this close to the timeout means answers are about to be cut off.
TIMEOUT_SHARE: Final = 0.8
# Share of the account's concurrency quota (Service Quotas reports it; no figure to configure).
MAX_QUOTA_PERCENT: Final = 80.0
CONCURRENCY_USAGE: Final = cloudwatch.Metric(
    namespace="AWS/Usage",
    metric_name="ResourceCount",
    dimensions_map={
        "Service": "Lambda",
        "Type": "Resource",
        "Resource": "ConcurrentExecutions",
        "Class": "None",
    },
    statistic="Maximum",
    period=FIVE_MINUTES,
)


@dataclass(frozen=True, kw_only=True)
class Watched:
    """What the alarms and the dashboard (infra/dashboard.py) look at."""

    alias: lambda_.Alias
    stage: apigwv2.HttpStage
    function_logs: logs.ILogGroup
    timeout: Duration
    model_version: str


class Monitoring(Construct):
    """`alarms` (by name) notify `topic`; `unexpected` is the metric-filter's count."""

    def __init__(
        self, scope: Construct, construct_id: str, *, watched: Watched, alarm_email: str | None
    ) -> None:
        super().__init__(scope, construct_id)
        self.watched = watched
        self.key = alarm_topic_key(self, "AlarmTopicKey")
        self.topic = sns.Topic(
            self,
            "AlarmTopic",
            display_name="Sentiment service alarms",
            enforce_ssl=True,
            master_key=self.key,
        )
        if alarm_email:
            self.topic.add_subscription(subscriptions.EmailSubscription(alarm_email))
        unexpected = logs.MetricFilter(
            self,
            "UnexpectedErrorFilter",
            log_group=watched.function_logs,
            metric_namespace=constants.METRIC_NAMESPACE,
            metric_name=UNEXPECTED_ERRORS,
            # The app's own event for an exception it did not expect (handler/api/app.py); the event's
            # name is a Powertools line's `message`.
            filter_pattern=logs.FilterPattern.string_value("$.message", "=", "unexpected_error"),
            metric_value="1",
        )
        self.unexpected = unexpected.metric(statistic="Sum", period=ONE_MINUTE)
        self.signals = _signals(watched, self.unexpected)
        self.alarms = {
            name: self._alarm(name, *spec)
            for name, spec in _alarm_specs(watched, self.signals).items()
        }

    def _alarm(
        self,
        name: str,
        description: str,
        metric: cloudwatch.IMetric,
        threshold: float,
        evaluation: tuple[int, int],
    ) -> cloudwatch.Alarm:
        datapoints, periods = evaluation
        alarm = cloudwatch.Alarm(
            self,
            name,
            alarm_description=description,
            metric=metric,
            threshold=threshold,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            evaluation_periods=periods,
            datapoints_to_alarm=datapoints,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(actions.SnsAction(self.topic))
        alarm.add_ok_action(actions.SnsAction(self.topic))
        return alarm


def alarm_topic_key(scope: Construct, construct_id: str) -> kms.Key:
    """A rotating key that CloudWatch alarms of this account may encrypt messages with."""
    key = kms.Key(
        scope,
        construct_id,
        description="Encrypts the sentiment service's alarm topic",
        enable_key_rotation=True,
        # It encrypts only messages in flight, which SNS keeps for minutes: `make destroy` may
        # delete it after the shortest wait KMS allows.
        removal_policy=RemovalPolicy.DESTROY,
        pending_window=Duration.days(7),
    )
    key.add_to_resource_policy(
        iam.PolicyStatement(
            sid="CloudWatchAlarmsPublish",
            principals=[iam.ServicePrincipal("cloudwatch.amazonaws.com")],
            actions=["kms:Decrypt", "kms:GenerateDataKey*"],
            resources=["*"],
            # Only on behalf of this account's alarms (the confused-deputy guard).
            conditions={"StringEquals": {"aws:SourceAccount": Stack.of(scope).account}},
        )
    )
    return key


def _signals(watched: Watched, unexpected: cloudwatch.Metric) -> dict[str, cloudwatch.IMetric]:
    stage, alias = watched.stage, watched.alias
    requests = stage.metric_count(statistic="Sum", period=ONE_MINUTE)
    server_errors = stage.metric_server_error(statistic="Sum", period=ONE_MINUTE)
    return {
        "requests": requests,
        "server_errors": server_errors,
        "5xx_percent": cloudwatch.MathExpression(
            expression="IF(requests > 0, 100 * errors / requests, 0)",
            using_metrics={"requests": requests, "errors": server_errors},
            label="5xx %",
            period=ONE_MINUTE,
        ),
        "latency_p99": stage.metric_latency(statistic="p99", period=ONE_MINUTE),
        "errors": alias.metric_errors(statistic="Sum", period=ONE_MINUTE),
        "throttles": alias.metric_throttles(statistic="Sum", period=ONE_MINUTE),
        "duration_max": alias.metric_duration(statistic="Maximum", period=ONE_MINUTE),
        "quota_percent": cloudwatch.MathExpression(
            expression="100 * usage / SERVICE_QUOTA(usage)",
            using_metrics={"usage": CONCURRENCY_USAGE},
            label="concurrency, % of the account quota",
            period=FIVE_MINUTES,
        ),
        "unexpected": unexpected,
        "version_5xx_percent": cloudwatch.MathExpression(
            expression="100 * failed",
            using_metrics={
                "failed": model_metric(watched, constants.METRIC_SERVER_ERROR, "Average")
            },
            label=f"5xx % of model {watched.model_version}",
            period=ONE_MINUTE,
        ),
    }


AlarmSpec = tuple[str, cloudwatch.IMetric, float, tuple[int, int]]


def _alarm_specs(watched: Watched, signals: dict[str, cloudwatch.IMetric]) -> dict[str, AlarmSpec]:
    """Name -> (description, metric, threshold (>=), (datapoints, of periods))."""
    timeout_ms = watched.timeout.to_milliseconds()
    return {
        "Api5xxRate": (
            f"At least {MAX_5XX_PERCENT:g}% of API answers are 5xx (2 of 3 minutes)",
            signals["5xx_percent"], MAX_5XX_PERCENT, (2, 3),
        ),
        "FunctionErrors": (
            "The function failed (crash, timeout, out of memory) at least once in a minute",
            signals["errors"], 1, (1, 1),
        ),
        "FunctionThrottles": (
            "Lambda refused at least one invocation for lack of concurrency in a minute",
            signals["throttles"], 1, (1, 1),
        ),
        "LatencyP99": (
            f"API p99 latency at least {MAX_P99_LATENCY_MS} ms in 3 of 5 minutes",
            signals["latency_p99"], MAX_P99_LATENCY_MS, (3, 5),
        ),
        "DurationNearTimeout": (
            f"An invocation ran {TIMEOUT_SHARE:.0%} of the {timeout_ms / 1000:g} s timeout",
            signals["duration_max"], TIMEOUT_SHARE * timeout_ms, (1, 1),
        ),
        "ConcurrencyNearQuota": (
            f"Account concurrency at least {MAX_QUOTA_PERCENT:g}% of its quota",
            signals["quota_percent"], MAX_QUOTA_PERCENT, (1, 1),
        ),
        "UnexpectedErrors": (
            "The app logged an unexpected_error (an exception it did not map to a 4xx/503)",
            signals["unexpected"], 1, (1, 1),
        ),
        "ModelVersion5xxRate": (
            f"At least {MAX_5XX_PERCENT:g}% of model {watched.model_version}'s answers are 5xx "
            "(catches a canary at 10% of the traffic)",
            signals["version_5xx_percent"], MAX_5XX_PERCENT, (2, 3),
        ),
    }  # fmt: skip


def model_metric(watched: Watched, name: str, statistic: str) -> cloudwatch.Metric:
    return cloudwatch.Metric(
        namespace=constants.METRIC_NAMESPACE,
        metric_name=name,
        dimensions_map={constants.METRIC_DIMENSION: watched.model_version},
        statistic=statistic,
        period=ONE_MINUTE,
    )
