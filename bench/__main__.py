"""`python -m bench`: the served LiteRT handler and the original Keras path, side by side.

Writes reports/bench.json and reports/bench.md. Model paths default to where `make train` leaves
them; `python -m bench.standin DIR` makes stand-ins for trying the benchmark without them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import cold, deps, goals, machine, report, review, warm
from bench.artifacts import (
    DEFAULT_FLOAT_MODEL,
    DEFAULT_KERAS_MODEL,
    DEFAULT_MODEL_DIR,
    Artifacts,
    MissingArtifactError,
)
from bench.proc import ROOT, BenchError, say


@dataclass(frozen=True)
class Settings:
    quick: bool
    cold_runs: int
    priming: int
    requests: int
    warm_up: int
    batch_sizes: tuple[int, ...]
    min_calls: int
    min_seconds: float


FULL = Settings(False, 5, 1, 1000, 50, (1, 32, 256), 5, 1.0)
# Enough to exercise every path and section; the figures mean nothing.
QUICK = Settings(True, 1, 0, 50, 5, (1, 8), 3, 0.0)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    add = parser.add_argument
    add(
        "--model-dir",
        type=Path,
        default=DEFAULT_MODEL_DIR,
        help="served model folder (%(default)s)",
    )
    add("--keras-model", type=Path, default=DEFAULT_KERAS_MODEL, help="(%(default)s)")
    add("--float-model", type=Path, default=DEFAULT_FLOAT_MODEL, help="(%(default)s)")
    add("--out", type=Path, default=ROOT / "reports", help="report folder (%(default)s)")
    add(
        "--cache",
        type=Path,
        default=ROOT / "build" / "bench",
        help="wheels and sizes (%(default)s)",
    )
    add("--quick", action="store_true", help="one run of everything, no network: a smoke test")
    add("--cold-runs", type=int, help=f"cold starts per variant ({FULL.cold_runs})")
    add("--requests", type=int, help=f"timed warm requests per path ({FULL.requests})")
    add("--refresh-sizes", action="store_true", help="reinstall the dependency sets")
    return parser


def run(args: argparse.Namespace) -> dict[str, Any]:
    base = QUICK if args.quick else FULL
    s = Settings(
        **{**asdict(base), "cold_runs": args.cold_runs or base.cold_runs, "requests": args.requests or base.requests}
    )  # fmt: skip
    found = Artifacts(
        args.model_dir.resolve(), args.keras_model.resolve(), args.float_model.resolve()
    )
    found.check()
    about = machine.describe()
    sample = review.choose(max(s.batch_sizes))
    say(f"review: {sample.source}, {sample.words} words")
    manifest = found.manifest()
    event = cold.http_api_event(sample.text)
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        chosen = cold.variants(
            int8_dir=found.model_dir,
            float_dir=found.float_copy(work / "float-model"),
            keras_model=found.keras_model,
            vocab=found.file("vocab"),
            text=sample.text,
            event=event,
        )
        started = cold.measure(chosen, runs=s.cold_runs, priming=s.priming, work=work)
        job = {
            **asdict(s),
            "text": sample.text,
            "batch": sample.batch,
            "event": event,
            "vocab": str(found.file("vocab")),
            "int8_model": str(found.file("model")),
            "keras_model": str(found.keras_model),
        }
        hot = warm.measure(job, int8_dir=found.model_dir, work=work)
    sizes = deps.footprints(args.cache / "deps", offline=s.quick, refresh=args.refresh_sizes)
    int8_s = started["lambda_int8"]["median_s"]
    results: dict[str, Any] = {
        "settings": asdict(s),
        "machine": {**about, "load_average_at_end": machine.load_average()},
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
                "asgi": hot["lite"]["asgi"],
                "mangum": hot["lite"]["mangum"],
                "encode_single": hot["lite"]["encode_single"],
                "keras_predict": hot["keras"]["predict_single"],
                "keras_call": hot["keras"]["call_single"],
            },
            "throughput": {
                "tflite_int8": hot["lite"]["tflite"],
                "keras_predict": hot["keras"]["predict"],
            },
        },
        "memory": {
            "cold": {name: v["median_peak_rss_mib"] for name, v in started.items()},
            "warm": {
                "lambda_int8": hot["lite"]["peak_rss_mib"],
                "keras": hot["keras"]["peak_rss_mib"],
            },
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
    except (BenchError, MissingArtifactError) as exc:
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
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
