"""Names shared by the service and the infrastructure that configures it.

`infra/` sets these environment variables on the Lambda function and `handler/` reads them,
so both import the names from here and can never disagree.
"""

from typing import Final

ENV_PREFIX: Final = "SENTIMENT_"

ENV_MODEL_DIR: Final = f"{ENV_PREFIX}MODEL_DIR"
ENV_ALLOWED_ORIGINS: Final = f"{ENV_PREFIX}ALLOWED_ORIGINS"
ENV_MAX_TEXT_CHARS: Final = f"{ENV_PREFIX}MAX_TEXT_CHARS"
ENV_BULK_MAX_TEXT_CHARS: Final = f"{ENV_PREFIX}BULK_MAX_TEXT_CHARS"
ENV_MAX_BATCH_ITEMS: Final = f"{ENV_PREFIX}MAX_BATCH_ITEMS"
ENV_MAX_BODY_BYTES: Final = f"{ENV_PREFIX}MAX_BODY_BYTES"
ENV_MAX_SENTENCES: Final = f"{ENV_PREFIX}MAX_SENTENCES"
ENV_MAX_BATCH_SENTENCES: Final = f"{ENV_PREFIX}MAX_BATCH_SENTENCES"
ENV_LOG_LEVEL: Final = f"{ENV_PREFIX}LOG_LEVEL"
# Bulk jobs' text limit (handler.settings explains its ceiling): infra sets it from CDK context.
BULK_MAX_TEXT_CHARS: Final = 100_000
BULK_MAX_TEXT_CHARS_CEILING: Final = 200_000
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

# The API's routes (docs/api-contract.md): the app serves them, infra routes them to the
# function, and the smoke check, the bench and the tests call them.
API_PREFIX: Final = "/v1"
PREDICT_PATH: Final = f"{API_PREFIX}/predict"
BATCH_PATH: Final = f"{API_PREFIX}/predict/batch"
HEALTH_PATH: Final = f"{API_PREFIX}/health"
MODEL_PATH: Final = f"{API_PREFIX}/model"
MODEL_CARD_PATH: Final = f"{API_PREFIX}/model/card"

# The service's name on its log lines (Powertools Logger's `service`).
SERVICE_NAME: Final = "sentiment"

# The CloudWatch metrics handler/observability/metrics.py emits and infra/ graphs and alarms on.
METRIC_NAMESPACE: Final = "SentimentService"
METRIC_DIMENSION: Final = "model_version"
METRIC_POSITIVE: Final = "PositivePredictions"
METRIC_NEGATIVE: Final = "NegativePredictions"
METRIC_NEAR_THRESHOLD: Final = "NearThresholdPredictions"
METRIC_TEXT_LENGTH: Final = "TextLength"
METRIC_BATCH_SIZE: Final = "BatchSize"
# Powertools Metrics' own cold-start metric: a line of its own, dimension `function_name` only.
METRIC_COLD_START: Final = "ColdStart"
METRIC_COLD_START_DIMENSION: Final = "function_name"
METRIC_SERVER_ERROR: Final = "ServerError"
# Upper edges of the probability histogram's buckets; the last bucket includes 1.0.
BUCKET_EDGES: Final = (0.2, 0.4, 0.6, 0.8, 1.0)


def label_of(probability: float) -> str:
    """The label the service gives a probability."""
    return LABELS[int(probability >= THRESHOLD)]


def bucket_name(upper: float) -> str:
    """`Probability00To20` for the bucket [0.0, 0.2), and so on (percent, two digits)."""
    index = BUCKET_EDGES.index(upper)
    lower = 0.0 if index == 0 else BUCKET_EDGES[index - 1]
    return f"Probability{round(lower * 100):02d}To{round(upper * 100):02d}"


# The histogram's metrics, one per bucket.
METRIC_BUCKETS: Final = tuple(bucket_name(edge) for edge in BUCKET_EDGES)
