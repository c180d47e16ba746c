"""`python -m convert compare --previous DIR`: the shipped model beside an earlier one, in one run.

Multiply-accumulates are counted from each int8 graph as it is fed the timed reviews;
milliseconds per review are timed on one thread, the two models taking turns on the same
reviews, because int8 speed differs about 10x
between CPUs with and without AVX-512 VNNI and only a side-by-side ratio means anything.
An earlier model folder comes from git, e.g. `git archive 92a53c4 handler/model | tar -x -C build/previous`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from convert.data.prepare import Split
from convert.evaluate.metrics import summary
from convert.evaluate.shipped import probabilities
from handler import constants
from handler.inference.encoder import Encoder
from handler.inference.manifest import Manifest
from handler.inference.predictor import LitePredictor
from handler.inference.runtime import TfliteModel, input_name

TIMED_REVIEWS = 300
ROUNDS = 5


def multiply_accumulates(model: Path, inputs: Mapping[str, npt.NDArray[np.int32]]) -> int:
    """MACs of one invoke of one text, `inputs` as the service feeds them (padding cut where the
    model takes any length): convolutions and fully connected layers (the rest is adds)."""
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_path=str(model))
    details = interp.get_input_details()
    for detail in details:
        interp.resize_tensor_input(detail["index"], inputs[input_name(detail["name"])].shape)
    interp.allocate_tensors()
    # A reshape whose shape is computed in the graph sizes its outputs only when it runs.
    for detail in details:
        interp.set_tensor(detail["index"], inputs[input_name(detail["name"])])
    interp.invoke()
    tensors = interp.get_tensor_details()
    total = 0
    for op in interp._get_ops_details():
        if op["op_name"] not in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"):
            continue
        out = int(np.prod(tensors[op["outputs"][0]]["shape"]))
        kernel = tensors[op["inputs"][1]]["shape"]
        per_output = (
            int(np.prod(kernel[1:]))
            if op["op_name"] != "DEPTHWISE_CONV_2D"
            else int(np.prod(kernel[1:3]))
        )
        total += out * per_output
    return total


def _vocab(model_dir: Path) -> Encoder:
    """A model folder's vocabulary, under the name its manifest gives (JSON or arrays)."""
    manifest = Manifest.read(model_dir / constants.MANIFEST_FILE)
    return Encoder.load(manifest.file_path(model_dir, "vocab"))


def _raw_probabilities(model_dir: Path, split: Split) -> np.ndarray:
    """An earlier model as it served: through the service's predictor when it has a float head,
    else its graph's output, a probability."""
    if Manifest.read(model_dir / constants.MANIFEST_FILE).head is not None:
        return probabilities(LitePredictor.load(model_dir), split)
    encoder = _vocab(model_dir)
    runtime = TfliteModel(model_dir / constants.MODEL_FILE, units=encoder.input_units)
    return np.concatenate(
        [
            runtime.predict(
                encoder.encode_words(
                    split.tokens[i : i + 256], split.sentence_lengths()[i : i + 256]
                )
            )[:, 0]
            for i in range(0, len(split), 256)
        ]
    )


def _cost(model_dirs: list[Path], split: Split) -> tuple[list[float], list[int]]:
    """Median ms of one invoke with one review, the models taking turns within every round, and
    the median MACs of those invokes (a model that reads only the rows a review fills costs
    what the review fills)."""
    runtimes, rows, macs = [], [], []
    for d in model_dirs:
        encoder = _vocab(d)
        x = encoder.encode_words(
            split.tokens[:TIMED_REVIEWS], split.sentence_lengths()[:TIMED_REVIEWS]
        )
        runtime = TfliteModel(d / constants.MODEL_FILE, 1, encoder.input_units)
        runtimes.append(runtime)
        rows.append([{k: v[i : i + 1] for k, v in x.items()} for i in range(TIMED_REVIEWS)])
        by_shape: dict[tuple[tuple[int, ...], ...], int] = {}  # one count per shape fed
        counts = []
        for row in rows[-1]:
            fed = runtime.fed(row)
            shape = tuple(fed[k].shape for k in sorted(fed))
            if shape not in by_shape:
                by_shape[shape] = multiply_accumulates(d / constants.MODEL_FILE, fed)
            counts.append(by_shape[shape])
        macs.append(int(np.median(counts)))
    times: list[list[float]] = [[] for _ in model_dirs]
    for _ in range(ROUNDS):
        for runtime, inputs, out in zip(runtimes, rows, times, strict=True):
            for row in inputs:
                start = time.perf_counter()
                runtime.predict(row)
                out.append((time.perf_counter() - start) * 1000)
    return [float(np.median(t)) for t in times], macs


def compare(
    previous: Path, current: Path, test: Split, sentences: dict[str, Split]
) -> dict[str, Any]:
    """The earlier model's accuracy, sentences and cost; the current model's cost beside it."""
    (ms_before, ms_now), (macs_before, macs_now) = _cost([previous, current], test)
    manifest = Manifest.read(previous / constants.MANIFEST_FILE)
    return {
        "model_version": _version(previous),
        # Its own figures, measured when it was exported, for the goals table.
        "evaluation": manifest.metrics.get("evaluation", {}),
        "model_bytes": (previous / constants.MODEL_FILE).stat().st_size,
        "test": summary(_raw_probabilities(previous, test), test.labels),
        "sentences": {
            n: summary(_raw_probabilities(previous, s), s.labels) for n, s in sentences.items()
        },
        "cost": {
            "macs_before": macs_before,
            "macs_now": macs_now,
            "ms_before": ms_before,
            "ms_now": ms_now,
            "timed_reviews": TIMED_REVIEWS,
            "rounds": ROUNDS,
        },
    }


def _version(model_dir: Path) -> str:
    return Manifest.read(model_dir / constants.MANIFEST_FILE).model_version
