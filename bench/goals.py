"""The project's performance goals, each a ratio or difference taken within this run: met, or
short by how much. Figures of one run on one machine, so a goal should hold on a slower CPU too
(issue 15: an AVX2-only one runs the int8 model about 10x slower).
"""

from __future__ import annotations

import operator
from typing import Any

from bench.stats import ratio

SENSES = {">=": operator.ge, "<=": operator.le}
HANDLER = "one API Gateway event through the Lambda handler"


def evaluate(r: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per goal; `met` is None when its figures were not measured (e.g. no TensorFlow)."""
    cold, lite = r["cold_start"]["variants"], r["warm"]["lite"]
    handler, encode_model = lite["latency"]["mangum"], lite["latency"]["encode_model"]
    keras_cold = (cold.get("keras") or {}).get("median_s")
    keras_latency = (r["warm"]["keras"] or {}).get("latency") or {}
    keras_p50 = keras_latency.get("keras_predict", {}).get("p50_ms")
    route, direct = lite["route"]["route"], lite["route"]["encode_model"]
    n = route["batch"]
    sizes = {k: v["bytes"] for k, v in r["size"]["dependencies"].items() if v}
    leanest = min((k for k in sizes if k != "litert"), key=sizes.__getitem__, default=None)
    int8 = cold["lambda_int8"]["median_s"]
    rows = [
        ("cold_start", "Cold start at least 10x faster than the TensorFlow/Keras path",
         ratio(keras_cold, int8), ">=", 10, "x",
         "median cold start of the Keras path / of the Lambda handler on int8"),
        ("cold_floor", "Handler cold start at most 1.15x its import floor",
         ratio(int8, cold["floor"]["median_s"]), "<=", 1.15, "x",
         "median cold start of the Lambda handler on int8 (until its first answer) / of a fresh "
         "interpreter that imports numpy, LiteRT, FastAPI and Mangum"),
        ("warm_overhead", "Warm request through the Lambda handler at most 1.0 ms over "
         "encode + model", handler["p50_ms"] - encode_model["p50_ms"], "<=", 1.0, " ms",
         f"p50 of {HANDLER} - p50 of the predictor's encode + model call on the same review, "
         "timed in turns"),
        ("warm_latency", "Warm single-review latency at least 20x lower than Keras `predict`",
         ratio(keras_p50, handler["p50_ms"]), ">=", 20, "x",
         f"p50 of Keras `model.predict` on one review (encoding included) / p50 of {HANDLER}"),
        ("p99_latency", "p99 of a single request at most 2x its p50",
         ratio(handler["p99_ms"], handler["p50_ms"]), "<=", 2, "x", f"p99 / p50 of {HANDLER}"),
        ("batch_route", f"Batch route at {n} reviews at least 80% of encode + model throughput",
         ratio(route["reviews_per_s"], direct["reviews_per_s"]), ">=", 0.8, "x",
         f"reviews/s of POST /v1/predict/batch with {n} reviews through the Lambda handler / of "
         f"encode + model on the same {n} reviews, in turns"),
        ("dependencies", "Dependency footprint at least 10x smaller",
         ratio(sizes[leanest], sizes.get("litert")) if leanest else None, ">=", 10, "x",
         f"installed bytes of the `{leanest or 'smaller TensorFlow'}` set / of the served "
         "(LiteRT) set; the smaller TensorFlow set, so the ratio is not flattered"),
    ]  # fmt: skip
    return [_goal(*row) for row in rows]


def _goal(key: str, goal: str, measured: float | None, sense: str, target: float, unit: str,
          compared: str) -> dict[str, Any]:  # fmt: skip
    met = None if measured is None else SENSES[sense](measured, target)
    short_by = None if measured is None or met else abs(measured - target)
    return {"key": key, "goal": goal, "target": f"{sense} {target:g}{unit}", "measured": measured,
            "unit": unit, "compared": compared, "met": met, "short_by": short_by}  # fmt: skip
