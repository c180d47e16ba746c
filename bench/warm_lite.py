"""The served runtime, warm: `python -m bench.warm_lite JOB FD` (model folder from the environment).

Requests go through the whole app in-process, once over ASGI and once as Lambda invocations
through Mangum; then the int8 interpreter alone on batches.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench.cold_child import LAMBDA_CONTEXT, peak_rss_mib, reply
from bench.stats import latency, time_calls
from bench.warm import batches


async def asgi_requests(app: Any, body: bytes, count: int, warm_up: int) -> list[float]:
    """Durations of POST /v1/predict through httpx's in-process ASGI transport."""
    durations = []
    transport = httpx.ASGITransport(app=app)
    headers = {"content-type": "application/json"}
    async with httpx.AsyncClient(transport=transport, base_url="http://bench.local") as client:
        for i in range(warm_up + count):
            started = time.perf_counter()
            response = await client.post("/v1/predict", content=body, headers=headers)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise RuntimeError(f"ASGI answered {response.status_code}: {response.text}")
            if i >= warm_up:
                durations.append(elapsed)
    return durations


def lambda_invocations(
    handler: Callable[[dict[str, Any], Any], dict[str, Any]], event: dict[str, Any], job: Any
) -> list[float]:
    def invoke() -> None:
        response = handler(event, LAMBDA_CONTEXT)
        if response["statusCode"] != 200:
            raise RuntimeError(f"handler answered {response['statusCode']}: {response['body']}")

    return time_calls(invoke, warm_up=job["warm_up"], min_calls=job["requests"], min_seconds=0)


def main(argv: list[str]) -> int:
    job_path, fd = argv
    job = json.loads(Path(job_path).read_text())
    from handler import lambda_function
    from handler.runtime import TfliteModel
    from handler.text import Encoder

    body = json.dumps({"text": job["text"]}).encode()
    asgi = asyncio.run(asgi_requests(lambda_function.app, body, job["requests"], job["warm_up"]))
    mangum = lambda_invocations(lambda_function.handler, job["event"], job)
    encoder = Encoder.load(Path(job["vocab"]))
    # One thread, as the handler's interpreter runs.
    runtime = TfliteModel(Path(job["int8_model"]), num_threads=1)
    encode_one = time_calls(
        lambda: encoder.encode([job["text"]]),
        warm_up=job["warm_up"],
        min_calls=job["requests"],
        min_seconds=0,
    )
    result = {
        "asgi": latency(asgi),
        "mangum": latency(mangum),
        "encode_single": latency(encode_one),
        "tflite": batches(job, runtime.predict, encoder.encode),
        "peak_rss_mib": peak_rss_mib(),
    }
    reply(int(fd), result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
