"""A cold start imports what the first answer needs and nothing more.

The floor is what any such service pays: numpy, LiteRT, FastAPI, Mangum and Powertools (the
benchmark's floor, bench/child.py, plus Powertools). A fresh interpreter imports that first, then
the entry point, and answers one event; every module it loaded beyond the floor must be named
below with the reason the first answer needs it.
"""

from __future__ import annotations

import json
import subprocess
import sys

from scripts.paths import REPO_ROOT
from tests.handler.conftest import EVENTS

FLOOR = (
    "import ai_edge_litert.interpreter, fastapi, mangum, numpy, aws_lambda_powertools, "
    "aws_lambda_powertools.logging, aws_lambda_powertools.metrics"
)
SCRIPT = f"""
import json, sys
from types import SimpleNamespace
{FLOOR}
floor = set(sys.modules)
from handler import lambda_function
context = SimpleNamespace(aws_request_id="r", function_name="f", memory_limit_in_mb=1024,
                          invoked_function_arn="a", get_remaining_time_in_millis=lambda: 30000)
with open(sys.argv[1]) as f:
    status = lambda_function.handler(json.load(f), context)["statusCode"]
print("RESULT " + json.dumps([status, sorted(set(sys.modules) - floor)]))
"""
# Beyond the floor, what the first answer needs, and why.
NEEDED = {
    "unicodedata",  # the text pipeline's NFKC
    "encodings.cp437",  # zipfile's names, reading the vocabulary (.npz)
    "starlette.middleware.cors",  # the deployed function answers the page's origin
    "aws_lambda_powertools.logging.correlation_paths",  # each log line's correlation id
    # The model reads a text sentence by sentence (handler.inference.text.sentence_spans).
    "sentencex",
    "sentencex.sentencex",
}
# What only explanations, /docs and bulk jobs read, and never the first answer to a plain
# review: the modules must exist, so that this test can fail.
LATER = ("handler.inference.offsets", "handler.api.openapi", "handler.api.responses",
         "handler.bulk")  # fmt: skip


def test_the_first_answer_imports_nothing_beyond_the_floor_it_does_not_need() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(EVENTS / "http_api_v2_predict.json")],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    status, loaded = json.loads(line.removeprefix("RESULT "))
    assert status == 200
    ours = {m for m in loaded if m.split(".")[0] == "handler"}
    assert "handler.answers" in ours
    assert sorted(set(loaded) - ours - NEEDED) == []
    assert [m for m in LATER if m in loaded] == []
    for module in LATER:
        __import__(module)
