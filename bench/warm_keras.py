"""The original path, warm: `python -m bench.warm_keras JOB FD`.

Single reviews are timed both through `model.predict` (what the original project called) and
through `model(x, training=False)`, which skips predict's per-call setup; both include encoding,
as a request through the served app does.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.cold_child import peak_rss_mib, reply
from bench.stats import latency, time_calls
from bench.warm import batches


def main(argv: list[str]) -> int:
    job_path, fd = argv
    job = json.loads(Path(job_path).read_text())
    import keras

    import convert.models  # noqa: F401  # registers the constraint the saved model refers to
    from convert.export import feed
    from handler.text import Encoder

    model = keras.models.load_model(job["keras_model"])
    encoder = Encoder.load(Path(job["vocab"]))
    text = [job["text"]]
    timing = {"warm_up": job["warm_up"], "min_calls": job["requests"], "min_seconds": 0.0}

    def predict_batch(x: dict[str, Any]) -> object:
        # One step per call: batch_size is the number of rows given.
        rows = len(next(iter(x.values())))
        return model.predict(feed(model, x), batch_size=rows, verbose=0)

    def encode(texts: Sequence[str]) -> dict[str, Any]:
        return encoder.encode(texts)

    result = {
        "predict_single": latency(
            time_calls(lambda: model.predict(feed(model, encode(text)), verbose=0), **timing)
        ),
        "call_single": latency(
            time_calls(
                lambda: np.asarray(model(feed(model, encode(text)), training=False)), **timing
            )
        ),
        "predict": batches(job, predict_batch, encode),
        "peak_rss_mib": peak_rss_mib(),
    }
    reply(int(fd), result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
