"""One cold start, in a fresh interpreter: `python -m bench.cold_child JOB FD`.

Imports nothing beyond the standard library before the runtime under test, so the time the
parent measures is the runtime's own: interpreter, imports, model load and the first answer.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

STARTED = time.perf_counter()
LAMBDA_CONTEXT = SimpleNamespace(
    aws_request_id="bench-cold-start",
    function_name="sentiment-bench",
    memory_limit_in_mb=1024,
    get_remaining_time_in_millis=lambda: 30_000,
)


def reply(fd: int, result: dict[str, Any]) -> None:
    """Send the answer to the parent and close the pipe, which stops its clock."""
    os.write(fd, json.dumps(result).encode())
    os.close(fd)


def peak_rss_mib() -> float:
    """This process's peak resident memory since it started its program.

    Not `ru_maxrss` alone: Linux carries it across fork and exec, so a child would report the
    benchmark's own peak whenever that is larger. VmHWM belongs to the program exec'd.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def floor(job: dict[str, Any]) -> dict[str, Any]:
    """The handler's dependencies imported, nothing of the handler: what any such service pays."""
    import ai_edge_litert.interpreter  # noqa: F401
    import fastapi  # noqa: F401
    import mangum  # noqa: F401
    import numpy  # noqa: F401

    loaded = time.perf_counter()
    return {**_timings(loaded, None), "first_call_s": 0.0}


def lambda_handler(job: dict[str, Any]) -> dict[str, Any]:
    """What Lambda does: import the entry module (model dir from the environment), then call it."""
    from handler import lambda_function

    loaded = time.perf_counter()
    response = lambda_function.handler(job["event"], LAMBDA_CONTEXT)
    if response["statusCode"] != 200:
        raise RuntimeError(f"handler answered {response['statusCode']}: {response['body']}")
    return _timings(loaded, float(json.loads(response["body"])["probability"]))


def keras_model(job: dict[str, Any]) -> dict[str, Any]:
    """The original project's path: TensorFlow, the full Keras model, `model.predict`."""
    import keras
    import numpy as np
    import tensorflow  # noqa: F401  # as the original did; Keras imports it as its backend anyway

    import convert.models  # noqa: F401  # registers the constraint the saved model refers to
    from convert.export import feed
    from handler import constants
    from handler.calibration import Head
    from handler.text import Encoder, words

    model = keras.models.load_model(job["keras_model"])
    vocab = Path(job["vocab"])
    encoder = Encoder.load(vocab)
    head = Head.of(json.loads((vocab.parent / constants.MANIFEST_FILE).read_text()))
    loaded = time.perf_counter()
    tokens = words(job["text"])
    out = model.predict(feed(model, encoder.encode_words([tokens])), verbose=0)
    # The graph's logits through the manifest's head: the probability the service would answer.
    logits = np.stack(
        [np.asarray(o).reshape(-1) for o in (out if isinstance(out, list) else [out])], 1
    )
    (p,) = head.probabilities(logits, [len(encoder.known_words(tokens))])
    return _timings(loaded, float(p))


def _timings(loaded: float, probability: float | None) -> dict[str, Any]:
    done = time.perf_counter()
    return {
        "probability": probability,
        "import_and_load_s": loaded - STARTED,
        "first_call_s": done - loaded,
        "peak_rss_mib": peak_rss_mib(),
    }


VARIANTS = {"floor": floor, "lambda": lambda_handler, "keras": keras_model}


def main(argv: list[str]) -> int:
    job_path, fd = argv
    with open(job_path) as f:
        job = json.load(f)
    reply(int(fd), VARIANTS[job["variant"]](job))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
