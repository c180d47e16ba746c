"""Reviews per second per core: `python -m handler.bulk` beside the API's batch route, in one run.

    .venv/bin/python scripts/bulk_bench.py [--reviews 1024] [--rounds 5] [--json out.json]

The same IMDb test reviews go through (a) the bulk CLI's runner with one worker and with every
core, and (b) the batch route in-process (TestClient, 64 texts a request, one core), in
alternating rounds so that a noisy machine slows all of them alike. Medians are reported, with
the ratio of the CLI's per-core rate to the route's, and the model time of one 512-record AWS
batch (what the Lambda cost in docs/deploy.md is computed from).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from handler.app import create_app
from handler.bulk import local
from handler.bulk.scoring import Answerer, Entry, limits_of
from handler.predictor import LitePredictor
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


def time_cli(source: Path, workers: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        local.run(source, Path(tmp) / "out.jsonl", workers=workers)
        return time.perf_counter() - start


def time_route(client: TestClient, texts: list[str]) -> float:
    start = time.perf_counter()
    for i in range(0, len(texts), BATCH):
        response = client.post("/v1/predict/batch", json={"texts": texts[i : i + BATCH]})
        assert response.status_code == 200, response.text
    return time.perf_counter() - start


def time_batch(answerer: Answerer, raws: list[bytes]) -> float:
    """Model and validation time of one AWS batch (no S3): what the function spends per batch."""
    entries = [Entry(i, i + 1, raw) for i, raw in enumerate(raws)]
    start = time.perf_counter()
    answerer.lines(entries, "jsonl", [])
    return time.perf_counter() - start


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
    runs: dict[str, list[float]] = {"cli_1": [], f"cli_{cores}": [], "route": [], "batch512": []}
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "reviews.jsonl"
        source.write_bytes(b"".join(lines))
        for round_ in range(args.rounds):
            runs["route"].append(len(texts) / time_route(client, texts))
            runs["cli_1"].append(len(texts) / time_cli(source, 1))
            runs[f"cli_{cores}"].append(len(texts) / time_cli(source, cores) / cores)
            runs["batch512"].append(time_batch(answerer, lines[:512]))
            print(
                f"round {round_ + 1}: " + ", ".join(f"{k} {v[-1]:.3g}" for k, v in runs.items()),
                file=sys.stderr,
            )
    medians = {name: statistics.median(values) for name, values in runs.items()}
    result = {
        "reviews": len(texts),
        "rounds": args.rounds,
        "cores": cores,
        "model_version": predictor.model_version,
        "per_core_per_s": {
            "bulk_cli_1_worker": round(medians["cli_1"], 1),
            f"bulk_cli_{cores}_workers": round(medians[f"cli_{cores}"], 1),
            "batch_route_64": round(medians["route"], 1),
        },
        "ratio_cli_1_worker_to_route": round(medians["cli_1"] / medians["route"], 2),
        f"ratio_cli_{cores}_workers_to_route": round(medians[f"cli_{cores}"] / medians["route"], 2),
        "aws_batch_512_model_seconds": round(medians["batch512"], 3),
        "runs": {k: [round(x, 3) for x in v] for k, v in runs.items()},
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
