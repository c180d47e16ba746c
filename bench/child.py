"""Every measured process: `python -s -m bench.child JOB FD`, a fresh interpreter per job.

The answer goes to the inherited descriptor FD, never mixed with what the service prints; closing
it stops the parent's clock. Only the standard library is imported before the runtime under test.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

STARTED = time.perf_counter()
CONTEXT = SimpleNamespace(
    aws_request_id="bench", function_name="sentiment-bench", memory_limit_in_mb=1024,
    get_remaining_time_in_millis=lambda: 30_000,
)  # fmt: skip
Job = dict[str, Any]


def peak_rss_mib() -> float:
    """This program's peak resident memory: VmHWM, not `ru_maxrss`, which Linux carries across
    fork and exec, so a child would report the benchmark's own peak whenever that is larger."""
    with open("/proc/self/status") as status:
        return int(next(ln.split()[1] for ln in status if ln.startswith("VmHWM:"))) / 1024


def invoker(event: Job) -> Callable[[], Any]:
    """A call of the Lambda entry point (imported here, as Lambda does) on `event`: its body."""
    from handler import lambda_function

    def invoke() -> Any:
        response = lambda_function.handler(event, CONTEXT)
        if response["statusCode"] != 200:
            raise RuntimeError(f"handler answered {response['statusCode']}: {response['body']}")
        return json.loads(response["body"])

    return invoke


def cold(job: Job) -> Job:
    """One cold start: the floor (the handler's dependencies imported, nothing of the handler:
    what any such service pays), the Lambda handler's first answer, or Keras's."""
    probability = None
    if job["task"] == "floor":
        import ai_edge_litert.interpreter  # noqa: F401
        import fastapi  # noqa: F401
        import mangum  # noqa: F401
        import numpy  # noqa: F401

        loaded = time.perf_counter()
    else:
        invoke = invoker(job["event"]) if job["task"] == "lambda" else keras_parts(job)[2]
        loaded = time.perf_counter()
        probability = float(invoke()["probability"])
    done = time.perf_counter()
    return {"probability": probability, "import_and_load_s": loaded - STARTED,
            "first_call_s": done - loaded, "peak_rss_mib": peak_rss_mib()}  # fmt: skip


def keras_parts(job: Job) -> tuple[Any, Callable[[list[str]], Any], Callable[[], Job]]:
    """The original path, loaded: TensorFlow and the full Keras model; `fed`, texts to the model's
    inputs through the shared encoder; and a call of `model.predict` on the job's review, its
    logits through the manifest's head: the answer the service would give."""
    from dataclasses import asdict

    import keras
    import numpy as np
    import tensorflow  # noqa: F401  # as the original did; Keras imports it as its backend anyway

    import convert.train.models  # noqa: F401  # registers the constraint the saved model refers to
    from convert.export.predict import feed
    from handler import constants
    from handler.inference.calibration import Head
    from handler.inference.encoder import Encoder
    from handler.inference.manifest import Manifest

    model, encoder = keras.models.load_model(job["keras_model"]), Encoder.load(Path(job["vocab"]))
    params = Manifest.read(Path(job["vocab"]).parent / constants.MANIFEST_FILE).head
    head = Head(**asdict(params)) if params else Head()

    def fed(texts: list[str]) -> Any:
        return feed(model, encoder.encode(texts))

    def predict_one() -> Job:
        # Cut into sentences and marked once, as the service does.
        found = encoder.featurize(*encoder.text_words(job["text"]))
        out = model.predict(feed(model, encoder.encode_features([found])), verbose=0)
        outs = out if isinstance(out, list) else [out]
        logits = np.stack([np.asarray(o).reshape(-1) for o in outs], 1)
        known = [len(encoder.known(found))]
        return {"probability": float(head.probabilities(logits, known)[0])}

    return model, fed, predict_one


