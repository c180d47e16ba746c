"""Reviews per second per core: `python -m handler.bulk` beside the API's batch route, in one run.

    .venv/bin/python scripts/bulk_bench.py [--reviews 1024] [--rounds 5] [--json out.json]

The same IMDb test reviews go through (a) the bulk CLI's runner with one worker and with every
core, and (b) the batch route in-process (TestClient, 64 texts a request, one core), in
alternating rounds so that a noisy machine slows all of them alike. Per core means per CPU
second: reviews divided by the CPU time the work used (the parent's and, for the CLI, its
workers'), which a machine shared with other jobs inflates far less than wall time; wall-time
rates are reported beside them. Medians, the ratio of the CLI's per-core rate to the route's,
and the CPU time of one 512-record AWS batch (the Lambda cost in docs/deploy.md uses it).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from handler.api.app import create_app
from handler.bulk import local
from handler.bulk.scoring import Answerer, Entry, limits_of
from handler.inference.predictor import LitePredictor
from handler.settings import load_settings

DATA = Path(os.environ.get("IMDB_DATA", "/work/shared/data/aclImdb.tar.gz"))
BATCH = 64


def reviews(count: int) -> list[str]:
    """The first `count` test reviews of the archive, positive and negative alternately."""
    found: dict[str, list[str]] = {"pos": [], "neg": []}
    with tarfile.open(DATA) as archive:
        for member in archive:
            parts = member.name.split("/")
            wanted = len(parts) == 4 and parts[1] == "test" and parts[2] in found
            if member.isfile() and wanted and len(found[parts[2]]) <= count // 2:
                handle = archive.extractfile(member)
                assert handle is not None
                found[parts[2]].append(handle.read().decode())
            if all(len(v) > count // 2 for v in found.values()):
                break
    mixed = [t for pair in zip(found["pos"], found["neg"], strict=False) for t in pair]
    return mixed[:count]


def _cpu() -> float:
    """CPU seconds of this process and of its children that have been waited for."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def time_cli(source: Path, workers: int) -> tuple[float, float]:
    """(wall, CPU) seconds of one run; the pool's workers are joined before it returns."""
    with tempfile.TemporaryDirectory() as tmp:
        start, cpu = time.perf_counter(), _cpu()
        local.run(source, Path(tmp) / "out.jsonl", workers=workers)
        return time.perf_counter() - start, _cpu() - cpu


def time_route(client: TestClient, texts: list[str]) -> tuple[float, float]:
    start, cpu = time.perf_counter(), _cpu()
    for i in range(0, len(texts), BATCH):
        response = client.post("/v1/predict/batch", json={"texts": texts[i : i + BATCH]})
        assert response.status_code == 200, response.text
    return time.perf_counter() - start, _cpu() - cpu


def time_batch(answerer: Answerer, raws: list[bytes]) -> tuple[float, float]:
    """Validation and model time of one AWS batch (no S3): what the function spends per batch."""
    entries = [Entry(i, i + 1, raw) for i, raw in enumerate(raws)]
    start, cpu = time.perf_counter(), _cpu()
    answerer.lines(entries, "jsonl", [])
    return time.perf_counter() - start, _cpu() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0))
    texts = reviews(args.reviews)
    lines = [json.dumps({"id": i, "text": t}).encode() + b"\n" for i, t in enumerate(texts)]
    settings = load_settings()
    predictor = LitePredictor.load(settings.model_dir)
    client = TestClient(create_app(settings, predictor))
    answerer = Answerer(predictor, limits_of(settings))
    time_route(client, texts[:BATCH])  # warm-up
    n = len(texts)
    names = ("route", "cli_1", f"cli_{cores}")
    cpu: dict[str, list[float]] = {name: [] for name in (*names, "batch512")}
    wall: dict[str, list[float]] = {name: [] for name in (*names, "batch512")}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "reviews.jsonl"
        source.write_bytes(b"".join(lines))
        for round_ in range(args.rounds):
            timings = {
                "route": time_route(client, texts),
                "cli_1": time_cli(source, 1),
                f"cli_{cores}": time_cli(source, cores),
            }
            for name, (w, c) in timings.items():
                cpu[name].append(n / c)
                wall[name].append(n / w / (cores if name == f"cli_{cores}" else 1))
            w, c = time_batch(answerer, lines[:512])
            cpu["batch512"].append(c)
            wall["batch512"].append(w)
            shown = ", ".join(f"{k} {v[-1]:.4g}" for k, v in cpu.items())
            print(f"round {round_ + 1} (per CPU s; batch512 in CPU s): {shown}", file=sys.stderr)
    med = {k: statistics.median(v) for k, v in cpu.items()}
    med_wall = {k: statistics.median(v) for k, v in wall.items()}
    result = {
        "reviews": n,
        "rounds": args.rounds,
        "cores": cores,
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
        "model_version": predictor.model_version,
        "reviews_per_cpu_second": {
            "bulk_cli_1_worker": round(med["cli_1"], 1),
            f"bulk_cli_{cores}_workers": round(med[f"cli_{cores}"], 1),
            "batch_route_64": round(med["route"], 1),
        },
        "ratio_cli_to_route": {
            "1_worker": round(med["cli_1"] / med["route"], 3),
            f"{cores}_workers": round(med[f"cli_{cores}"] / med["route"], 3),
        },
        "reviews_per_wall_second_per_core": {
            "bulk_cli_1_worker": round(med_wall["cli_1"], 1),
            f"bulk_cli_{cores}_workers": round(med_wall[f"cli_{cores}"], 1),
            "batch_route_64": round(med_wall["route"], 1),
        },
        "aws_batch_512": {
            "cpu_seconds": round(med["batch512"], 3),
            "wall_seconds": round(med_wall["batch512"], 3),
        },
        "runs_per_cpu_second": {k: [round(x, 2) for x in v] for k, v in cpu.items()},
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
