"""The served runtime, warm: `python -m bench.warm_lite JOB FD` (model folder from the environment).

Runs in the virtualenv of handler/requirements.txt, so it uses nothing else: requests go through
the Lambda entry point as API Gateway events, one at a time, as Lambda sends them, in turns with
the same work without the app (encode and model, as the route calls them; each alone), so that
the goals' differences and ratios compare calls that met the same moments of a busy machine.
Then the interpreter alone on batches.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.cold_child import LAMBDA_CONTEXT, peak_rss_mib, reply
from bench.stats import latency, throughput, time_interleaved
from bench.warm import batches


def invoker(
    handler: Callable[[dict[str, Any], Any], dict[str, Any]], event: dict[str, Any]
) -> Callable[[], None]:
    def invoke() -> None:
        response = handler(event, LAMBDA_CONTEXT)
        if response["statusCode"] != 200:
            raise RuntimeError(f"handler answered {response['statusCode']}: {response['body']}")

    return invoke


def main(argv: list[str]) -> int:
    job_path, fd = argv
    job = json.loads(Path(job_path).read_text())
    from handler import constants, lambda_function
    from handler.predictor import LitePredictor
    from handler.runtime import TfliteModel
    from handler.text import Encoder

    # The service logs one line per request; here that would only fill the pipe to /dev/null.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    predictor = LitePredictor.load(Path(os.environ[constants.ENV_MODEL_DIR]))
    encoder = Encoder.load(Path(job["vocab"]))
    # One thread, as the handler's interpreter runs.
    runtime = TfliteModel(Path(job["int8_model"]), num_threads=1)
    text, texts = [job["text"]], job["batch_event_texts"]
    ids = encoder.encode(text)
    singles = time_interleaved(
        {
            "mangum": invoker(lambda_function.handler, job["event"]),
            "encode_model": lambda: predictor.predict(text),
            "encode_single": lambda: encoder.encode(text),
            "model_single": lambda: runtime.predict(ids),
        },
        warm_up=job["warm_up"],
        min_calls=job["requests"],
        min_seconds=0.0,
    )
    route = time_interleaved(
        {
            "route": invoker(lambda_function.handler, job["batch_event"]),
            "encode_model": lambda: predictor.predict(texts),
        },
        warm_up=2,
        min_calls=job["min_calls"],
        min_seconds=job["min_seconds"],
    )
    result = {
        **{name: latency(durations) for name, durations in singles.items()},
        "tflite": batches(job, runtime.predict, encoder.encode),
        "route": {
            "route": throughput(len(texts), route["route"]),
            "encode_model": throughput(len(texts), route["encode_model"]),
        },
        "peak_rss_mib": peak_rss_mib(),
    }
    reply(int(fd), result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
