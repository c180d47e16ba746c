"""Names and sizes that the bulk job's function and its infrastructure (infra/bulk.py) share.

Imports nothing, so `cdk synth` reads them without loading the model's runtime.
"""

from typing import Final

# The function's bucket: infra/bulk.py sets it, and the function touches no other.
ENV_BUCKET: Final = "SENTIMENT_BULK_BUCKET"
IN_PREFIX: Final = "in/"
OUT_PREFIX: Final = "out/"
# Texts go to the model in groups of this many consecutive records, aligned to multiples of it
# in the file, so an AWS batch and a local chunk put every text in the same model call (the
# float head can differ in the last bit between batch shapes). The API's own batch limit.
SCORE_BATCH: Final = 64
# Records per local task and per AWS batch (the Map's ItemBatcher): a multiple of SCORE_BATCH.
CHUNK: Final = 8 * SCORE_BATCH
