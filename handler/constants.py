"""Names shared by the service and the infrastructure that configures it.

`infra/` sets these environment variables on the Lambda function and `handler/` reads them,
so both import the names from here and can never disagree.
"""

from typing import Final

ENV_PREFIX: Final = "SENTIMENT_"

ENV_MODEL_DIR: Final = f"{ENV_PREFIX}MODEL_DIR"
ENV_ALLOWED_ORIGINS: Final = f"{ENV_PREFIX}ALLOWED_ORIGINS"
ENV_MAX_TEXT_CHARS: Final = f"{ENV_PREFIX}MAX_TEXT_CHARS"
ENV_MAX_BATCH_ITEMS: Final = f"{ENV_PREFIX}MAX_BATCH_ITEMS"
ENV_MAX_BODY_BYTES: Final = f"{ENV_PREFIX}MAX_BODY_BYTES"
ENV_LOG_LEVEL: Final = f"{ENV_PREFIX}LOG_LEVEL"
ENV_ROOT_PATH: Final = f"{ENV_PREFIX}ROOT_PATH"

MODEL_FILE: Final = "sentiment.tflite"
VOCAB_FILE: Final = "vocab.npz"
MANIFEST_FILE: Final = "manifest.json"
# The model card travels with the model (as on a model hub); reports/ holds the same text.
MODEL_CARD_FILE: Final = "model-card.md"

# Published next to the page at deploy time; the page reads the API's base URL from it.
FRONTEND_CONFIG_FILE: Final = "config.json"

LABELS: Final = ("negative", "positive")

# An allowed origin: scheme://host[:port], nothing after it, which is all a browser sends as
# Origin. The service checks its setting against it and infra checks its context with it.
ORIGIN_PATTERN: Final = r"https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?"

# A probability at or above this is "positive"; training, export checks and the API share it.
THRESHOLD: Final = 0.5


def label_of(probability: float) -> str:
    """The label the service gives a probability."""
    return LABELS[int(probability >= THRESHOLD)]
