"""Cold starts: a fresh process until the first prediction, each variant several times, interleaved.

Each handler start is reported beside its floor: a fresh interpreter of the same virtualenv that
imports only the handler's dependencies (numpy, LiteRT, FastAPI, Mangum) and returns. What the
handler adds on top (its modules, settings, app, vocabulary, model load, first answer) is the
difference.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.proc import child_env, run_child, say, write_job
from handler import constants
from handler.paths import REPO_ROOT

MODULE = "bench.cold_child"
TIMEOUT_S = 300.0
EVENT = REPO_ROOT / "tests" / "events" / "http_api_v2_predict.json"
FLOOR = "floor"


@dataclass(frozen=True)
class Variant:
    name: str
    label: str
    python: Path
    job: dict[str, Any]
    env: dict[str, str]


def variants(
    *,
    serve: Path,
    tensorflow: Path | None,
    int8_dir: Path,
    float_dir: Path,
    keras_model: Path,
    vocab: Path,
    text: str,
    event: Any,
) -> list[Variant]:
    """The floor, the served handler on int8 and on float, and the original TensorFlow/Keras path
    (unless `tensorflow` is None)."""
    handler_job = {"variant": "lambda", "event": event}
    chosen = [
        Variant(
            FLOOR,
            "Floor: imports numpy, LiteRT, FastAPI, Mangum; returns",
            serve,
            {"variant": "floor"},
            child_env(),
        ),
        Variant(
            "lambda_int8",
            "Lambda handler, LiteRT, int8 TFLite",
            serve,
            handler_job,
            child_env(**{constants.ENV_MODEL_DIR: str(int8_dir)}),
        ),
        Variant(
            "lambda_float",
            "Lambda handler, LiteRT, float32 TFLite",
            serve,
            handler_job,
            child_env(**{constants.ENV_MODEL_DIR: str(float_dir)}),
        ),
    ]
    if tensorflow is not None:
        keras_job = {
            "variant": "keras",
            "keras_model": str(keras_model),
            "vocab": str(vocab),
            "text": text,
        }
        chosen.append(
            Variant(
                "keras",
                "TensorFlow + Keras model, `model.predict`",
                tensorflow,
                keras_job,
                child_env(),
            )
        )
    return chosen


def measure(chosen: list[Variant], *, runs: int, priming: int, work: Path) -> dict[str, Any]:
    """`runs` rounds, each starting every variant once, in an order that rotates every round.

    Rotation spreads slow and fast moments of a busy machine over all variants. The priming rounds
    are discarded: they fill the page cache and write bytecode, as a built image already has.
    """
    jobs = {v.name: write_job(work / f"cold-{v.name}.json", v.job) for v in chosen}
    samples: dict[str, list[dict[str, Any]]] = {v.name: [] for v in chosen}
    for round_ in range(priming + runs):
        shift = round_ % len(chosen)
        for v in chosen[shift:] + chosen[:shift]:
            answer, wall = run_child(v.python, MODULE, jobs[v.name], env=v.env, timeout=TIMEOUT_S)
            kind = "priming" if round_ < priming else f"run {round_ - priming + 1}/{runs}"
            say(f"cold start {kind}: {v.name} {wall:.2f} s")
            if round_ >= priming:
                samples[v.name].append({**answer, "wall_s": wall})
    return {
        v.name: {"label": v.label, "python": str(v.python), **summarise(samples[v.name])}
        for v in chosen
    }


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    def median(key: str) -> float:
        return float(statistics.median(r[key] for r in runs))

    return {
        "runs": len(runs),
        "median_s": median("wall_s"),
        "min_s": min(r["wall_s"] for r in runs),
        "max_s": max(r["wall_s"] for r in runs),
        "median_import_and_load_s": median("import_and_load_s"),
        "median_first_call_s": median("first_call_s"),
        "median_peak_rss_mib": median("peak_rss_mib"),
        "probability": runs[0]["probability"],
        "samples": runs,
    }


def api_event(path: str, body: Any) -> dict[str, Any]:
    """The API Gateway HTTP API (v2) fixture of the handler's tests, POSTing `body` to `path`."""
    event: dict[str, Any] = json.loads(EVENT.read_text())
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["body"] = json.dumps(body)
    event["headers"]["content-length"] = str(len(event["body"].encode()))
    return event
