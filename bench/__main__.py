"""`python -m bench`: the served LiteRT handler and the original Keras path, side by side.

Writes reports/bench.json and reports/bench.md. Model paths default to where `make train` leaves
them; `python -m bench.standin DIR` makes stand-ins for trying the benchmark without them. Exit
status 2 for a usage error (a bad option, a missing model file), 1 when a measurement fails; a goal
that is not met is reported, not an error.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from bench import deps, goals, report, review
from bench.artifacts import Artifacts, MissingArtifactError
from bench.runner import (
    BenchError,
    api_event,
    child_env,
    cold_starts,
    load_average,
    machine,
    run_child,
    say,
    serve_python,
)
from convert.paths import FLOAT_MODEL, KERAS_MODEL, REPORTS_DIR
from handler.constants import BATCH_PATH, ENV_MODEL_DIR, PREDICT_PATH
from handler.inference.paths import MODEL_DIR
from scripts.paths import REPO_ROOT

SERVED = ("ai-edge-litert", "numpy", "fastapi", "starlette", "mangum", "pydantic")
TENSORFLOW = ("tensorflow-cpu", "tensorflow", "keras", "numpy")
WARM_TIMEOUT_S = 3600.0
SERVED_KIND = "virtualenv of exactly handler/requirements.txt, built by uv (cached)"
TF_KIND = "the development .venv (TensorFlow, Keras and convert/'s dependencies)"


class Settings(BaseModel):
    """How much the benchmark measures."""

    model_config = ConfigDict(frozen=True)
    quick: bool = False
    cold_runs: int = 5  # cold starts per variant, after `priming` discarded rounds
    priming: int = 1  # rounds that warm the page cache
    requests: int = 1000  # timed warm requests per path, after `warm_up` untimed ones
    warm_up: int = 50
    batch_sizes: tuple[int, ...] = (1, 64, 256)
    route_batch: int = 64  # reviews per request on the batch route
    min_calls: int = 5  # calls per batch size, and at least `min_seconds` of them
    min_seconds: float = 1.0
    tensorflow: bool = True  # also measure the TensorFlow/Keras path


FULL = Settings()
# Enough to exercise every path and section; the figures mean nothing.
QUICK = Settings(quick=True, cold_runs=1, priming=0, requests=50, warm_up=5, batch_sizes=(1, 8),
                 route_batch=8, min_calls=3, min_seconds=0.0)  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--model-dir", type=Path, default=MODEL_DIR, help="served model folder (%(default)s)")
    add("--keras-model", type=Path, default=KERAS_MODEL, help="(%(default)s)")
    add("--float-model", type=Path, default=FLOAT_MODEL, help="(%(default)s)")
    add("--out", type=Path, default=REPORTS_DIR, help="report folder (%(default)s)")
    add("--cache", type=Path, default=REPO_ROOT / "build" / "bench",
        help="the served virtualenv, reused between runs (%(default)s)")  # fmt: skip
    add("--quick", action="store_true", help="one run of everything, no network: a smoke test")
    add("--cold-runs", type=int, help=f"cold starts per variant ({FULL.cold_runs})")
    add("--requests", type=int, help=f"timed warm requests per path ({FULL.requests})")
    add("--serve-python", type=Path, help="run the served handler with this interpreter, not the "
        "cached virtualenv of handler/requirements.txt (to test the benchmark)")  # fmt: skip
    add("--no-tensorflow", action="store_true", help="skip the TensorFlow/Keras path")
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    given = {k: v for k in ("cold_runs", "requests") if (v := getattr(args, k)) is not None}
    base = QUICK if args.quick else FULL
    return base.model_copy(update={"tensorflow": not args.no_tensorflow, **given})


def run(args: argparse.Namespace, s: Settings) -> dict[str, Any]:
    found = Artifacts(*(p.resolve() for p in (args.model_dir, args.keras_model, args.float_model)))
    found.check(keras=s.tensorflow)
    serve = args.serve_python or serve_python(args.cache / "venvs")
    tensorflow = Path(sys.executable) if s.tensorflow else None  # the development .venv
    about = machine()
    sample = review.choose(max(*s.batch_sizes, s.route_batch))
    say(f"review: {sample.source}, {sample.words} words")
    texts, lite_env = sample.batch[: s.route_batch], {ENV_MODEL_DIR: str(found.model_dir)}
    job = {
        **s.model_dump(), "text": sample.text, "batch": sample.batch, "batch_event_texts": texts,
        "event": api_event(PREDICT_PATH, {"text": sample.text}),
        "batch_event": api_event(BATCH_PATH, {"texts": texts}),
        "vocab": str(found.file("vocab")), "keras_model": str(found.keras_model),
        "int8_model": str(found.file("model")),
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        float_env = {ENV_MODEL_DIR: str(found.float_copy(Path(tmp) / "float-model"))}
        variants = [
            ("floor", "Floor: imports numpy, LiteRT, FastAPI, Mangum; returns", serve, "floor", {}),
            ("lambda_int8", "Lambda handler, LiteRT, int8 TFLite", serve, "lambda", lite_env),
            ("lambda_float", "Lambda handler, LiteRT, float32 TFLite", serve, "lambda", float_env),
            ("keras", "TensorFlow + Keras model, `model.predict`", tensorflow, "keras", {}),
        ]
        started = cold_starts(
            [{"name": name, "label": label, "python": python, "env": child_env(**env),
              "job": {**job, "task": task}}
             for name, label, python, task, env in variants if python is not None],
            runs=s.cold_runs, priming=s.priming,
        )  # fmt: skip
    say(f"warm: LiteRT handler, {s.requests} requests per path, batches {s.batch_sizes}")
    lite_job = {**job, "task": "warm_lite", "libraries": SERVED}
    lite, _ = run_child(serve, lite_job, env=child_env(**lite_env), timeout=WARM_TIMEOUT_S)
    keras = None
    if tensorflow is not None:
        say(f"warm: TensorFlow/Keras, {s.requests} requests per call style, same batches")
        tf_job = {**job, "task": "warm_keras", "libraries": TENSORFLOW}
        keras, _ = run_child(tensorflow, tf_job, env=child_env(), timeout=WARM_TIMEOUT_S)
    with tempfile.TemporaryDirectory(prefix="bench-sizes-") as scratch:
        sizes = deps.footprints(Path(scratch), offline=s.quick)
    served_kind = "given by --serve-python" if args.serve_python else SERVED_KIND
    results: dict[str, Any] = {
        "settings": s.model_dump(mode="json"),
        "machine": {**about, "load_average_at_end": load_average()},
        "environments": {
            "served": {"python": str(serve), "kind": served_kind, **_env(lite)},
            "tensorflow": {"python": str(tensorflow), "kind": TF_KIND, **_env(keras)}
            if keras
            else None,
        },
        "inputs": {
            "model_dir": str(found.model_dir),
            "keras_model": str(found.keras_model),
            "float_model": str(found.float_model),
            "model_version": found.manifest().model_version,
            "review": {"source": sample.source, "words": sample.words, "chars": len(sample.text)},
        },
        "cold_start": started,
        "warm": {"lite": lite, "keras": keras},
        "size": {"models": found.sizes(), "dependencies": sizes},
        "accuracy": found.accuracy(),
    }
    return {**results, "goals": goals.evaluate(results)}


def _env(answer: dict[str, Any] | None) -> dict[str, Any]:
    return {k: answer[k] for k in ("version", "libraries")} if answer else {}


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    for option in ("cold_runs", "requests"):
        if (value := getattr(args, option)) is not None and value < 1:
            parser.error(f"--{option.replace('_', '-')} must be at least 1")
    if args.serve_python is not None and not args.serve_python.is_file():
        parser.error(f"--serve-python {args.serve_python}: no such file")
    try:
        results = run(args, settings_from(args))
    except MissingArtifactError as exc:
        parser.error(str(exc))
    except BenchError as exc:
        parser.exit(1, f"{parser.prog}: measurement failed: {exc}\n")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "bench.md").write_text(report.render(results))
    for g in results["goals"]:
        measured = report.num(g["measured"], 2, g["unit"])
        say(f"goal {g['key']}: {measured} ({g['target']}): {g['met']}")
    say(f"wrote {args.out / 'bench.json'} and {args.out / 'bench.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
