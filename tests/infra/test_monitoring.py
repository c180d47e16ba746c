"""Alarms (metric, threshold, action), the topic they notify, and the metric filter."""

import json

import pytest
from aws_cdk.assertions import Match

from handler import constants
from infra import monitoring
from infra.model import shipped_model_version
from tests.infra.conftest import Synthesized, without_bulk

ALARMS = {
    "Api5xxRate", "FunctionErrors", "FunctionThrottles", "LatencyP99", "DurationNearTimeout",
    "ConcurrencyNearQuota", "UnexpectedErrors", "ModelVersion5xxRate",
}  # fmt: skip


def _props_of(app: Synthesized, name: str) -> dict:
    alarm = app.stack.monitoring.alarms[name]
    logical_id = app.stack.get_logical_id(alarm.node.default_child)
    return app.resources("AWS::CloudWatch::Alarm")[logical_id]["Properties"]


def _metric(props: dict) -> dict:
    """The one plain metric an alarm reads, or the metric under its math expression."""
    if "MetricName" in props:
        return props
    stats = [m["MetricStat"]["Metric"] for m in props["Metrics"] if "MetricStat" in m]
    return stats[0]


@pytest.fixture(scope="module")
def alarms(default_app: Synthesized) -> dict[str, dict]:
    return {name: _props_of(default_app, name) for name in ALARMS}


def test_there_are_exactly_the_documented_alarms(default_app: Synthesized) -> None:
    assert set(default_app.stack.monitoring.alarms) == ALARMS
    # The bulk jobs' own alarms are tested with them (tests/infra/test_bulk.py).
    assert len(without_bulk(default_app.resources("AWS::CloudWatch::Alarm"))) == len(ALARMS)


def test_every_alarm_notifies_the_topic_on_alarm_and_ok(
    default_app: Synthesized, alarms: dict[str, dict]
) -> None:
    (topic_id,) = default_app.resources("AWS::SNS::Topic")
    for name, props in alarms.items():
        assert props["AlarmActions"] == [{"Ref": topic_id}], name
        assert props["OKActions"] == [{"Ref": topic_id}], name
        assert props["TreatMissingData"] == "notBreaching", name
        assert props["ComparisonOperator"] == "GreaterThanOrEqualToThreshold", name


@pytest.mark.parametrize(
    ("name", "namespace", "metric", "statistic", "threshold", "datapoints", "periods", "period"),
    [
        ("FunctionErrors", "AWS/Lambda", "Errors", "Sum", 1, 1, 1, 60),
        ("FunctionThrottles", "AWS/Lambda", "Throttles", "Sum", 1, 1, 1, 60),
        ("DurationNearTimeout", "AWS/Lambda", "Duration", "Maximum", 8000, 1, 1, 60),
        ("LatencyP99", "AWS/ApiGateway", "Latency", "p99", 2500, 3, 5, 60),
        (
            "UnexpectedErrors",
            constants.METRIC_NAMESPACE,
            monitoring.UNEXPECTED_ERRORS,
            "Sum",
            1,
            1,
            1,
            60,
        ),
    ],
)
def test_plain_metric_alarms(
    alarms: dict[str, dict], name: str, namespace: str, metric: str, statistic: str,
    threshold: float, datapoints: int, periods: int, period: int,
) -> None:  # fmt: skip
    props = alarms[name]
    assert (props["Namespace"], props["MetricName"]) == (namespace, metric)
    assert props.get("Statistic", props.get("ExtendedStatistic")) == statistic
    assert props["Threshold"] == threshold
    assert (props["DatapointsToAlarm"], props["EvaluationPeriods"]) == (datapoints, periods)
    assert props["Period"] == period


def test_lambda_alarms_watch_the_live_alias(
    default_app: Synthesized, alarms: dict[str, dict]
) -> None:
    for name in ("FunctionErrors", "FunctionThrottles", "DurationNearTimeout"):
        dimensions = {d["Name"]: d["Value"] for d in alarms[name]["Dimensions"]}
        assert set(dimensions) == {"FunctionName", "Resource"}
        assert "live" in json.dumps(dimensions["Resource"])


def test_the_duration_alarm_follows_the_timeout(variant_app: Synthesized) -> None:
    assert _props_of(variant_app, "DurationNearTimeout")["Threshold"] == 0.8 * 20_000


