"""The int8 model the API serves must behave like the Keras model it came from.

Two tiers: a tiny model trained here in seconds goes through the same export (always runs, so the
pipeline itself is tested), and the shipped artifacts are checked on all 25,000 test reviews
whenever the dataset is available (CI passes it).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import keras
import numpy as np
import pytest

from convert import tiny
from convert.data import ENV_DATA, load
from convert.export import Scores, agreement, keras_predict, tflite_predict, to_tflite
from handler import constants
from handler.text import Encoder

ROOT = Path(__file__).resolve().parents[2]
MODEL_DIR = ROOT / "handler" / "model"
KERAS_MODEL = ROOT / "models" / "sentiment.keras"

# The parity contract (issue 3): int8 vs Keras, and float TFLite vs Keras.
MIN_LABEL_AGREEMENT = 0.995
MAX_MEAN_ABS_DP = 0.01
MAX_ACCURACY_DROP = 0.003
MAX_FLOAT_ABS_DP = 1e-4


def check_parity(
    keras_p: np.ndarray, float_p: np.ndarray, int8_p: np.ndarray, labels: np.ndarray
) -> dict:
    q = agreement(keras_p, int8_p)
    f = agreement(keras_p, float_p)
    drop = Scores.of(keras_p, labels).accuracy - Scores.of(int8_p, labels).accuracy
    assert q["label_agreement"] >= MIN_LABEL_AGREEMENT, q
    assert q["mean_abs_dp"] <= MAX_MEAN_ABS_DP, q
    assert drop <= MAX_ACCURACY_DROP, f"int8 loses {drop * 100:.2f} accuracy points"
    assert f["max_abs_dp"] <= MAX_FLOAT_ABS_DP, f
    return {"int8": q, "float": f, "drop": drop}


@pytest.fixture(scope="module")
def tiny_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict]:
    out = tmp_path_factory.mktemp("tiny")
    manifest = tiny.build(out / "model", keras_path=out / "tiny.keras")
    return out / "model", out / "tiny.keras", manifest


def test_tiny_model_passes_the_parity_contract(tiny_build: tuple[Path, Path, dict]) -> None:
    model_dir, keras_path, _ = tiny_build
    texts, labels = tiny.synthetic_reviews(300, seed=99)  # reviews the model never saw
    encoder = Encoder.load(model_dir / constants.VOCAB_FILE)
    x = encoder.encode(texts)
    model = keras.models.load_model(keras_path)
    keras_p = keras_predict(model, x)
    check_parity(
        keras_p,
        tflite_predict(to_tflite(model), x),
        tflite_predict(model_dir / constants.MODEL_FILE, x),
        labels,
    )
    assert (
        Scores.of(keras_p, labels).accuracy > 0.75
    )  # it learned something, so parity is not trivial


def test_manifest_records_what_the_files_are(tiny_build: tuple[Path, Path, dict]) -> None:
    import hashlib

    model_dir, _, manifest = tiny_build
    on_disk = json.loads((model_dir / constants.MANIFEST_FILE).read_text())
    assert on_disk == manifest
    for entry in manifest["files"].values():
        data = (model_dir / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["bytes"]
    assert manifest["labels"] == {"negative": 0, "positive": 1}
    assert manifest["inputs"] == {"words": tiny.SEQ_LEN, "ngrams": tiny.NGRAM_LEN}


def test_int8_export_uses_only_integer_kernels(tiny_build: tuple[Path, Path, dict]) -> None:
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_path=str(tiny_build[0] / constants.MODEL_FILE))
    interp.allocate_tensors()
    float_ops = {
        d["op_name"]
        for d in interp._get_ops_details()
        if any(interp.get_tensor_details()[i]["dtype"] == np.float32 for i in d["inputs"] if i >= 0)
    }
    # The only float step allowed is the final dequantize of the probability.
    assert float_ops <= {"DEQUANTIZE"}, float_ops


@pytest.mark.dataset
def test_shipped_model_matches_keras_on_the_full_test_set() -> None:
    path = os.environ.get(ENV_DATA)
    if not path:
        pytest.skip(f"{ENV_DATA} is not set: the full-test-set parity check needs the dataset")
    manifest = json.loads((MODEL_DIR / constants.MANIFEST_FILE).read_text())
    if manifest["architecture"].startswith("tiny"):
        pytest.fail("handler/model holds the tiny fixture model, not the trained one")
    imdb = load(path)
    labels = np.array([r.label for r in imdb.test])
    encoder = Encoder.load(MODEL_DIR / constants.VOCAB_FILE)
    x = encoder.encode([r.text for r in imdb.test])
    model = keras.models.load_model(KERAS_MODEL)
    keras_p = keras_predict(model, x)
    int8_p = tflite_predict(MODEL_DIR / constants.MODEL_FILE, x)
    float_p = tflite_predict(KERAS_MODEL.parent / "sentiment_float.tflite", x)
    check_parity(keras_p, float_p, int8_p, labels)
    # The manifest's figures are the ones these files produce, not typed-in numbers.
    recorded = manifest["metrics"]["scores"]
    assert Scores.of(int8_p, labels).accuracy == pytest.approx(
        recorded["int8"]["accuracy"], abs=1e-9
    )
    assert Scores.of(keras_p, labels).accuracy == pytest.approx(
        recorded["keras"]["accuracy"], abs=2e-4
    )
