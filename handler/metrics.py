"""What the model predicts, as CloudWatch embedded metric format (EMF), one JSON line per invocation.

Powertools Metrics buffers the values in memory; `invocation()` prints them once when the Lambda
invocation ends, so the request path pays for a few dictionary appends and one `print`. Every
metric carries the `model_version` dimension, so a canary's new model shows up beside the old.
Only numbers derived from the answers (and their texts' lengths) come in here, never text.

Outside a Lambda invocation (the local server, app tests) `record` does nothing. The metrics'
names are in `handler.constants`, where infra/'s dashboard and alarms read them too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final

from aws_lambda_powertools.metrics import Metrics, MetricUnit

from handler import constants
from handler.constants import (
    BUCKET_EDGES,
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

# Answers this close to the threshold are the model's coin flips; a rising share is drift.
NEAR_THRESHOLD: Final = 0.1


@dataclass
class _Container:
    model_version: str = "unknown"
    active: bool = False  # inside a Lambda invocation
    cold: bool = True  # no invocation has ended yet


_metrics = Metrics(namespace=METRIC_NAMESPACE)
_container = _Container()


def configure(model_version: str) -> None:
    """Name the model every metric of this container belongs to (once, at start)."""
    _container.model_version = model_version


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
        (METRIC_POSITIVE, positive),
        (METRIC_NEGATIVE, len(probabilities) - positive),
        (METRIC_NEAR_THRESHOLD, near),
        *zip(METRIC_BUCKETS, counts, strict=True),
    ):
        if count:
            _add(name, count)
    _add(METRIC_BATCH_SIZE, len(probabilities))
    # One value per request, the mean (exact for /v1/predict): a value per text would cost a
    # 64-text batch about as much as its model call.
    if text_lengths:
        _add(METRIC_TEXT_LENGTH, sum(text_lengths) / len(text_lengths))


@contextmanager
def invocation() -> Iterator[dict[str, int]]:
    """Collect the metrics of one Lambda invocation and print them as one EMF line at its end.

    The caller puts the response's status in the yielded dict (`status`); a 5xx counts as a
    `ServerError` of this model version, which the canary's alarm reads.
    """
    outcome: dict[str, int] = {}
    _container.active = True
    # Set first: Powertools prints a set early when a metric reaches 100 values.
    _metrics.add_dimension(name=METRIC_DIMENSION, value=_container.model_version)
    try:
        yield outcome
    finally:
        _container.active = False
        if _container.cold:
            _container.cold = False
            _add(METRIC_COLD_START, 1)
        # Always one metric at least (ServerError), so Powertools has no empty set to warn about.
        _add(METRIC_SERVER_ERROR, int(outcome.get("status", 500) >= 500))
        _metrics.flush_metrics()


def _add(name: str, value: float) -> None:
    _metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
