"""Stand-in artifacts for developing the benchmark without the trained model.

`python -m bench.standin build/bench-fixture` trains the tiny synthetic model (about 30 s) and
writes the same three artifacts the training run produces: the handler's model folder, the Keras
file and the float TFLite model. Figures measured on it say nothing about the real model.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.artifacts import Artifacts
from convert.paths import FLOAT_MODEL, KERAS_MODEL
from handler.paths import MODEL_DIR


def paths(out_dir: Path) -> Artifacts:
    """Where `build` writes, laid out like handler/model and models/ of a real training run."""
    return Artifacts(
        out_dir / MODEL_DIR.name, out_dir / KERAS_MODEL.name, out_dir / FLOAT_MODEL.name
    )


def build(out_dir: Path) -> Artifacts:
    """Train the tiny model and write its artifacts under `out_dir`."""
    # TensorFlow only here, so the benchmark's own process never imports it.
    import keras

    from convert import tiny
    from convert.export import to_tflite

    found = paths(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tiny.build(found.model_dir, keras_path=found.keras_model)
    # tiny.build keeps its float conversion to itself; convert the saved model again, exactly
    # as the training pipeline does for convert.paths.FLOAT_MODEL.
    found.float_model.write_bytes(to_tflite(keras.models.load_model(found.keras_model)))
    return found


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.standin", description=__doc__)
    parser.add_argument("out_dir", type=Path, help="folder to write (e.g. build/bench-fixture)")
    found = build(parser.parse_args(argv).out_dir)
    print(
        f"--model-dir {found.model_dir} --keras-model {found.keras_model} "
        f"--float-model {found.float_model}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
