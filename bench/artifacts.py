"""The three models under test, and what their files and the manifest say about them."""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handler import constants

SCORED = ("keras", "float_tflite", "int8")


class MissingArtifactError(FileNotFoundError):
    """A model file the benchmark needs is not there."""


@dataclass(frozen=True)
class Artifacts:
    model_dir: Path  # what the image ships: int8 model, vocabulary, manifest
    keras_model: Path
    float_model: Path

    def check(self, *, keras: bool = True) -> None:
        """Fail before any measurement, naming the file and how to make it."""
        needed = (self.manifest_path, self.float_model, *((self.keras_model,) if keras else ()))
        for path in needed:
            if not path.is_file():
                raise MissingArtifactError(
                    f"{path} not found: run `make train`, or pass stand-ins made by "
                    "`python -m bench.standin build/bench-fixture`"
                )

    @property
    def manifest_path(self) -> Path:
        return self.model_dir / constants.MANIFEST_FILE

    def manifest(self) -> dict[str, Any]:
        return dict(json.loads(self.manifest_path.read_text()))

    def file(self, kind: str) -> Path:
        """The model or vocab file that the manifest names."""
        return self.model_dir / str(self.manifest()["files"][kind]["name"])

    def sizes(self) -> dict[str, int]:
        """Bytes of each model file, and of the vocabulary the TFLite and Keras paths both read."""
        return {
            "keras": self.keras_model.stat().st_size,
            "float_tflite": self.float_model.stat().st_size,
            "int8_tflite": self.file("model").stat().st_size,
            "vocab": self.file("vocab").stat().st_size,
        }

    def accuracy(self) -> dict[str, Any]:
        """The accuracies the training run measured and wrote into the manifest."""
        metrics = self.manifest().get("metrics", {})
        scores = metrics.get("scores", {})
        return {
            "split": metrics.get("split"),
            "model_version": self.manifest().get("model_version"),
            **{name: scores.get(name, {}).get("accuracy") for name in SCORED},
        }

    def float_copy(self, dest: Path) -> Path:
        """A model folder serving the float model: same vocabulary, manifest hashes updated.

        The handler checks every file against the manifest at load, so the float model can only
        be served through a manifest that names its hash.
        """
        dest.mkdir(parents=True, exist_ok=True)
        manifest = self.manifest()
        data = self.float_model.read_bytes()
        entry = manifest["files"]["model"]
        (dest / str(entry["name"])).write_bytes(data)
        shutil.copyfile(self.file("vocab"), dest / self.file("vocab").name)
        entry.update(sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
        manifest["model_version"] = f"{manifest['model_version']}-float32-bench"
        manifest["quantization"] = "none (float32 copy for the benchmark)"
        (dest / constants.MANIFEST_FILE).write_text(json.dumps(manifest, indent=2))
        return dest