def batches(job: Job, model: Callable[[Any], object], encode: Callable[[Any], Any]) -> Job:
    """Reviews per second at each batch size: the model on ready ids, and text to probability."""
    from bench.stats import throughput, time_calls

    found: dict[str, list[Job]] = {"model_only": [], "with_encoding": []}
    timing = {"warm_up": 2, "min_calls": job["min_calls"], "min_seconds": job["min_seconds"]}
    for size in job["batch_sizes"]:
        chunk = job["batch"][:size]
        only, full = partial(model, encode(chunk)), partial(lambda t: model(encode(t)), chunk)
        found["model_only"].append(throughput(size, time_calls(only, **timing)))
        found["with_encoding"].append(throughput(size, time_calls(full, **timing)))
    return found


def warm_lite(job: Job) -> Job:
    """The served runtime, warm: events through the Lambda entry point one at a time, as Lambda
    sends them, in turns with the same work without the app (encode + model as the route calls
    them; each alone). Then the interpreter alone (one thread, as served) on batches."""
    from bench.stats import latency, throughput, time_interleaved
    from handler import constants
    from handler.inference.encoder import Encoder
    from handler.inference.predictor import LitePredictor
    from handler.inference.runtime import TfliteModel

    # The service logs one line per request; here that would only fill the pipe to /dev/null.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115
    predictor = LitePredictor.load(Path(os.environ[constants.ENV_MODEL_DIR]))
    encoder = Encoder.load(Path(job["vocab"]))
    runtime = TfliteModel(Path(job["int8_model"]), num_threads=1)
    text, texts, ids = [job["text"]], job["batch_event_texts"], encoder.encode([job["text"]])
    single = time_interleaved(
        {"mangum": invoker(job["event"]), "encode_model": lambda: predictor.predict(text),
         "encode_single": lambda: encoder.encode(text), "model_single": lambda: runtime.predict(ids)},
        warm_up=job["warm_up"], min_calls=job["requests"], min_seconds=0.0,
    )  # fmt: skip
    route = time_interleaved(
        {"route": invoker(job["batch_event"]), "encode_model": lambda: predictor.predict(texts)},
        warm_up=2, min_calls=job["min_calls"], min_seconds=job["min_seconds"],
    )  # fmt: skip
    return {
        "latency": {name: latency(durations) for name, durations in single.items()},
        "throughput": batches(job, runtime.predict, encoder.encode),
        "route": {name: throughput(len(texts), durations) for name, durations in route.items()},
        **environment(job),
    }


def warm_keras(job: Job) -> Job:
    """One review through `model.predict` (as the original project called it) and through
    `model(x, training=False)`, which skips predict's per-call setup; encoding included."""
    import numpy as np

    from bench.stats import latency, time_calls

    model, fed, _ = keras_parts(job)
    text = [job["text"]]
    timing = {"warm_up": job["warm_up"], "min_calls": job["requests"], "min_seconds": 0.0}

    def predict(x: Any) -> object:  # one step per call: batch_size is the rows given
        return model.predict(x, batch_size=len(next(iter(x.values()))), verbose=0)

    calls = {"keras_predict": lambda: model.predict(fed(text), verbose=0),
             "keras_call": lambda: np.asarray(model(fed(text), training=False))}  # fmt: skip
    return {
        "latency": {name: latency(time_calls(call, **timing)) for name, call in calls.items()},
        "throughput": batches(job, predict, fed),
        **environment(job),
    }


def environment(job: Job) -> Job:
    from convert.versions import installed  # standard library only

    return {"peak_rss_mib": peak_rss_mib(), "version": platform.python_version(),
            "libraries": installed(job["libraries"])}  # fmt: skip


TASKS: dict[str, Callable[[Job], Job]] = {
    "floor": cold, "lambda": cold, "keras": cold, "warm_lite": warm_lite, "warm_keras": warm_keras,
}  # fmt: skip

if __name__ == "__main__":
    job_path, fd = sys.argv[1:]
    job = json.loads(Path(job_path).read_text())
    os.write(int(fd), json.dumps(TASKS[job["task"]](job)).encode())
    os.close(int(fd))
