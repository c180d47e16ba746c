"""`python -m convert <command>`: the offline pipeline's entry points.

Each subcommand is one small function taking the parsed arguments and returning an exit status
(2 for a problem the user can fix, as in `bench` and `infra`); a new one is a function plus a few
lines in `build_parser`. Heavy imports happen inside the command, so `--help` stays instant.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from convert.data.imdb import ENV_DATA, ENV_SENTENCES, DatasetError
from convert.export.evidence import KERAS_TEST_PROBS
from convert.paths import FLOAT_MODEL, KERAS_MODEL, REPORTS_DIR
from handler.inference.paths import MODEL_DIR

DEFAULT_REPORTS = REPORTS_DIR


def explore(args: argparse.Namespace) -> int:
    """Write the data-exploration report."""
    import matplotlib

    matplotlib.use("Agg")  # reports are written on headless machines; never open a window

    from convert.data.imdb import load
    from convert.explore.report import write_report

    start = time.perf_counter()
    report = write_report(load(args.data), args.out)
    print(f"wrote {report} in {time.perf_counter() - start:.0f} s")
    return 0


def train(args: argparse.Namespace) -> int:
    """Train every compared model and the served one; export it to handler/model; write results."""
    from convert.data.imdb import load, sentences_folder
    from convert.pipeline import Paths, run_all
    from convert.reports.results import render, ship_card

    paths = Paths(
        model_dir=args.model_dir,
        keras_model=args.keras_model,
        float_model=args.float_model,
        keras_test_probs=args.keras_test_probs,
        results=args.out / "results.json",
        sentences=args.sentences or sentences_folder(args.data),
    )
    run_all(load(args.data, with_unsup=True), paths, with_compared=not args.served_only)
    print(f"wrote {render(args.out / 'results.json', args.out)}")
    print(f"wrote {ship_card(args.out, args.model_dir)}")
    return 0


def compare(args: argparse.Namespace) -> int:
    """Measure an earlier model beside the shipped one (accuracy, sentences, MACs, ms); redraw."""
    import json

    from convert.data.imdb import load, load_sentences, sentences_folder
    from convert.data.prepare import Split
    from convert.evaluate.compare import compare as measure
    from convert.reports.results import render, ship_card

    imdb = load(args.data)
    sets = load_sentences(args.sentences or sentences_folder(args.data))
    found = measure(
        args.previous,
        args.model_dir,
        Split.of(imdb.test),
        {name: Split.of_texts(t, y) for name, (t, y) in sets.items()},
    )
    path = args.out / "results.json"
    results = json.loads(path.read_text())
    results["previous"] = found
    path.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"wrote {render(path, args.out)}")
    print(f"wrote {ship_card(args.out, args.model_dir)}")
    return 0


def unlabelled(args: argparse.Namespace) -> int:
    """An earlier model beside the shipped one on unlabelled reviews: a lean, without labels."""
    import json

    from convert.data.imdb import load
    from convert.evaluate.unlabelled import REVIEWS, lean, probabilities, sample, version
    from handler.errors import ModelLoadError

    texts = sample(load(args.data, with_unsup=True).unsup, args.reviews or REVIEWS)
    try:
        found = lean(probabilities(args.previous, texts), probabilities(args.model_dir, texts))
    except ModelLoadError as exc:  # e.g. a model older than this code's word lists
        print(f"error: {exc}", file=sys.stderr)
        return 2
    models = {"previous": version(args.previous), "model": version(args.model_dir)}
    print(json.dumps({**models, **found}, indent=2))
    return 0


def evidence_free(args: argparse.Namespace) -> int:
    """A model (and an earlier one) on sentences of unlabelled reviews with no opinion word."""
    import json

    from convert.data.imdb import load
    from convert.evaluate import unlabelled as measure
    from handler.errors import ModelLoadError

    imdb = load(args.data, with_unsup=True)
    texts = measure.evidence_free_of(imdb, args.count or measure.EVIDENCE_FREE)
    if not texts:
        print("error: no evidence-free sentence in the sampled reviews", file=sys.stderr)
        return 2
    found = {}
    try:
        for role, model_dir in (("model", args.model_dir), ("previous", args.previous)):
            if model_dir is not None:
                p = measure.probabilities(model_dir, texts)
                found[role] = {"version": measure.version(model_dir), **measure.spread(p)}
    except ModelLoadError as exc:  # e.g. a model older than this code's word lists
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(found, indent=2))
    return 0


def results(args: argparse.Namespace) -> int:
    """Redraw reports/results.md and its figures from reports/results.json."""
    from convert.reports.results import render

    print(f"wrote {render(args.out / 'results.json', args.out)}")
    return 0


def seeds(args: argparse.Namespace) -> int:
    """Train the served recipe again at other seeds; the development signals of every draw."""
    import json

    import keras

    from convert.data.imdb import load, sentences_folder
    from convert.evaluate.seeds import (  # imports the graph's layers
        Shipped,
        draws,
        settings_of,
        write,
    )
    from handler import constants
    from handler.inference.calibration import Head
    from handler.inference.encoder import Encoder
    from handler.inference.manifest import Manifest

    try:
        settings = settings_of(args.set)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    manifest = Manifest.read(args.model_dir / constants.MANIFEST_FILE)
    runs = json.loads((args.out / "results.json").read_text())["runs"]
    shipped = Shipped(
        keras.models.load_model(args.keras_model),
        Head.of(manifest.to_json()),
        Encoder.load(manifest.file_path(args.model_dir, "vocab")),
        float(runs["served_cnn_ngram"]["val"]["accuracy"]),
        manifest.model_version,
    )
    imdb = load(args.data, with_unsup=True)
    found = draws(
        imdb, args.sentences or sentences_folder(args.data), args.shifts, shipped, settings
    )
    name = "-".join(["seeds", *(f"{k}-{v}" for k, v in settings.items())])
    print(f"wrote {', '.join(map(str, write(found, args.out, name)))}")
    return 0


def _add_data_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data",
        type=Path,
        default=os.environ.get(ENV_DATA) or None,
        help=f"aclImdb folder or .tar.gz (default: ${ENV_DATA}; if unset, download and cache)",
    )


def _add_out_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_REPORTS, help="report folder (%(default)s)"
    )


def _add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the served model is: its handler folder and its Keras export graph."""
    parser.add_argument("--model-dir", type=Path, default=MODEL_DIR, help="(%(default)s)")
    parser.add_argument("--keras-model", type=Path, default=KERAS_MODEL, help="(%(default)s)")


