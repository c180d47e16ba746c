"""Cold vocabulary load, side by side: each model folder's vocabulary read, checked and parsed,
and the whole predictor loaded, in fresh processes that take turns (the machine is shared, so
only figures from one run compare).

    .venv/bin/python -m scripts.vocab_load OLD_MODEL_DIR handler/model [--rounds 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = """
import hashlib, json, sys, time
from pathlib import Path
import numpy  # the import floor: what every model format needs anyway
from ai_edge_litert import interpreter
from handler.inference.manifest import Manifest
from handler.inference.encoder import Encoder
from handler.inference.predictor import LitePredictor
d = Path(sys.argv[1])
vocab_path = Manifest.read(d / "manifest.json").file_path(d, "vocab")
start = time.perf_counter()
data = vocab_path.read_bytes()
hashlib.sha256(data).hexdigest()
Encoder.from_bytes(data)
vocab = time.perf_counter() - start
start = time.perf_counter()
LitePredictor.load(d).predict(["A fine film."])
print(json.dumps({"vocab_s": vocab, "predictor_s": time.perf_counter() - start}))
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dirs", nargs="+", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    found: dict[Path, list[dict[str, float]]] = {d: [] for d in args.model_dirs}
    for _ in range(args.rounds):
        for d in args.model_dirs:
            out = subprocess.run(
                [sys.executable, "-c", CHILD, str(d)],
                capture_output=True,
                text=True,
                check=True,
                timeout=120,
            ).stdout
            found[d].append(json.loads(out.strip().splitlines()[-1]))
    for d, runs in found.items():
        vocab = statistics.median(r["vocab_s"] for r in runs)
        load = statistics.median(r["predictor_s"] for r in runs)
        print(
            f"{d}: vocabulary read+sha256+parse {vocab * 1000:.0f} ms, predictor load + first "
            f"answer {load * 1000:.0f} ms (median of {len(runs)})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
