"""Models run on encoded ids: Keras and the service's TFLite runtime, one row per input row.

Training, the export and the evaluation all score through these, so a model is always fed the
way the text pipeline names its inputs ("words", "ngrams"), whichever stage runs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import keras
import numpy as np
import numpy.typing as npt

from handler.inference.runtime import TfliteModel

Inputs = Mapping[str, npt.NDArray[np.int32]]


def sample(inputs: Inputs, n: int, seed: int = 0) -> dict[str, npt.NDArray[np.int32]]:
    """A seeded subset of rows, the same rows from every input."""
    total = len(next(iter(inputs.values())))
    rows = np.sort(np.random.default_rng(seed).choice(total, size=min(n, total), replace=False))
    return {k: v[rows] for k, v in inputs.items()}


def input_names(model: keras.Model) -> list[str]:
    """The model's input names as the text pipeline names them ("words", "ngrams")."""
    return [t.name.split(":")[0] for t in model.inputs]


def feed(model: keras.Model, inputs: Inputs) -> Any:
    """Inputs keyed as the model names them (a single array for a one-input model)."""
    names = input_names(model)
    return {k: inputs[k] for k in names} if len(names) > 1 else inputs[names[0]]


def keras_outputs(
    model: keras.Model, inputs: Inputs, batch_size: int = 512
) -> npt.NDArray[np.float32]:
    """Every output of the model: one row per input row, one column per output."""
    out = model.predict(feed(model, inputs), batch_size=batch_size, verbose=0)
    parts = out if isinstance(out, list) else [out]
    return np.stack([np.asarray(p, np.float32).reshape(-1) for p in parts], axis=1)


def keras_predict(
    model: keras.Model, inputs: Inputs, batch_size: int = 512
) -> npt.NDArray[np.float32]:
    """A one-output model's output per row (P(positive) for the trained models)."""
    out: npt.NDArray[np.float32] = keras_outputs(model, inputs, batch_size)[:, 0]
    return out


def tflite_predict(
    model: bytes | Path,
    inputs: Inputs,
    batch_size: int = 512,
    units: Mapping[str, int] | None = None,
) -> npt.NDArray[np.float32]:
    """What the service's runtime returns: one row per input row, one column per output.

    `units`: as the service cuts padding (`Encoder.input_units`); the outputs are the same.
    """
    runtime = TfliteModel(model, units=units)
    n = len(next(iter(inputs.values())))
    parts = [
        runtime.predict({k: v[i : i + batch_size] for k, v in inputs.items()})
        for i in range(0, n, batch_size)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, 1), np.float32)
