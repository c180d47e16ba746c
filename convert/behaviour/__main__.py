"""`python -m convert.behaviour`: run the suite on a model folder, write reports/behaviour.{md,json}.

python -m convert.behaviour --data ../shared/data/aclImdb.tar.gz [--model DIR] [--previous DIR]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from convert.data.imdb import DatasetError, load
from convert.paths import REPORTS_DIR
from handler.errors import ModelLoadError
from handler.inference.paths import MODEL_DIR


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m convert.behaviour", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--data", help="the IMDb archive or folder (default $IMDB_DATA); only train is read"
    )
    parser.add_argument(
        "--model",
        type=Path,
        default=MODEL_DIR,
        help="model folder to test (default: the shipped one)",
    )
    parser.add_argument("--previous", type=Path, help="an earlier model folder, reported beside it")
    parser.add_argument(
        "--out", type=Path, default=REPORTS_DIR, help="where behaviour.md and .json go"
    )
    args = parser.parse_args(argv)

    from convert.behaviour import handwritten, report, suite
    from convert.behaviour.corpus import training_sentences
    from convert.behaviour.run import lite_scorer, run

    start = time.perf_counter()
    try:
        opinions = handwritten.load()
        sentences = training_sentences(load(args.data).train)
        scorer, version = lite_scorer(args.model)
        previous = lite_scorer(args.previous) if args.previous else None
    except (DatasetError, ModelLoadError, handwritten.HandwrittenError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    tests = suite.build(sentences)
    built = time.perf_counter()
    model = report.model_figures(version, run(tests, scorer))
    scored = time.perf_counter()
    prev = report.model_figures(previous[1], run(tests, previous[0])) if previous else None
    figs = report.figures(tests, suite.fingerprint(tests), suite.SEED, model, prev)
    figs["handwritten"] = handwritten.figures(opinions, scorer, version, previous)
    paths = report.write(figs, args.out)
    print(report.capability_table(figs))
    print(
        f"{figs['suite']['tests']} tests, {figs['suite']['cases']:,} cases: data and generation "
        f"{built - start:.1f} s, scoring {scored - built:.1f} s; wrote {', '.join(map(str, paths))}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
