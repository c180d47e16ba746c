"""The project's performance goals, each computed from this run's figures: met, or not."""

from __future__ import annotations

from typing import Any

from bench.stats import ratio


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per goal; `met` is None when its figures were not measured (e.g. `--quick`)."""
    cold = results["cold_start"]["variants"]
    latency = results["warm"]["latency"]
    deps = results["size"]["dependencies"]
    tf_sets = {k: v["bytes"] for k, v in deps.items() if k != "litert" and v}
    leanest = min(tf_sets, key=lambda k: tf_sets[k]) if tf_sets else None
    lite_bytes = deps["litert"]["bytes"] if deps.get("litert") else None
    return [
        _at_least(
            "cold_start",
            "Cold start at least 10x faster than the TensorFlow/Keras path",
            ratio(cold["keras"]["median_s"], cold["lambda_int8"]["median_s"]),
            10,
            "median cold start of the Keras path / of the Lambda handler on int8",
        ),
        _at_least(
            "warm_latency",
            "Warm single-review latency at least 20x lower than Keras `predict`",
            ratio(latency["keras_predict"]["p50_ms"], latency["asgi"]["p50_ms"]),
            20,
            "p50 of Keras `model.predict` on one review (encoding included) / "
            "p50 of one in-process ASGI POST /v1/predict",
        ),
        _at_least(
            "dependencies",
            "Dependency footprint at least 10x smaller",
            ratio(tf_sets[leanest], lite_bytes) if leanest else None,
            10,
            f"installed bytes of the `{leanest}` set / of the served (LiteRT) set; "
            "the smaller TensorFlow set, so the ratio is not flattered",
        ),
        {
            "key": "p99_latency",
            "goal": "p99 of a single in-process request at most 5 ms",
            "target": "<= 5 ms",
            "measured": latency["asgi"]["p99_ms"],
            "unit": " ms",
            "compared": "p99 of one in-process ASGI POST /v1/predict",
            "met": latency["asgi"]["p99_ms"] <= 5,
        },
    ]


def _at_least(
    key: str, goal: str, measured: float | None, target: float, compared: str
) -> dict[str, Any]:
    return {
        "key": key,
        "goal": goal,
        "target": f">= {target}x",
        "measured": measured,
        "unit": "x",
        "compared": compared,
        "met": None if measured is None else measured >= target,
    }