def test_the_5xx_alarm_is_a_rate_of_the_stages_requests(alarms: dict[str, dict]) -> None:
    props = alarms["Api5xxRate"]
    (expression,) = [m for m in props["Metrics"] if "Expression" in m]
    assert expression["Expression"] == "IF(requests > 0, 100 * errors / requests, 0)"
    stats = {m["Id"]: m["MetricStat"] for m in props["Metrics"] if "MetricStat" in m}
    assert stats["requests"]["Metric"]["MetricName"] == "Count"
    assert stats["errors"]["Metric"]["MetricName"] == "5xx"
    assert {d["Name"] for d in stats["errors"]["Metric"]["Dimensions"]} == {"ApiId", "Stage"}
    assert stats["errors"]["Stat"] == "Sum"
    assert (props["Threshold"], props["DatapointsToAlarm"], props["EvaluationPeriods"]) == (5, 2, 3)


def test_the_concurrency_alarm_reads_the_accounts_quota(alarms: dict[str, dict]) -> None:
    props = alarms["ConcurrencyNearQuota"]
    (expression,) = [m for m in props["Metrics"] if "Expression" in m]
    assert expression["Expression"] == "100 * usage / SERVICE_QUOTA(usage)"
    usage = _metric(props)
    assert (usage["Namespace"], usage["MetricName"]) == ("AWS/Usage", "ResourceCount")
    assert {"Name": "Resource", "Value": "ConcurrentExecutions"} in usage["Dimensions"]
    assert props["Threshold"] == 80


def test_the_canary_alarm_watches_the_shipped_models_server_errors(
    alarms: dict[str, dict],
) -> None:
    props = alarms["ModelVersion5xxRate"]
    failed = _metric(props)
    assert (failed["Namespace"], failed["MetricName"]) == (
        constants.METRIC_NAMESPACE,
        constants.METRIC_SERVER_ERROR,
    )
    assert failed["Dimensions"] == [
        {"Name": constants.METRIC_DIMENSION, "Value": shipped_model_version()}
    ]
    assert props["Threshold"] == 5


def test_the_unexpected_error_filter_reads_the_functions_log_group(
    default_app: Synthesized,
) -> None:
    default_app.template.has_resource_properties(
        "AWS::Logs::MetricFilter",
        {
            "FilterPattern": '{ $.message = "unexpected_error" }',
            "MetricTransformations": [
                {
                    "MetricNamespace": constants.METRIC_NAMESPACE,
                    "MetricName": monitoring.UNEXPECTED_ERRORS,
                    "MetricValue": "1",
                }
            ],
            "LogGroupName": {"Ref": Match.string_like_regexp("ApiFunctionLogs")},
        },
    )


def test_the_topic_refuses_plain_http_and_mails_only_when_asked(
    default_app: Synthesized, variant_app: Synthesized
) -> None:
    (topic_id,) = default_app.resources("AWS::SNS::Topic")
    assert default_app.only("AWS::SNS::TopicPolicy")["Topics"] == [{"Ref": topic_id}]
    policy = default_app.only("AWS::SNS::TopicPolicy")["PolicyDocument"]["Statement"]
    assert any(
        s["Effect"] == "Deny" and s["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
        for s in policy
    )
    assert default_app.resources("AWS::SNS::Subscription") == {}
    variant_app.template.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": "ops@example.com"}
    )


def test_the_topic_is_encrypted_with_a_rotating_key_that_alarms_may_use(
    default_app: Synthesized,
) -> None:
    (topic_id,) = default_app.resources("AWS::SNS::Topic")
    (key_id,) = default_app.resources("AWS::KMS::Key")
    topic = default_app.only("AWS::SNS::Topic")
    assert topic["KmsMasterKeyId"] == {"Fn::GetAtt": [key_id, "Arn"]}
    key = default_app.only("AWS::KMS::Key")
    assert key["EnableKeyRotation"] is True
    (cloudwatch,) = [
        s
        for s in key["KeyPolicy"]["Statement"]
        if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert cloudwatch["Effect"] == "Allow"
    assert sorted(cloudwatch["Action"]) == ["kms:Decrypt", "kms:GenerateDataKey*"]
    assert cloudwatch["Condition"] == {
        "StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}
    }
    # No other service may use it; the account's own statement is CDK's default administration.
    others = [s for s in key["KeyPolicy"]["Statement"] if s is not cloudwatch]
    assert all("Service" not in s["Principal"] for s in others)
    # Encryption changes nothing for the alarms: every one of them (the bulk jobs' too) still
    # notifies the topic.
    for name, alarm in default_app.resources("AWS::CloudWatch::Alarm").items():
        assert alarm["Properties"]["AlarmActions"] == [{"Ref": topic_id}], name
