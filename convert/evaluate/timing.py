"""CPU milliseconds per review for the results table (medians; the benchmark does the full study)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np

from convert.export.predict import keras_predict
from handler.inference.encoder import Encoder
from handler.inference.runtime import TfliteModel

SAMPLE = 512


def keras_ms_per_review(
    model: keras.Model, encoder: Encoder, tokens: Sequence[Sequence[str]], repeats: int = 3
) -> float:
    """Batched Keras predict (batch 256), median over repeats, per review."""
    x = encoder.encode_words(list(tokens[:SAMPLE]))
    keras_predict(model, x, batch_size=256)  # warm-up: tracing is not inference
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        keras_predict(model, x, batch_size=256)
        times.append((time.perf_counter() - start) * 1000 / len(next(iter(x.values()))))
    return float(np.median(times))


def tflite_ms_per_review(
    model: bytes | Path,
    encoder: Encoder,
    tokens: Sequence[Sequence[str]],
    lengths: Sequence[Sequence[int]] | None = None,
) -> float:
    """One review per invoke on one thread, as the Lambda handler serves a single request."""
    runtime = TfliteModel(model, num_threads=1, units=encoder.input_units)
    x = encoder.encode_words(list(tokens[:SAMPLE]), None if lengths is None else lengths[:SAMPLE])
    times = []
    for i in range(len(next(iter(x.values())))):
        row = {k: v[i : i + 1] for k, v in x.items()}
        start = time.perf_counter()
        runtime.predict(row)
        times.append((time.perf_counter() - start) * 1000)
    return float(np.median(times[10:]))
