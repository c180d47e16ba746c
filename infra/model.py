"""The model this deploy ships, as its manifest names it.

Read through the service's `Manifest` (pure Python and numpy), so a damaged manifest stops a
deploy with the error that would stop the function; `cdk synth` still loads neither Powertools
nor LiteRT.
"""

from pathlib import Path

from handler.constants import MANIFEST_FILE
from handler.inference.manifest import Manifest
from handler.inference.paths import MODEL_DIR


def shipped_model_version(model_dir: Path = MODEL_DIR) -> str:
    """`model_version` from the manifest in `model_dir` (the one the image ships by default)."""
    return Manifest.read(model_dir / MANIFEST_FILE).model_version
