"""Where a checkout keeps things, defined once for every package that needs a path.

The Lambda image holds `handler/` alone, so there only `MODEL_DIR` points at something real;
the other paths are for the local server, the offline pipeline, the bench, infra and tests.
"""

from pathlib import Path
from typing import Final

from handler import constants

HANDLER_DIR: Final = Path(__file__).resolve().parent
MODEL_DIR: Final = HANDLER_DIR / "model"
REPO_ROOT: Final = HANDLER_DIR.parent
FRONTEND_DIR: Final = REPO_ROOT / "frontend"
REPORTS_DIR: Final = REPO_ROOT / "reports"
DOCS_DIR: Final = REPO_ROOT / "docs"
# The Keras model and its float TFLite twin: evidence for the parity tests and the bench,
# written by `python -m convert train`, never shipped in the image.
MODELS_DIR: Final = REPO_ROOT / "models"
KERAS_MODEL: Final = MODELS_DIR / "sentiment.keras"
FLOAT_MODEL: Final = MODELS_DIR / "sentiment_float.tflite"
REQUIREMENTS: Final = HANDLER_DIR / "requirements.txt"
SHIPPED_MANIFEST: Final = MODEL_DIR / constants.MANIFEST_FILE
