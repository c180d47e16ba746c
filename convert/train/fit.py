"""Keras training under one protocol: early stopping on the validation split, whole reviews and
short spans in one run, and the single test-set look of each final model (`evaluate_once`)."""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import keras
import numpy as np
import numpy.typing as npt
import tensorflow as tf

from convert.data.prepare import Encoded, Labels, Split
from convert.evaluate.metrics import Scores
from convert.export.predict import feed, keras_predict
from handler.inference.features import TextConfig

# A progress bar per epoch on a terminal; one line per epoch in a log file.
VERBOSE = 1 if sys.stdout.isatty() else 2


@dataclass
class Run:
    """One trained model: its recorded configuration, curves and scores."""

    name: str
    config: dict[str, Any]
    history: dict[str, list[float]] = field(default_factory=dict)
    val: Scores | None = None
    test: Scores | None = None
    seconds: float = 0.0
    params: int = 0
    test_probs: npt.NDArray[np.floating[Any]] | None = None

    def summary(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "test_probs"}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


@dataclass(frozen=True)
class Part:
    """Training examples of one length, with the weight each example gets in the loss."""

    x: Any
    y: Labels | npt.NDArray[np.float64]  # soft targets too (self_training's neutral sentences)
    weight: float = 1.0


def dataset(parts: list[Part], batch_size: int, seed: int) -> tuple[tf.data.Dataset, int]:
    """(endless batches from every part, interleaved at random, batches per epoch).

    Each batch holds one part's examples; batches of different parts have different lengths,
    so the element spec leaves the length open.
    """
    sets, sizes = [], []
    for i, part in enumerate(parts):
        n = len(part.y)
        w = np.full(n, part.weight, np.float32)
        ds = tf.data.Dataset.from_tensor_slices((part.x, part.y.astype(np.float32), w))
        sets.append(ds.shuffle(n, seed=seed + i).batch(batch_size))
        sizes.append(math.ceil(n / batch_size))
    mixed = tf.data.Dataset.sample_from_datasets(
        [d.repeat() for d in sets], weights=[s / sum(sizes) for s in sizes], seed=seed
    )
    return mixed.prefetch(2), sum(sizes)


def fit_keras(
    model: keras.Model,
    parts: list[Part],
    x_val: Any,
    y_val: Labels,
    epochs: int,
    batch_size: int,
    patience: int = 2,
    seed: int = 0,
) -> dict[str, list[float]]:
    """Early stopping on validation accuracy; the best epoch's weights are kept."""
    stop = keras.callbacks.EarlyStopping(
        monitor="val_accuracy", patience=patience, restore_best_weights=True
    )
    batches, steps = dataset(parts, batch_size, seed)
    hist = model.fit(
        batches,
        steps_per_epoch=steps,
        shuffle=False,  # the dataset shuffles itself
        validation_data=(x_val, y_val),
        epochs=epochs,
        callbacks=[stop],
        verbose=VERBOSE,
    )
    return {k: [float(v) for v in vals] for k, vals in hist.history.items()}


def train_keras(
    name: str,
    fit: Encoded,
    val: Encoded,
    text: TextConfig,
    build: Callable[[], keras.Model],
    config: dict[str, Any],
    epochs: int,
    batch_size: int = 128,
    extra: list[Part] | None = None,
    seed: int = 0,
) -> tuple[Run, keras.Model]:
    """Train on the fit reviews (plus `extra` parts, such as short spans), stop on validation.

    `fit` and `val` come encoded by the encoder whose settings `text` are (recorded in the run).
    """
    log(f"{name}: training with {asdict(text)}")
    model = build()
    parts = [Part(feed(model, fit.inputs), fit.labels), *(extra or [])]
    start = time.perf_counter()
    history = fit_keras(
        model, parts, feed(model, val.inputs), val.labels, epochs, batch_size, seed=seed
    )
    run = Run(
        name,
        {**config, "text": asdict(text), "epochs_max": epochs, "batch_size": batch_size},
        history,
        seconds=time.perf_counter() - start,
        params=int(model.count_params()),
    )
    run.val = Scores.of(keras_predict(model, val.inputs), val.labels)
    log(f"{name}: validation accuracy {run.val.accuracy:.4f} in {run.seconds:.0f}s")
    return run, model


def evaluate_once(run: Run, probs: npt.NDArray[np.floating[Any]], test: Split) -> None:
    """The single look at the test set for this final model."""
    assert run.test is None, f"{run.name} was already evaluated on test"
    run.test_probs = probs
    run.test = Scores.of(probs, test.labels)
    log(f"{run.name}: TEST accuracy {run.test.accuracy:.4f}, macro F1 {run.test.macro_f1:.4f}")


def best_epoch(run: Run) -> int:
    """The epoch early stopping kept (1-based)."""
    return int(np.argmax(run.history["val_accuracy"])) + 1
