"""What the EMF metrics cost a request and a cold start, measured side by side in one run.

    .venv/bin/python -m scripts.metrics_overhead

Warm: the same API Gateway event through `handler.lambda_function.handler` (logs bound, metrics
recorded and flushed) and through the bare Mangum adapter, interleaved in rounds so both see the
same machine load; medians. Cold: the import time of Powertools Metrics in a fresh process that
has already imported FastAPI and Mangum, as the handler's import does.
"""

import contextlib
import io
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

from handler import lambda_function, logs
from handler.paths import REPO_ROOT

EVENT = REPO_ROOT / "tests" / "events" / "http_api_v2_predict.json"
IMPORT = (
    "import time, fastapi, mangum; t = time.perf_counter(); "
    "from aws_lambda_powertools.metrics import Metrics; print(time.perf_counter() - t)"
)


def _batch(single: dict) -> dict:
    event = json.loads(json.dumps(single))
    event["body"] = json.dumps({"texts": [json.loads(single["body"])["text"]] * 64})
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/v1/predict/batch"
    event["headers"]["content-length"] = str(len(event["body"]))
    return event


def _median_us(
    fn: Callable[..., Any], event: dict[str, Any], context: Any, rounds: int, per_round: int
) -> tuple[float, float]:
    hooked: list[float] = []
    bare: list[float] = []
    for _ in range(rounds):
        for target, out in ((fn, hooked), (lambda_function._adapter, bare)):
            for _ in range(per_round):
                started = time.perf_counter()
                target(event, context)
                out.append((time.perf_counter() - started) * 1e6)
    return statistics.median(hooked), statistics.median(bare)


def main() -> None:
    context = SimpleNamespace(aws_request_id="overhead", function_version="1")
    single = json.loads(EVENT.read_text())
    logs.LOGGER.disabled = True  # the request's log line costs the same on both paths
    results = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for name, event, per_round in (("predict", single, 300), ("batch64", _batch(single), 30)):
            _median_us(lambda_function.handler, event, context, 1, 20)  # warm both paths up
            hooked, bare = _median_us(lambda_function.handler, event, context, 10, per_round)
            results[name] = {"with_metrics_us": round(hooked, 1), "without_us": round(bare, 1),
                             "ratio": round(hooked / bare, 3)}  # fmt: skip
    imports = [
        float(subprocess.run([sys.executable, "-c", IMPORT], capture_output=True, text=True,
                             check=True).stdout)
        for _ in range(5)
    ]  # fmt: skip
    results["powertools_import_ms_median_of_5"] = round(statistics.median(imports) * 1000, 1)
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
