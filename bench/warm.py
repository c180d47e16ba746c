"""Warm measurements: one child per runtime, each loading its model once and then timed.

Single requests send the same median-length review; batches send distinct reviews. Throughput is
a batch's size over the median time of one call on it, with and without turning text into ids.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from bench.proc import child_env, run_child, say, write_job
from bench.stats import throughput, time_calls
from handler import constants

TIMEOUT_S = 3600.0


def measure(
    job: dict[str, Any], *, serve: Path, tensorflow: Path | None, int8_dir: Path, work: Path
) -> dict[str, Any]:
    """The LiteRT child (Lambda handler, its parts, TFLite batches), then the Keras child
    (None when `tensorflow` is None)."""
    path = write_job(work / "warm.json", job)
    say(f"warm: LiteRT handler, {job['requests']} requests per path, batches {job['batch_sizes']}")
    lite, _ = run_child(
        serve,
        "bench.warm_lite",
        path,
        env=child_env(**{constants.ENV_MODEL_DIR: str(int8_dir)}),
        timeout=TIMEOUT_S,
    )
    keras = None
    if tensorflow is not None:
        say(f"warm: TensorFlow/Keras, {job['requests']} requests per call style, same batches")
        keras, _ = run_child(
            tensorflow, "bench.warm_keras", path, env=child_env(), timeout=TIMEOUT_S
        )
    return {"lite": lite, "keras": keras}


def batches(
    job: dict[str, Any],
    model: Callable[[Any], object],
    encode: Callable[[Sequence[str]], Any],
) -> dict[str, list[dict[str, Any]]]:
    """Reviews per second at each batch size: the model on ready ids, and text to probability."""
    found: dict[str, list[dict[str, Any]]] = {"model_only": [], "with_encoding": []}
    for size in job["batch_sizes"]:
        chunk: list[str] = job["batch"][:size]
        x = encode(chunk)
        found["model_only"].append(throughput(size, _timed(job, partial(model, x))))
        end_to_end = partial(_from_text, model, encode, chunk)
        found["with_encoding"].append(throughput(size, _timed(job, end_to_end)))
    return found


def _timed(job: dict[str, Any], call: Callable[[], object]) -> list[float]:
    return time_calls(call, warm_up=2, min_calls=job["min_calls"], min_seconds=job["min_seconds"])


def _from_text(
    model: Callable[[Any], object], encode: Callable[[Sequence[str]], Any], texts: Sequence[str]
) -> object:
    return model(encode(texts))
