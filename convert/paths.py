"""Where the checkout keeps what never goes into the image: the pipeline's evidence, reports, docs.

`handler.inference.paths` holds the path the service itself uses and `scripts.paths` the checkout's root; these are for the offline pipeline, the
bench and the tests, which run from a checkout.
"""

from typing import Final

from scripts.paths import REPO_ROOT

REPORTS_DIR: Final = REPO_ROOT / "reports"
DOCS_DIR: Final = REPO_ROOT / "docs"
# The Keras model and its float TFLite twin: evidence for the parity tests and the bench,
# written by `python -m convert train`.
MODELS_DIR: Final = REPO_ROOT / "models"
KERAS_MODEL: Final = MODELS_DIR / "sentiment.keras"
FLOAT_MODEL: Final = MODELS_DIR / "sentiment_float.tflite"
