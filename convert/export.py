"""Keras -> float32 TFLite (the baseline) -> full-integer int8 TFLite, and the manifest beside them.

The int8 converter is restricted to builtin int8 kernels, so an op without one fails the export
loudly instead of silently falling back to float.
"""

from __future__ import annotations

import hashlib
import json
import platform
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keras
import numpy as np
import numpy.typing as npt
import tensorflow as tf

from convert.versions import installed
from handler import constants
from handler.runtime import TfliteModel
from handler.text import Encoder, canonical_json

Inputs = Mapping[str, npt.NDArray[np.int32]]
CALIBRATION_SAMPLES = 500


def to_tflite(model: keras.Model, calibration: Inputs | None = None) -> bytes:
    """Convert; with `calibration` (training reviews), full-integer int8 post-training quantization."""
    # Keras 3 models go through a SavedModel: from_keras_model only understands Keras 2.
    with tempfile.TemporaryDirectory() as tmp:
        model.export(tmp, format="tf_saved_model", verbose=False)
        converter = tf.lite.TFLiteConverter.from_saved_model(tmp)
        return _convert(converter, model, calibration)


def _convert(
    converter: tf.lite.TFLiteConverter, model: keras.Model, calibration: Inputs | None
) -> bytes:
    if calibration is not None:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        converter.representative_dataset = lambda: _representative(model, calibration)
        converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        # Ids stay int32 (they are indices, not quantizable values); the output is dequantized
        # to a float probability inside the graph so callers never see int8 scales.
        converter.inference_output_type = tf.float32
    return bytes(converter.convert())


def _representative(
    model: keras.Model, calibration: Inputs
) -> Iterator[dict[str, npt.NDArray[np.int32]]]:
    # Keyed by name: the SavedModel signature orders its inputs alphabetically, not as built.
    names = input_names(model)
    n = len(next(iter(calibration.values())))
    for i in range(n):
        yield {name: calibration[name][i : i + 1] for name in names}


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


def keras_predict(
    model: keras.Model, inputs: Inputs, batch_size: int = 512
) -> npt.NDArray[np.float32]:
    return np.asarray(
        model.predict(feed(model, inputs), batch_size=batch_size, verbose=0), dtype=np.float32
    ).reshape(-1)


def tflite_predict(
    model: bytes | Path, inputs: Inputs, batch_size: int = 512
) -> npt.NDArray[np.float32]:
    runtime = TfliteModel(model)
    n = len(next(iter(inputs.values())))
    parts = [
        runtime.predict({k: v[i : i + batch_size] for k, v in inputs.items()})
        for i in range(0, n, batch_size)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, np.float32)


@dataclass(frozen=True)
class Scores:
    accuracy: float
    macro_f1: float

    @classmethod
    def of(cls, probs: npt.NDArray[np.float32], labels: npt.NDArray[np.int64]) -> Scores:
        pred = (probs >= 0.5).astype(np.int64)
        f1s = []
        for c in (0, 1):
            tp = np.sum((pred == c) & (labels == c))
            fp = np.sum((pred == c) & (labels != c))
            fn = np.sum((pred != c) & (labels == c))
            f1s.append(2 * tp / max(2 * tp + fp + fn, 1))
        return cls(float(np.mean(pred == labels)), float(np.mean(f1s)))


def agreement(a: npt.NDArray[np.float32], b: npt.NDArray[np.float32]) -> dict[str, float]:
    """How closely two models' probabilities agree on the same reviews."""
    delta = np.abs(a.astype(np.float64) - b.astype(np.float64))
    return {
        "label_agreement": float(np.mean((a >= 0.5) == (b >= 0.5))),
        "mean_abs_dp": float(delta.mean()),
        "max_abs_dp": float(delta.max()),
    }


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def library_versions(
    names: Sequence[str] = ("tensorflow", "tensorflow-cpu", "keras", "numpy", "ai-edge-litert"),
) -> dict[str, str]:
    return {"python": platform.python_version(), **installed(names)}


def write_artifacts(
    out_dir: Path,
    *,
    int8_model: bytes,
    encoder: Encoder,
    architecture: str,
    metrics: Mapping[str, Any],
    training: Mapping[str, Any],
    sizes: Mapping[str, int],
) -> dict[str, Any]:
    """Write what the handler ships: the int8 model, the vocabularies and the manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / constants.MODEL_FILE).write_bytes(int8_model)
    vocab_sha = encoder.save(out_dir / constants.VOCAB_FILE)
    model_sha = sha256(int8_model)
    manifest = {
        "model_version": f"{architecture}-{model_sha[:12]}",
        "architecture": architecture,
        "quantization": "int8 full-integer post-training (builtin int8 ops, float32 output)",
        "files": {
            "model": {"name": constants.MODEL_FILE, "sha256": model_sha, "bytes": len(int8_model)},
            "vocab": {
                "name": constants.VOCAB_FILE,
                "sha256": vocab_sha,
                "bytes": (out_dir / constants.VOCAB_FILE).stat().st_size,
            },
        },
        "inputs": {
            name: length
            for name, length in zip(encoder.input_names, _lengths(encoder), strict=True)
        },
        "labels": {label: i for i, label in enumerate(constants.LABELS)},
        "text": json.loads(canonical_json(encoder.to_json()["config"])),
        "vocab_sizes": {
            "words": len(encoder.words),
            "ngrams": len(encoder.grams) if encoder.grams else 0,
        },
        "metrics": metrics,
        "sizes_bytes": dict(sizes),
        "training": training,
        "versions": library_versions(),
    }
    (out_dir / constants.MANIFEST_FILE).write_text(
        json.dumps(manifest, indent=2, sort_keys=True) + "\n"
    )
    return manifest


def _lengths(encoder: Encoder) -> list[int]:
    c = encoder.config
    return [c.seq_len, c.ngram_len] if c.ngram_len else [c.seq_len]
