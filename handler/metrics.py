"""What the model predicts, as CloudWatch embedded metric format (EMF), one JSON line per invocation.

Powertools Metrics buffers the values in memory; `invocation()` prints them once when the Lambda
invocation ends, so the request path pays for a few dictionary appends and one `print`. Every
metric carries the `model_version` dimension, so a canary's new model shows up beside the old.
Only numbers derived from the answers (and their texts' lengths) come in here, never text.

Outside a Lambda invocation (the local server, app tests) `record` does nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from aws_lambda_powertools.metrics import Metrics, MetricUnit

from handler import constants

NAMESPACE: Final = "SentimentService"
DIMENSION: Final = "model_version"
# Answers this close to the threshold are the model's coin flips; a rising share is drift.
NEAR_THRESHOLD: Final = 0.1
# Upper edges of the probability histogram's buckets; the last bucket includes 1.0.
BUCKET_EDGES: Final = (0.2, 0.4, 0.6, 0.8, 1.0)

# Name of each metric, defined once for the dashboard and alarms in infra/ too.
POSITIVE: Final = "PositivePredictions"
NEGATIVE: Final = "NegativePredictions"
NEAR_THRESHOLD_COUNT: Final = "NearThresholdPredictions"
TEXT_LENGTH: Final = "TextLength"
BATCH_SIZE: Final = "BatchSize"
COLD_START: Final = "ColdStart"
SERVER_ERROR: Final = "ServerError"


def bucket_name(upper: float) -> str:
    """`Probability00To20` for the bucket [0.0, 0.2), and so on (percent, two digits)."""
    index = BUCKET_EDGES.index(upper)
    lower = 0.0 if index == 0 else BUCKET_EDGES[index - 1]
    return f"Probability{round(lower * 100):02d}To{round(upper * 100):02d}"


BUCKETS: Final = tuple(bucket_name(edge) for edge in BUCKET_EDGES)


@dataclass
class _Container:
    model_version: str = "unknown"
    active: bool = False  # inside a Lambda invocation
    cold: bool = True  # no invocation has ended yet


_metrics = Metrics(namespace=NAMESPACE)
_container = _Container()


def configure(model_version: str) -> None:
    """Name the model every metric of this container belongs to (once, at import)."""
    _container.model_version = model_version


def shipped_model_version(model_dir: Path) -> str:
    """The version in the manifest the predictor has already loaded and checked."""
    manifest = json.loads((model_dir / constants.MANIFEST_FILE).read_text())
    return str(manifest["model_version"])


def record(probabilities: Sequence[float], text_lengths: Sequence[int]) -> None:
    """Count one request's answers: labels, near-threshold share, histogram, lengths, batch size."""
    if not _container.active or not probabilities:
        return
    positive = sum(p >= constants.THRESHOLD for p in probabilities)
    near = sum(abs(p - constants.THRESHOLD) <= NEAR_THRESHOLD for p in probabilities)
    counts = [0] * len(BUCKET_EDGES)
    for p in probabilities:
        counts[next((i for i, edge in enumerate(BUCKET_EDGES) if p < edge), -1)] += 1
    # Zero counts are left out: a Sum is the same without them, and each value costs time here.
    for name, count in (
        (POSITIVE, positive),
        (NEGATIVE, len(probabilities) - positive),
        (NEAR_THRESHOLD_COUNT, near),
        *zip(BUCKETS, counts, strict=True),
    ):
        if count:
            _add(name, count)
    _add(BATCH_SIZE, len(probabilities))
    # One value per request, the mean (exact for /v1/predict): a value per text would cost a
    # 64-text batch about as much as its model call.
    if text_lengths:
        _add(TEXT_LENGTH, sum(text_lengths) / len(text_lengths))


@contextmanager
def invocation() -> Iterator[dict[str, int]]:
    """Collect the metrics of one Lambda invocation and print them as one EMF line at its end.

    The caller puts the response's status in the yielded dict (`status`); a 5xx counts as a
    `ServerError` of this model version, which the canary's alarm reads.
    """
    outcome: dict[str, int] = {}
    _container.active = True
    # Set first: Powertools prints a set early when a metric reaches 100 values.
    _metrics.add_dimension(name=DIMENSION, value=_container.model_version)
    try:
        yield outcome
    finally:
        _container.active = False
        if _container.cold:
            _container.cold = False
            _add(COLD_START, 1)
        # Always one metric at least (ServerError), so Powertools has no empty set to warn about.
        _add(SERVER_ERROR, int(outcome.get("status", 500) >= 500))
        _metrics.flush_metrics()


def _add(name: str, value: float) -> None:
    _metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
