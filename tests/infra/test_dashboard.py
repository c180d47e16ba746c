"""The dashboard: the service's panels and the model's, from the metrics the function emits."""

import json

from handler import metrics
from handler.metrics import shipped_model_version
from handler.paths import MODEL_DIR
from tests.infra.conftest import Synthesized


def test_the_dashboard_has_the_service_and_model_panels(default_app: Synthesized) -> None:
    body = json.dumps(default_app.only("AWS::CloudWatch::Dashboard")["DashboardBody"])
    for title in ("Traffic", "Errors", "Latency", "Cold starts", "5xx share by model version",
                  "Positive and near-0.5 share", "Probability histogram", "Text length"):  # fmt: skip
        assert title in body, title
    for name in (metrics.COLD_START, metrics.POSITIVE, metrics.NEGATIVE, *metrics.BUCKETS,
                 metrics.TEXT_LENGTH, metrics.BATCH_SIZE, metrics.NEAR_THRESHOLD_COUNT):  # fmt: skip
        assert name in body, name
    assert "p99" in body
    assert "SEARCH(" in body


def test_the_model_panels_follow_the_shipped_model(default_app: Synthesized) -> None:
    body = json.dumps(default_app.only("AWS::CloudWatch::Dashboard")["DashboardBody"])
    assert shipped_model_version(MODEL_DIR) in body
