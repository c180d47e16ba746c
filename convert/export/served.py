"""The served model's export: the one test-set look, Keras, float TFLite and int8 side by side."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import numpy.typing as npt

from convert.data.prepare import SEED, Encoded
from convert.evaluate.metrics import Scores
from convert.export.artifacts import Checked, export_and_check
from convert.export.predict import sample
from convert.train.fit import log
from convert.train.served import Trained
from handler.inference.calibration import Head
from handler.inference.encoder import Encoder
from handler.inference.manifest import Manifest

CALIBRATION_SAMPLES = 500  # training reviews that set the int8 ranges
ARCHITECTURE = "sentence-cnn-ngram"


def export(
    trained: Trained,
    encoder: Encoder,
    fit: Encoded,
    val: Encoded,
    test: Encoded,
    head: Head,
    model_dir: Path,
    keras_path: Path,
    float_path: Path,
) -> tuple[Manifest, dict[str, npt.NDArray[np.float64]]]:
    """The one test-set look for the served model: Keras, float TFLite and int8 side by side.

    `test` must carry its known-word counts (`Encoded.of(..., known=True)`): they pick the head.
    The manifest comes back unwritten: the pipeline adds the evaluation, then writes it once.
    """
    assert test.known is not None, "the test split needs its known-word counts"
    manifest, probs = export_and_check(
        trained.model,
        encoder,
        calibration_rows=sample(fit.inputs, CALIBRATION_SAMPLES, SEED),
        checked=Checked("test (25,000 reviews)", test.inputs, test.labels, test.known),
        head=head,
        model_dir=model_dir,
        keras_path=keras_path,
        float_path=float_path,
        architecture=ARCHITECTURE,
        training={
            "runs": {r.name: r.config for r in trained.runs},
            "seed": SEED,
            "fit_reviews": len(fit),
            "validation_reviews": len(val),
        },
    )
    for name, p in probs.items():
        log(f"export: TEST {name} accuracy {Scores.of(p, test.labels).accuracy:.4f}")
    return manifest, probs
