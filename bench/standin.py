"""Stand-in artifacts for developing the benchmark without the trained model.

`python -m bench.standin build/bench-fixture` trains the tiny synthetic model (about 30 s), writes
the three artifacts a training run produces (the handler's model folder, the Keras file and the
float TFLite model) and prints the options that point `python -m bench` at them. Figures measured
on it say nothing about the real model.
"""

from __future__ import annotations

import sys
from pathlib import Path

from bench.artifacts import Artifacts
from convert.paths import FLOAT_MODEL, KERAS_MODEL
from handler.inference.paths import MODEL_DIR


def build(out_dir: Path) -> Artifacts:
    """Train the tiny model; its artifacts under `out_dir`, named as a training run names them."""
    import keras  # TensorFlow only here, so the benchmark's own process never imports it

    from convert.export import tiny
    from convert.export.artifacts import to_tflite

    found = Artifacts(*(out_dir / p.name for p in (MODEL_DIR, KERAS_MODEL, FLOAT_MODEL)))
    out_dir.mkdir(parents=True, exist_ok=True)
    tiny.build(found.model_dir, keras_path=found.keras_model)
    # tiny.build keeps its float conversion to itself: convert again, as the training run does.
    found.float_model.write_bytes(to_tflite(keras.models.load_model(found.keras_model)))
    return found


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: python -m bench.standin OUT_DIR\n{__doc__}")
    made = build(Path(sys.argv[1]))
    print(f"--model-dir {made.model_dir} --keras-model {made.keras_model} "
          f"--float-model {made.float_model}")  # fmt: skip
