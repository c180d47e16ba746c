"""Summaries of timings: medians and nearest-rank percentiles, in milliseconds."""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any


def percentile(samples: Sequence[float], q: float) -> float:
    """Nearest-rank percentile: a value that was actually observed, never an interpolation."""
    if not samples:
        raise ValueError("no samples")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def latency(seconds: Sequence[float]) -> dict[str, Any]:
    """p50, p99, mean, min and max in ms of per-request durations given in seconds."""
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": percentile(ms, 50),
        "p99_ms": percentile(ms, 99),
        "mean_ms": statistics.fmean(ms),
        "min_ms": min(ms),
        "max_ms": max(ms),
    }


def time_calls(
    call: Callable[[], object], *, warm_up: int, min_calls: int, min_seconds: float
) -> list[float]:
    """Durations (s) of repeated calls: at least `min_calls`, and at least `min_seconds` in all."""
    for _ in range(warm_up):
        call()
    durations: list[float] = []
    started = time.perf_counter()
    while len(durations) < min_calls or time.perf_counter() - started < min_seconds:
        t0 = time.perf_counter()
        call()
        durations.append(time.perf_counter() - t0)
    return durations


def time_interleaved(
    calls: dict[str, Callable[[], object]], *, warm_up: int, min_calls: int, min_seconds: float
) -> dict[str, list[float]]:
    """Durations (s) of each call, taken in turns: one of each, then again, in an order that
    rotates every round.

    Taken in turns, a busy moment of a shared machine lands on all of them alike, so ratios and
    differences between them hold even when the absolute figures wander; rotating the order
    cancels what being first after another call costs (about 15 us measured here).
    """
    names = list(calls)
    for _ in range(warm_up):
        for call in calls.values():
            call()
    durations: dict[str, list[float]] = {name: [] for name in names}
    started = time.perf_counter()
    round_ = 0
    while len(durations[names[0]]) < min_calls or time.perf_counter() - started < min_seconds:
        shift = round_ % len(names)
        for name in names[shift:] + names[:shift]:
            t0 = time.perf_counter()
            calls[name]()
            durations[name].append(time.perf_counter() - t0)
        round_ += 1
    return durations


def throughput(batch: int, durations: Sequence[float]) -> dict[str, Any]:
    """Reviews per second from the median duration of one call on `batch` reviews."""
    median = statistics.median(durations)
    return {
        "batch": batch,
        "calls": len(durations),
        "median_call_ms": median * 1000,
        "reviews_per_s": batch / median,
    }


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    if numerator is None or not denominator:
        return None
    return numerator / denominator
