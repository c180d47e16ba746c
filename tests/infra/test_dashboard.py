"""The dashboard: the service's panels and the model's, from the metrics the function emits."""

import json

from handler import constants
from infra.model import shipped_model_version
from tests.infra.conftest import Synthesized


def test_the_dashboard_has_the_service_and_model_panels(default_app: Synthesized) -> None:
    body = json.dumps(default_app.only("AWS::CloudWatch::Dashboard")["DashboardBody"])
    for title in ("Traffic", "Errors", "Latency", "Cold starts", "5xx share by model version",
                  "Positive and near-0.5 share", "Probability histogram", "Text length"):  # fmt: skip
        assert title in body, title
    for name in (constants.METRIC_COLD_START, constants.METRIC_POSITIVE, constants.METRIC_NEGATIVE, *constants.METRIC_BUCKETS,
                 constants.METRIC_TEXT_LENGTH, constants.METRIC_BATCH_SIZE, constants.METRIC_NEAR_THRESHOLD):  # fmt: skip
        assert name in body, name
    assert "p99" in body
    assert "SEARCH(" in body


def test_the_model_panels_follow_the_shipped_model(default_app: Synthesized) -> None:
    body = json.dumps(default_app.only("AWS::CloudWatch::Dashboard")["DashboardBody"])
    assert shipped_model_version() in body


def test_cold_starts_are_powertools_metric_by_function_name(default_app: Synthesized) -> None:
    # Powertools' ColdStart has no model_version: its graph names the function instead.
    parts = default_app.only("AWS::CloudWatch::Dashboard")["DashboardBody"]["Fn::Join"][1]
    tokens = [part for part in parts if not isinstance(part, str)]
    body = json.loads(
        "".join(p if isinstance(p, str) else f"TOKEN{tokens.index(p)}" for p in parts)
    )
    (widget,) = [w for w in body["widgets"] if w["properties"].get("title") == "Cold starts"]
    ((namespace, name, dimension, value, *_),) = widget["properties"]["metrics"]
    assert (namespace, name, dimension) == (
        constants.METRIC_NAMESPACE,
        constants.METRIC_COLD_START,
        constants.METRIC_COLD_START_DIMENSION,
    )
    stack = default_app.stack
    assert tokens[int(value.removeprefix("TOKEN"))] == stack.resolve(
        stack.api.function.function_name
    )
