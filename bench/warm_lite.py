"""The served runtime, warm: `python -m bench.warm_lite JOB FD` (model folder from the environment).

Runs in the virtualenv of handler/requirements.txt, so it uses nothing else: requests go through
the Lambda entry point as API Gateway events, one at a time, as Lambda sends them. Then the same
work without the app (encode and model, as the route calls them), and the interpreter on batches.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.cold_child import LAMBDA_CONTEXT, peak_rss_mib, reply
from bench.stats import latency, throughput, time_calls
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
    singles = {"warm_up": job["warm_up"], "min_calls": job["requests"], "min_seconds": 0.0}
    mangum = time_calls(invoker(lambda_function.handler, job["event"]), **singles)
    route = time_calls(
        invoker(lambda_function.handler, job["batch_event"]),
        warm_up=2,
        min_calls=job["min_calls"],
        min_seconds=job["min_seconds"],
    )
    predictor = LitePredictor.load(Path(os.environ[constants.ENV_MODEL_DIR]))
    encoder = Encoder.load(Path(job["vocab"]))
    # One thread, as the handler's interpreter runs.
    runtime = TfliteModel(Path(job["int8_model"]), num_threads=1)
    ids = encoder.encode([job["text"]])
    result = {
        "mangum": latency(mangum),
        "encode_model": latency(time_calls(lambda: predictor.predict([job["text"]]), **singles)),
        "encode_single": latency(time_calls(lambda: encoder.encode([job["text"]]), **singles)),
        "model_single": latency(time_calls(lambda: runtime.predict(ids), **singles)),
        "tflite": batches(job, runtime.predict, encoder.encode),
        "route": throughput(len(job["batch_event_texts"]), route),
        "peak_rss_mib": peak_rss_mib(),
    }
    reply(int(fd), result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