def _add_sentences_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--sentences",
        type=Path,
        default=None,
        help=f"labelled-sentence folder (default: ${ENV_SENTENCES}, or sentences/ beside --data)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m convert", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    sub = commands.add_parser("explore", help=explore.__doc__)
    _add_data_argument(sub)
    _add_out_argument(sub)
    sub.set_defaults(run=explore)

    sub = commands.add_parser("train", help=train.__doc__)
    _add_data_argument(sub)
    _add_out_argument(sub)
    _add_model_arguments(sub)
    sub.add_argument("--float-model", type=Path, default=FLOAT_MODEL, help="(%(default)s)")
    sub.add_argument(
        "--keras-test-probs", type=Path, default=KERAS_TEST_PROBS, help="(%(default)s)"
    )
    _add_sentences_argument(sub)
    sub.add_argument(
        "--served-only", action="store_true", help="skip the RNN, RCNN and original CNN runs"
    )
    sub.set_defaults(run=train)

    sub = commands.add_parser("compare", help=compare.__doc__)
    _add_data_argument(sub)
    sub.add_argument("--previous", type=Path, required=True, help="an earlier model folder")
    sub.add_argument("--model-dir", type=Path, default=MODEL_DIR, help="(%(default)s)")
    _add_sentences_argument(sub)
    _add_out_argument(sub)
    sub.set_defaults(run=compare)

    sub = commands.add_parser("unlabelled", help=unlabelled.__doc__)
    _add_data_argument(sub)
    sub.add_argument("--previous", type=Path, required=True, help="an earlier model folder")
    sub.add_argument("--model-dir", type=Path, default=MODEL_DIR, help="(%(default)s)")
    sub.add_argument("--reviews", type=int, help="how many (default: 3,000, unlabelled.REVIEWS)")
    sub.set_defaults(run=unlabelled)

    sub = commands.add_parser("evidence-free", help=evidence_free.__doc__)
    _add_data_argument(sub)
    sub.add_argument("--model-dir", type=Path, default=MODEL_DIR, help="(%(default)s)")
    sub.add_argument("--previous", type=Path, help="an earlier model folder, scored beside it")
    sub.add_argument("--count", type=int, help="how many sentences (default: 1,000)")
    sub.set_defaults(run=evidence_free)

    sub = commands.add_parser("seeds", help=seeds.__doc__)
    _add_data_argument(sub)
    sub.add_argument(
        "--shifts", type=int, nargs="*", default=[1, 2], help="seed shifts to train (%(default)s)"
    )
    sub.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a ServedConfig setting to change in every new draw (reports/seeds-KEY-VALUE.md)",
    )
    _add_model_arguments(sub)
    _add_sentences_argument(sub)
    _add_out_argument(sub)
    sub.set_defaults(run=seeds)

    sub = commands.add_parser("results", help=results.__doc__)
    _add_out_argument(sub)
    sub.set_defaults(run=results)

    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except DatasetError as exc:
        # A missing or damaged dataset is the user's to fix: say what is wrong, skip the traceback.
        parser.exit(2, f"{parser.prog}: error: {exc}\n")
    return status


if __name__ == "__main__":
    sys.exit(main())
