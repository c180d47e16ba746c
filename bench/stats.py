"""Timing and its summaries, shared by the benchmark, the load test and scripts/metrics_overhead.

Standard library only: the measured children import it inside the served virtualenv.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def percentile(samples: Sequence[float], q: int) -> float:
    """The q-th percentile (1 <= q <= 99), linear between the closest ranks: `statistics.quantiles`
    with method="inclusive", the same definition as numpy's default."""
    if len(samples) == 1:
        return float(samples[0])  # quantiles() needs two points on Python 3.11
    return statistics.quantiles(samples, n=100, method="inclusive")[q - 1]


def latency(seconds: Sequence[float]) -> dict[str, Any]:
    """Count, p50, p99, mean, min and max in ms of durations given in seconds."""
    ms = [s * 1000 for s in seconds]
    return {"n": len(ms), "p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99),
            "mean_ms": statistics.fmean(ms), "min_ms": min(ms), "max_ms": max(ms)}  # fmt: skip


def rotated(items: Sequence[T], round_: int) -> list[T]:
    """`items` in the order of round `round_`: each round starts one further along."""
    shift = round_ % len(items)
    return [*items[shift:], *items[:shift]]


def time_interleaved(
    calls: dict[str, Callable[[], object]], *, warm_up: int, min_calls: int, min_seconds: float
) -> dict[str, list[float]]:
    """Durations (s) of each call, taken in turns in a rotating order; at least `min_calls` of
    each and `min_seconds` in all.

    Taken in turns, a busy moment of a shared machine lands on all of them alike, so ratios and
    differences between them hold even when the absolute figures wander; rotating the order
    cancels what being first after another call costs (about 15 us measured here).
    """
    for _ in range(warm_up):
        for call in calls.values():
            call()
    durations: dict[str, list[float]] = {name: [] for name in calls}
    first, started, round_ = next(iter(calls)), time.perf_counter(), 0
    while len(durations[first]) < min_calls or time.perf_counter() - started < min_seconds:
        for name in rotated(list(calls), round_):
            t0 = time.perf_counter()
            calls[name]()
            durations[name].append(time.perf_counter() - t0)
        round_ += 1
    return durations


def time_calls(call: Callable[[], object], **timing: Any) -> list[float]:
    """Durations (s) of one call repeated: `time_interleaved` with nothing to take turns with."""
    return time_interleaved({"": call}, **timing)[""]


def throughput(batch: int, durations: Sequence[float]) -> dict[str, Any]:
    """Reviews per second from the median duration of one call on `batch` reviews."""
    median = statistics.median(durations)
    return {"batch": batch, "calls": len(durations), "median_call_ms": median * 1000,
            "reviews_per_s": batch / median}  # fmt: skip


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if numerator is None or not denominator else numerator / denominator
