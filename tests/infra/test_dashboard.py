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
