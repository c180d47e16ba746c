"""Stand-in artifacts for developing the benchmark without the trained model.

`python -m bench.standin build/bench-fixture` trains the tiny synthetic model (about 30 s) and
writes the same three artifacts the training run produces: the handler's model folder, the Keras
file and the float TFLite model, and prints the options that point `python -m bench` at them.
Figures measured on it say nothing about the real model.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.artifacts import Artifacts
from convert.paths import FLOAT_MODEL, KERAS_MODEL
from handler.paths import MODEL_DIR


def build(out_dir: Path) -> Artifacts:
    """Train the tiny model and write its artifacts under `out_dir`, laid out like handler/model
    and models/ of a real training run."""
    # TensorFlow only here, so the benchmark's own process never imports it.
    import keras

    from convert import tiny
    from convert.export import to_tflite

    found = Artifacts(*(out_dir / p.name for p in (MODEL_DIR, KERAS_MODEL, FLOAT_MODEL)))
    out_dir.mkdir(parents=True, exist_ok=True)
    tiny.build(found.model_dir, keras_path=found.keras_model)
    # tiny.build keeps its float conversion to itself; convert the saved model again, exactly
    # as the training pipeline does for convert.paths.FLOAT_MODEL.
    found.float_model.write_bytes(to_tflite(keras.models.load_model(found.keras_model)))
    return found


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: python -m bench.standin OUT_DIR\n{__doc__}")
    made = build(Path(sys.argv[1]))
    print(
        f"--model-dir {made.model_dir} --keras-model {made.keras_model} --float-model {made.float_model}"
    )
