"""Where the model's files lie: the one path the Lambda image holds (repository paths: `scripts.paths`)."""

from pathlib import Path
from typing import Final

from handler import constants

MODEL_DIR: Final = Path(__file__).resolve().parent.parent / "model"
SHIPPED_MANIFEST: Final = MODEL_DIR / constants.MANIFEST_FILE
