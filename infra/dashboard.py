"""The dashboard: traffic, errors, latency percentiles, cold starts and the model panels.

Panels "by model version" use SEARCH, so a canary shows the old and the new model side by side;
the shares and the histogram are for the model this deploy ships.
"""

from aws_cdk import Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from constructs import Construct

from handler.constants import (
    METRIC_BATCH_SIZE,
    METRIC_BUCKETS,
    METRIC_COLD_START,
    METRIC_DIMENSION,
    METRIC_NAMESPACE,
    METRIC_NEAR_THRESHOLD,
    METRIC_NEGATIVE,
    METRIC_POSITIVE,
    METRIC_SERVER_ERROR,
    METRIC_TEXT_LENGTH,
)
from infra.monitoring import FIVE_MINUTES, Watched, model_metric


class ServiceDashboard(Construct):
    """One CloudWatch dashboard; `dashboard.dashboard_name` is a stack output."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        watched: Watched,
        unexpected: cloudwatch.Metric,
    ) -> None:
        super().__init__(scope, construct_id)
        self.dashboard = cloudwatch.Dashboard(
            self, "Dashboard", widgets=_widgets(watched, unexpected)
        )


def _by_version(name: str, statistic: str, label: str) -> cloudwatch.MathExpression:
    """One line per model version that reported `name`: a canary shows old and new side by side."""
    return cloudwatch.MathExpression(
        expression=(
            f"SEARCH('{{{METRIC_NAMESPACE},{METRIC_DIMENSION}}} "
            f"MetricName=\"{name}\"', '{statistic}', 300)"
        ),
        using_metrics={},
        label=label,
        period=FIVE_MINUTES,
    )


def _widgets(watched: Watched, unexpected: cloudwatch.Metric) -> list[list[cloudwatch.IWidget]]:
    stage, alias, version = watched.stage, watched.alias, watched.model_version
    five = FIVE_MINUTES

    def model(name: str, statistic: str = "Sum") -> cloudwatch.Metric:
        return model_metric(watched, name, statistic).with_(period=five)

    answers = {"positive": model(METRIC_POSITIVE), "negative": model(METRIC_NEGATIVE)}

    def share(part: str, label: str) -> cloudwatch.MathExpression:
        # Ids are shared across a graph's expressions, so each part has its own.
        return cloudwatch.MathExpression(
            expression=f"100 * {part} / (positive + negative)",
            using_metrics={**answers, "near": model(METRIC_NEAR_THRESHOLD)},
            label=label,
            period=five,
        )

    def graph(title: str, *left: cloudwatch.IMetric, **options: object) -> cloudwatch.GraphWidget:
        return cloudwatch.GraphWidget(title=title, left=list(left), width=8, **options)  # type: ignore[arg-type]

    return [
        [
            graph("Traffic", stage.metric_count(statistic="Sum", period=five),
                  alias.metric_invocations(statistic="Sum", period=five)),
            graph("Errors", stage.metric_client_error(statistic="Sum", period=five),
                  stage.metric_server_error(statistic="Sum", period=five),
                  alias.metric_errors(statistic="Sum", period=five),
                  alias.metric_throttles(statistic="Sum", period=five),
                  unexpected.with_(period=five)),
            graph("Latency (ms)", *(stage.metric_latency(statistic=p, period=five)
                                    for p in ("p50", "p90", "p99")),
                  alias.metric_duration(statistic="p99", period=five)),
        ],
        [
            graph("Cold starts by model version", _by_version(METRIC_COLD_START, "Sum", "")),
            graph("5xx share by model version (0-1)",
                  _by_version(METRIC_SERVER_ERROR, "Average", "")),
            graph("Answers by label and model version",
                  _by_version(METRIC_POSITIVE, "Sum", "positive"),
                  _by_version(METRIC_NEGATIVE, "Sum", "negative")),
        ],
        [
            graph(f"Positive and near-0.5 share, model {version} (%)",
                  share("positive", "positive %"), share("near", "within 0.1 of 0.5 %")),
            graph(f"Probability histogram, model {version}",
                  *(model(name).with_(label=name) for name in METRIC_BUCKETS),
                  view=cloudwatch.GraphWidgetView.BAR, period=Duration.days(1)),
            graph(f"Text length and batch size, model {version}",
                  *(model(METRIC_TEXT_LENGTH, p).with_(label=f"text length {p}")
                    for p in ("p50", "p90", "p99")),
                  model(METRIC_BATCH_SIZE, "Average").with_(label="batch size, mean")),
        ],
    ]  # fmt: skip
