"""`python -m bench`: the served LiteRT handler and the original Keras path, side by side.

Writes reports/bench.json and reports/bench.md. Model paths default to where `make train` leaves
them (handler.paths); `python -m bench.standin DIR` makes stand-ins for trying the benchmark
without them. Exit status 2 for a usage error (a bad option, a missing model file), 1 when a
measurement fails; a goal that is not met is reported, not an error.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench import cold, deps, goals, machine, report, review, venvs, warm
from bench.artifacts import Artifacts, MissingArtifactError
from bench.proc import BenchError, say
from bench.settings import FULL, QUICK, Settings
from convert.paths import FLOAT_MODEL, KERAS_MODEL, REPORTS_DIR
from handler.paths import MODEL_DIR, REPO_ROOT

DEFAULT_CACHE = REPO_ROOT / "build" / "bench"


class UsageError(ValueError):
    """The command line asks for something that cannot be done; exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--model-dir", type=Path, default=MODEL_DIR, help="served model folder (%(default)s)")
    add("--keras-model", type=Path, default=KERAS_MODEL, help="(%(default)s)")
    add("--float-model", type=Path, default=FLOAT_MODEL, help="(%(default)s)")
    add("--out", type=Path, default=REPORTS_DIR, help="report folder (%(default)s)")
    add(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="virtualenv, wheels and sizes, reused between runs (%(default)s)",
    )
    add("--quick", action="store_true", help="one run of everything, no network: a smoke test")
    add("--cold-runs", type=int, help=f"cold starts per variant ({FULL.cold_runs})")
    add("--requests", type=int, help=f"timed warm requests per path ({FULL.requests})")
    add("--refresh-sizes", action="store_true", help="reinstall the dependency sets")
    add(
        "--serve-python",
        type=Path,
        help="run the served handler with this interpreter instead of the cached virtualenv of "
        "handler/requirements.txt (for testing the benchmark; the report says which was used)",
    )
    add(
        "--no-tensorflow",
        action="store_true",
        help="skip the TensorFlow/Keras path; its rows and goals are reported as not measured",
    )
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    base = QUICK if args.quick else FULL
    update: dict[str, Any] = {"tensorflow": not args.no_tensorflow}
    for name in ("cold_runs", "requests"):
        value = getattr(args, name)
        if value is not None:
            if value < 1:
                raise UsageError(f"--{name.replace('_', '-')} must be at least 1")
            update[name] = value
    return base.model_copy(update=update)


def run(args: argparse.Namespace) -> dict[str, Any]:
    s = settings_from(args)
    found = Artifacts(
        args.model_dir.resolve(), args.keras_model.resolve(), args.float_model.resolve()
    )
    found.check(keras=s.tensorflow)
    if args.serve_python is not None and not args.serve_python.is_file():
        raise UsageError(f"--serve-python {args.serve_python}: no such file")
    serve = args.serve_python or venvs.serve_python(args.cache / "venvs")
    tensorflow = venvs.tensorflow_python() if s.tensorflow else None
    about = machine.describe()
    sample = review.choose(max(*s.batch_sizes, s.route_batch))
    say(f"review: {sample.source}, {sample.words} words")
    manifest = found.manifest()
    event = cold.api_event("/v1/predict", {"text": sample.text})
    route_texts = sample.batch[: s.route_batch]
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        chosen = cold.variants(
            serve=serve,
            tensorflow=tensorflow,
            int8_dir=found.model_dir,
            float_dir=found.float_copy(work / "float-model"),
            keras_model=found.keras_model,
            vocab=found.file("vocab"),
            text=sample.text,
            event=event,
        )
        started = cold.measure(chosen, runs=s.cold_runs, priming=s.priming, work=work)
        job = {
            **s.model_dump(),
            "text": sample.text,
            "batch": sample.batch,
            "event": event,
            "batch_event": cold.api_event("/v1/predict/batch", {"texts": route_texts}),
            "batch_event_texts": route_texts,
            "vocab": str(found.file("vocab")),
            "int8_model": str(found.file("model")),
            "keras_model": str(found.keras_model),
        }
        hot = warm.measure(
            job, serve=serve, tensorflow=tensorflow, int8_dir=found.model_dir, work=work
        )
    sizes = deps.footprints(args.cache / "deps", offline=s.quick, refresh=args.refresh_sizes)
    lite, keras = hot["lite"], hot["keras"] or {}
    int8_s = started["lambda_int8"]["median_s"]
    results: dict[str, Any] = {
        "settings": s.model_dump(mode="json"),
        "machine": {**about, "load_average_at_end": machine.load_average()},
        "environments": {
            "served": {
                **machine.environment(serve, machine.SERVED),
                "kind": "given by --serve-python"
                if args.serve_python
                else "virtualenv of exactly handler/requirements.txt (cached)",
            },
            "tensorflow": {
                **machine.environment(tensorflow, machine.TENSORFLOW),
                "kind": "the development .venv (TensorFlow, Keras and convert/'s dependencies)",
            }
            if tensorflow
            else None,
        },
        "inputs": {
            "model_dir": str(found.model_dir),
            "keras_model": str(found.keras_model),
            "float_model": str(found.float_model),
            "model_version": manifest.get("model_version"),
            "review": {"source": sample.source, "words": sample.words, "chars": len(sample.text)},
        },
        "cold_start": {
            "variants": started,
            "ratios": {name: v["median_s"] / int8_s for name, v in started.items()},
        },
        "warm": {
            "latency": {
                "mangum": lite["mangum"],
                "encode_model": lite["encode_model"],
                "encode_single": lite["encode_single"],
                "model_single": lite["model_single"],
                "keras_predict": keras.get("predict_single"),
                "keras_call": keras.get("call_single"),
            },
            "throughput": {
                "tflite_int8": lite["tflite"],
                "keras_predict": keras.get("predict"),
            },
            "batch_route": lite["route"],
        },
        "memory": {
            "cold": {name: v["median_peak_rss_mib"] for name, v in started.items()},
            "warm": {"lambda_int8": lite["peak_rss_mib"], "keras": keras.get("peak_rss_mib")},
        },
        "size": {"models": found.sizes(), "dependencies": sizes},
        "accuracy": found.accuracy(),
    }
    results["goals"] = goals.evaluate(results)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        results = run(args)
    except (UsageError, MissingArtifactError) as exc:
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
    except BenchError as exc:
        parser.exit(1, f"{parser.prog}: measurement failed: {exc}\n")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "bench.md").write_text(report.render(results))
    for g in results["goals"]:
        say(
            f"goal {g['key']}: {report.num(g['measured'], 2, g['unit'])} ({g['target']}): {g['met']}"
        )
    say(f"wrote {args.out / 'bench.json'} and {args.out / 'bench.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
