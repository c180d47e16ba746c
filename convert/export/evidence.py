"""The Keras model's probabilities on the test set, stored beside the model as evidence.

The full-test-set parity check compares the int8 model with Keras on all 25,000 test reviews.
Running Keras on all of them costs minutes; its outputs are a fact about the committed model, so
they are written once by the export and read back by the test, which re-runs Keras only on a
seeded sample to show the stored file still describes the model. A small JSON beside the `.npy`
holds the file's sha256 and length, so a truncated or swapped file fails loudly.

Self-contained (numpy and the path names only), so the export and the tests can both import it cheaply.
"""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from convert.paths import MODELS_DIR

# Beside the Keras model it describes; the export rewrites both together.
KERAS_TEST_PROBS = MODELS_DIR / "keras_test_probs.npy"
DTYPE = np.dtype("<f4")  # float32, little-endian: what the models output, 100 KB for 25,000


class EvidenceError(ValueError):
    """The stored probabilities are missing, damaged or not the shape they claim."""


def record_path(path: Path) -> Path:
    """The JSON written beside `path` (`keras_test_probs.npy` -> `keras_test_probs.json`)."""
    return path.with_suffix(".json")


def write_keras_test_probs(probs: npt.ArrayLike, path: Path) -> dict[str, Any]:
    """Write `probs` (one P(positive) per test review, in dataset order) and its record."""
    array = np.ascontiguousarray(np.asarray(probs).reshape(-1), dtype=DTYPE)
    if not np.all(np.isfinite(array)) or array.min(initial=0) < 0 or array.max(initial=0) > 1:
        raise EvidenceError("probabilities must be finite and within [0, 1]")
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    data = buffer.getvalue()
    record = {
        "file": path.name,
        "count": int(array.size),
        "dtype": "float32",
        "sha256": hashlib.sha256(data).hexdigest(),
        "order": "the test split as convert.data.imdb.load returns it",
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    record_path(path).write_text(json.dumps(record, indent=2) + "\n")
    return record


def read_keras_test_probs(path: Path) -> npt.NDArray[np.float32]:
    """The stored probabilities, after checking them against their record."""
    try:
        data = path.read_bytes()
        record = json.loads(record_path(path).read_text())
    except (OSError, ValueError) as exc:
        raise EvidenceError(f"{path}: cannot read the stored Keras probabilities ({exc})") from exc
    actual = hashlib.sha256(data).hexdigest()
    if actual != record.get("sha256"):
        raise EvidenceError(f"{path}: sha256 {actual[:12]}... differs from its record")
    array = np.load(io.BytesIO(data), allow_pickle=False)
    if array.dtype != DTYPE or array.shape != (record.get("count"),):
        raise EvidenceError(f"{path}: holds {array.dtype} {array.shape}, not the recorded shape")
    return np.asarray(array, dtype=np.float32)
