"""The project's performance goals, each a ratio or difference taken within this run: met, or
short by how much.

Every goal compares figures measured in the same run on the same machine, so it should hold on
a slower CPU too (issue 15: an AVX2-only one runs the int8 model about 10x slower).
"""

from __future__ import annotations

from typing import Any

from bench.stats import ratio


def evaluate(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per goal; `met` is None when its figures were not measured (e.g. no TensorFlow)."""
    cold = results["cold_start"]["variants"]
    latency = results["warm"]["latency"]
    handler, encode_model = latency["mangum"], latency["encode_model"]
    keras_cold = (cold.get("keras") or {}).get("median_s")
    keras_p50 = (latency.get("keras_predict") or {}).get("p50_ms")
    route, direct = (results["warm"]["batch_route"][k] for k in ("route", "encode_model"))
    deps = results["size"]["dependencies"]
    tf_sets = {k: v["bytes"] for k, v in deps.items() if k != "litert" and v}
    leanest = min(tf_sets, key=lambda k: tf_sets[k]) if tf_sets else None
    lite_bytes = deps["litert"]["bytes"] if deps.get("litert") else None
    return [
        _goal(
            "cold_start",
            "Cold start at least 10x faster than the TensorFlow/Keras path",
            ratio(keras_cold, cold["lambda_int8"]["median_s"]),
            ">=", 10, "x",
            "median cold start of the Keras path / of the Lambda handler on int8",
        ),
        _goal(
            "cold_floor",
            "Handler cold start at most 1.15x its import floor",
            ratio(cold["lambda_int8"]["median_s"], cold["floor"]["median_s"]),
            "<=", 1.15, "x",
            "median cold start of the Lambda handler on int8 (until its first answer) / of a "
            "fresh interpreter that imports numpy, LiteRT, FastAPI and Mangum",
        ),
        _goal(
            "warm_overhead",
            "Warm request through the Lambda handler at most 1.0 ms over encode + model",
            handler["p50_ms"] - encode_model["p50_ms"],
            "<=", 1.0, " ms",
            "p50 of one API Gateway event through the Lambda handler - p50 of the predictor's "
            "encode + model call on the same review, timed in turns",
        ),
        _goal(
            "warm_latency",
            "Warm single-review latency at least 20x lower than Keras `predict`",
            ratio(keras_p50, handler["p50_ms"]),
            ">=", 20, "x",
            "p50 of Keras `model.predict` on one review (encoding included) / p50 of one "
            "API Gateway event through the Lambda handler",
        ),
        _goal(
            "p99_latency",
            "p99 of a single request at most 2x its p50",
            ratio(handler["p99_ms"], handler["p50_ms"]),
            "<=", 2, "x",
            "p99 / p50 of one API Gateway event through the Lambda handler",
        ),
        _goal(
            "batch_route",
            f"Batch route at {route['batch']} reviews at least 80% of encode + model throughput",
            ratio(route["reviews_per_s"], direct["reviews_per_s"]),
            ">=", 0.8, "x",
            f"reviews/s of POST /v1/predict/batch with {route['batch']} reviews through the Lambda "
            f"handler / of encode + model on the same {route['batch']} reviews, in turns",
        ),
        _goal(
            "dependencies",
            "Dependency footprint at least 10x smaller",
            ratio(tf_sets[leanest], lite_bytes) if leanest else None,
            ">=", 10, "x",
            f"installed bytes of the `{leanest or 'smaller TensorFlow'}` set / of the served "
            "(LiteRT) set; the smaller TensorFlow set, so the ratio is not flattered",
        ),
    ]  # fmt: skip


def _goal(
    key: str,
    goal: str,
    measured: float | None,
    sense: str,
    target: float,
    unit: str,
    compared: str,
) -> dict[str, Any]:
    if measured is None:
        met, short = None, None
    else:
        met = measured >= target if sense == ">=" else measured <= target
        short = None if met else abs(measured - target)
    return {
        "key": key,
        "goal": goal,
        "target": f"{sense} {target:g}{unit}",
        "measured": measured,
        "unit": unit,
        "compared": compared,
        "met": met,
        "short_by": short,
    }
