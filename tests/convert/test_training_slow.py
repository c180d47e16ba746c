"""The slow tier (`make test-slow`): retrain the served model from the dataset, end to end.

About twenty minutes on two cores, so it is kept out of the default run; the default run checks the
committed artifacts instead (test_parity.py).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from convert.data.imdb import ENV_DATA, load, sentences_folder
from convert.pipeline import Paths, run_all
from handler import constants
from handler.inference.manifest import Manifest
from handler.inference.paths import SHIPPED_MANIFEST

pytestmark = [pytest.mark.slow, pytest.mark.dataset]


def test_served_model_retrains_to_the_shipped_quality(tmp_path: Path) -> None:
    path = os.environ.get(ENV_DATA)
    if not path:
        pytest.fail(f"{ENV_DATA} must point at the IMDb archive for the slow tier")
    paths = Paths(
        model_dir=tmp_path / "model",
        keras_model=tmp_path / "sentiment.keras",
        float_model=tmp_path / "sentiment_float.tflite",
        keras_test_probs=tmp_path / "keras_test_probs.npy",
        results=tmp_path / "results.json",
        sentences=sentences_folder(path),
    )
    run_all(load(path, with_unsup=True), paths, with_compared=False)
    metrics = Manifest.read(tmp_path / "model" / constants.MANIFEST_FILE).metrics
    shipped = Manifest.read(SHIPPED_MANIFEST).metrics
    got = metrics["scores"]["int8"]["accuracy"]
    want = shipped["scores"]["int8"]["accuracy"]
    # Seeds are fixed, but threaded float sums on CPU are not bit-reproducible.
    assert got == pytest.approx(want, abs=0.005)
    assert metrics["agreement_with_keras"]["int8"]["label_agreement"] >= 0.995
