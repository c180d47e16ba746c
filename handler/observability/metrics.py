"""What the model predicts, as CloudWatch embedded metric format (EMF), one JSON line per invocation.

Powertools Metrics buffers the values in memory; `collected`, on the entry point, prints them once
when the Lambda invocation ends (`log_metrics`), so the request path pays for a few dictionary
appends and one `print`. Every metric of that line carries the `model_version` dimension, so a
canary's new model shows up beside the old. Powertools adds its own `ColdStart` metric on a
container's first invocation, as a line of its own with the `function_name` dimension.
Only numbers derived from the answers (and their texts' lengths) come in here, never text.

Outside a Lambda invocation (the local server, app tests) `record` does nothing. The metrics'
names are in `handler.constants`, where infra/'s dashboard and alarms read them too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from aws_lambda_powertools.metrics import Metrics, MetricUnit

from handler import constants
from handler.constants import (
    BUCKET_EDGES,
    METRIC_BATCH_SIZE,
    METRIC_BUCKETS,
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


Handler = Callable[[dict[str, Any], Any], dict[str, Any]]


@dataclass
class _Container:
    active: bool = False  # inside a Lambda invocation


# No `service`: Powertools would make it a dimension of every metric, which the alarms and the
# dashboard do not ask for (and so POWERTOOLS_SERVICE_NAME stays unset on the function).
_metrics = Metrics(namespace=METRIC_NAMESPACE)
_container = _Container()


def configure(model_version: str) -> None:
    """Name the model every metric of this container belongs to (once, at start)."""
    # A default dimension stays on through each flush, the early ones at 100 values included.
    _metrics.set_default_dimensions(**{METRIC_DIMENSION: model_version})


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


def collected(handler: Handler) -> Handler:
    """Wrap the entry point: one EMF line per invocation, a 5xx counted as a `ServerError`.

    `ServerError` is always there (0 or 1), so Powertools never has an empty set to warn about;
    it is what the canary's alarm reads, per model version. A handler that raises counts as one.
    """

    @functools.wraps(handler)
    def counted(event: dict[str, Any], context: Any) -> dict[str, Any]:
        _container.active, status = True, 500
        try:
            response = handler(event, context)
            status = int(response.get("statusCode", 500))
            return response
        finally:
            _container.active = False
            _add(METRIC_SERVER_ERROR, int(status >= 500))

    # Powertools prints the line when `counted` returns, and adds its ColdStart metric once.
    return _metrics.log_metrics(counted, capture_cold_start_metric=True)


def _add(name: str, value: float) -> None:
    _metrics.add_metric(name=name, unit=MetricUnit.Count, value=value)
