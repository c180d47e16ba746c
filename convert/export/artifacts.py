"""Keras -> float32 TFLite (the baseline) -> full-integer int8 TFLite, and the manifest beside them.

The export writes the model and vocabulary files and builds their `Manifest`; the caller writes
the manifest once, when every figure it records is known (`Manifest.write`).

The int8 converter is restricted to builtin int8 kernels, so an op without one fails the export
loudly instead of silently falling back to float.
"""

from __future__ import annotations

import hashlib
import json
import platform
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import keras
import numpy as np
import numpy.typing as npt
import tensorflow as tf

from convert.evaluate.metrics import Labels, Scores, agreement
from convert.export.predict import Inputs, input_names, keras_outputs, tflite_predict
from convert.versions import installed
from handler import constants
from handler.inference.calibration import Head
from handler.inference.encoder import Encoder
from handler.inference.manifest import Manifest
from handler.inference.runtime import TfliteModel
from handler.inference.vocab_file import canonical_json
from handler.inference.word_lists import word_list_fingerprints


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
        # Ids stay int32 (they are indices, not quantizable values). The graph ends in two int8
        # partial logits, dequantized to float inside it; the service's head mixes them.
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


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def library_versions(
    names: Sequence[str] = ("tensorflow", "tensorflow-cpu", "keras", "numpy", "ai-edge-litert"),
) -> dict[str, str]:
    return {"python": platform.python_version(), **installed(names)}


@dataclass(frozen=True)
class Checked:
    """Reviews the exported files are checked on, with what the service needs beside the ids."""

    name: str
    inputs: Inputs
    labels: Labels
    known_words: npt.NDArray[np.int64]


def export_and_check(
    model: keras.Model,
    encoder: Encoder,
    *,
    calibration_rows: Inputs,
    checked: Checked,
    head: Head,
    model_dir: Path,
    keras_path: Path,
    float_path: Path,
    architecture: str,
    training: Mapping[str, Any],
) -> tuple[Manifest, dict[str, npt.NDArray[np.float64]]]:
    """Keras export graph -> float TFLite -> int8 TFLite, all three scored on `checked`.

    The one path for the tiny fixture model and the served one: the files the handler ships,
    the Keras model and its float twin as evidence, and a manifest whose figures are the ones
    these files produce. Returns (manifest, calibrated probabilities of each variant); the
    manifest is not written yet.
    """
    float_model = to_tflite(model)
    int8_model = to_tflite(model, calibration_rows)
    outputs = {
        "keras": keras_outputs(model, checked.inputs),
        "float_tflite": tflite_predict(float_model, checked.inputs),
        "int8": tflite_predict(int8_model, checked.inputs),
    }
    probs = {k: head.probabilities(v, checked.known_words) for k, v in outputs.items()}
    int8 = probs["int8"]
    metrics = {
        "split": checked.name,
        "scores": {k: asdict(Scores.of(p, checked.labels)) for k, p in probs.items()},
        "agreement_with_keras": {
            k: agreement(probs["keras"], probs[k]) for k in ("float_tflite", "int8")
        },
        "distinct_probabilities": len(np.unique(int8)),
        "exact_half": int(np.sum(int8 == 0.5)),
    }
    keras_path.parent.mkdir(parents=True, exist_ok=True)
    model.save(keras_path)
    float_path.parent.mkdir(parents=True, exist_ok=True)
    float_path.write_bytes(float_model)
    manifest = write_artifacts(
        model_dir,
        int8_model=int8_model,
        encoder=encoder,
        architecture=architecture,
        metrics=metrics,
        training=training,
        head=head,
        sizes={
            "keras_file": keras_path.stat().st_size,
            "keras_params": int(model.count_params()),
            "float_tflite": len(float_model),
            "int8_tflite": len(int8_model),
        },
    )
    return manifest, probs


def model_version(architecture: str, model_sha: str, vocab_sha: str, head: Head) -> str:
    """The name of what answers: the int8 graph, how text is read (the vocabulary file, its
    settings among it) and the head that mixes the logits. The same graph read another way, or
    mixed by another head, answers differently, so it gets another name."""
    parts = canonical_json({"model": model_sha, "vocab": vocab_sha, "head": asdict(head)})
    return f"{architecture}-{sha256(parts)[:12]}"


def write_artifacts(
    out_dir: Path,
    *,
    int8_model: bytes,
    encoder: Encoder,
    architecture: str,
    metrics: Mapping[str, Any],
    training: Mapping[str, Any],
    sizes: Mapping[str, int],
    head: Head,
) -> Manifest:
    """Write the int8 model and the vocabularies the handler ships; return the manifest that pins
    them, with the fingerprints of the word lists the features were built from."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / constants.MODEL_FILE).write_bytes(int8_model)
    vocab_sha = encoder.save(out_dir / constants.VOCAB_FILE)
    model_sha = sha256(int8_model)
    manifest = {
        "model_version": model_version(architecture, model_sha, vocab_sha, head),
        "architecture": architecture,
        "quantization": "int8 full-integer post-training (builtin int8 ops); the branch logits come out as float32 and the service mixes and calibrates them in float",
        "files": {
            "model": {"name": constants.MODEL_FILE, "sha256": model_sha, "bytes": len(int8_model)},
            "vocab": {
                "name": constants.VOCAB_FILE,
                "sha256": vocab_sha,
                "bytes": (out_dir / constants.VOCAB_FILE).stat().st_size,
            },
        },
        "inputs": encoder.input_lengths,
        "labels": {label: i for i, label in enumerate(constants.LABELS)},
        "head": asdict(head),
        "output_steps": list(TfliteModel(int8_model).output_steps),
        "text": json.loads(canonical_json(encoder.to_json()["config"])),
        "vocab_sizes": {
            "words": len(encoder.words),
            "ngrams": len(encoder.grams) if encoder.grams else 0,
        },
        "metrics": metrics,
        "sizes_bytes": dict(sizes),
        "training": training,
        "versions": library_versions(),
        "fingerprints": word_list_fingerprints(encoder.config),
    }
    # Through the reader's checks, so the value is what readers of the file will get.
    return Manifest.from_json(_as_json(manifest), source=str(out_dir))


def _as_json(value: Any) -> Any:
    """`value` with tuples as lists, as JSON holds them (the reader takes lists only)."""
    if isinstance(value, Mapping):
        return {k: _as_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_as_json(v) for v in value]
    return value


def with_metrics(manifest: Manifest, **parts: Any) -> Manifest:
    """The manifest with more figures under `metrics` (the files it pins are unchanged)."""
    return replace(manifest, metrics={**manifest.metrics, **parts})
