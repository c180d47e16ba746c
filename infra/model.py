"""The model this deploy ships, as its manifest names it.

Read here rather than through the service's modules: infra/ imports only the service's constants
and paths, never a module the function runs, so `cdk synth` loads neither Powertools nor LiteRT.
"""

import json
from pathlib import Path

from handler.constants import MANIFEST_FILE
from handler.inference.paths import MODEL_DIR


def shipped_model_version(model_dir: Path = MODEL_DIR) -> str:
    """`model_version` from the manifest in `model_dir` (the one the image ships by default)."""
    manifest = json.loads((model_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    return str(manifest["model_version"])
