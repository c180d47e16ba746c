"""What the EMF metrics cost a request and a cold start, measured side by side in one run.

    .venv/bin/python -m scripts.metrics_overhead

Warm: the same API Gateway event through `handler.lambda_function.handler` (logs bound, metrics
recorded and flushed) and through the bare Mangum adapter, taken in turns by the benchmark's own
timing (`bench.stats.time_interleaved`) so both see the same machine load; medians. Cold: the import time of Powertools Metrics in a fresh process that
has already imported FastAPI and Mangum, as the handler's import does.
"""

import contextlib
import io
import json
import statistics
import subprocess
import sys
from types import SimpleNamespace
from typing import Any

from bench.runner import EVENT, api_event
from bench.stats import time_interleaved
from handler import lambda_function
from handler.constants import BATCH_PATH, PREDICT_PATH
from handler.observability import logs

IMPORT = (
    "import time, fastapi, mangum; t = time.perf_counter(); "
    "from aws_lambda_powertools.metrics import Metrics; print(time.perf_counter() - t)"
)


def _median_us(event: dict[str, Any], context: Any, calls: int) -> tuple[float, float]:
    """Medians (us) of the event through the entry point and through the bare adapter."""
    timed = time_interleaved(
        {"hooked": lambda: lambda_function.handler(event, context),
         "bare": lambda: lambda_function._adapter(event, context)},
        warm_up=20, min_calls=calls, min_seconds=0.0,
    )  # fmt: skip
    return statistics.median(timed["hooked"]) * 1e6, statistics.median(timed["bare"]) * 1e6


def main() -> None:
    context = SimpleNamespace(aws_request_id="overhead", function_version="1")
    text = json.loads(json.loads(EVENT.read_text())["body"])["text"]
    batch = api_event(BATCH_PATH, {"texts": [text] * 64})
    logs.LOGGER.disabled = True  # the request's log line costs the same on both paths
    results = {}
    with contextlib.redirect_stdout(io.StringIO()):
        for name, event, calls in (("predict", api_event(PREDICT_PATH, {"text": text}), 3000),
                                   ("batch64", batch, 300)):  # fmt: skip
            hooked, bare = _median_us(event, context, calls)
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
