"""The three models under test, and what their files and the manifest say about them."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from handler.constants import MANIFEST_FILE
from handler.inference.manifest import FileEntry, Manifest

SCORED = ("keras", "float_tflite", "int8")
HOW_TO_MAKE = "run `make train`, or pass stand-ins made by `python -m bench.standin DIR`"


class MissingArtifactError(FileNotFoundError):
    """A model file the benchmark needs is not there."""


@dataclass(frozen=True)
class Artifacts:
    model_dir: Path  # what the image ships: int8 model, vocabulary, manifest
    keras_model: Path
    float_model: Path

    def check(self, *, keras: bool = True) -> None:
        """Fail before any measurement, naming the file and how to make it."""
        needed = [self.model_dir / MANIFEST_FILE, self.float_model]
        for path in [*needed, self.keras_model] if keras else needed:
            if not path.is_file():
                raise MissingArtifactError(f"{path} not found: {HOW_TO_MAKE}")

    def manifest(self) -> Manifest:
        return Manifest.read(self.model_dir / MANIFEST_FILE)

    def file(self, kind: str) -> Path:
        """The model or vocab file that the manifest names."""
        return self.manifest().file_path(self.model_dir, kind)

    def sizes(self) -> dict[str, int]:
        """Bytes of each model file, and of the vocabulary the TFLite and Keras paths both read."""
        files = {"keras": self.keras_model, "float_tflite": self.float_model,
                 "int8_tflite": self.file("model"), "vocab": self.file("vocab")}  # fmt: skip
        return {name: path.stat().st_size for name, path in files.items()}

    def accuracy(self) -> dict[str, Any]:
        """The accuracies the training run measured and wrote into the manifest."""
        manifest = self.manifest()
        metrics = manifest.metrics
        scores = {name: metrics.get("scores", {}).get(name, {}).get("accuracy") for name in SCORED}
        return {"split": metrics.get("split"), "model_version": manifest.model_version,
                **scores}  # fmt: skip

    def float_copy(self, dest: Path) -> Path:
        """A model folder serving the float model: the handler checks every file against the
        manifest at load, so it gets the same vocabulary and a manifest with the float's hash."""
        dest.mkdir(parents=True, exist_ok=True)
        manifest, data = self.manifest(), self.float_model.read_bytes()
        name = manifest.files["model"].name
        (dest / name).write_bytes(data)
        shutil.copyfile(self.file("vocab"), dest / self.file("vocab").name)
        model = FileEntry(name=name, sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))
        dataclasses.replace(
            manifest,
            model_version=f"{manifest.model_version}-float32-bench",
            quantization="none (float32 copy for the benchmark)",
            files={**manifest.files, "model": model},
        ).write(dest / MANIFEST_FILE)
        return dest
