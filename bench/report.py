"""bench.json -> bench.md: the tables the README quotes, and how they were measured."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

LATENCY_ROWS = {
    "mangum": "Lambda handler (Mangum), HTTP API v2 event, POST /v1/predict",
    "encode_model": "Encode + model, as the route calls them (`LitePredictor.predict`)",
    "encode_single": "Encoding only (shared `Encoder`)",
    "model_single": "Model only, on ready ids (LiteRT int8, 1 thread)",
    "keras_predict": "Keras `model.predict`, encoding included",
    "keras_call": "Keras `model(x, training=False)`, encoding included",
}
THROUGHPUT_ROWS = {"lite": "LiteRT int8, 1 thread", "keras": "Keras `predict`"}
ROUTE_ROWS = {"route": "POST /v1/predict/batch through the Lambda handler",
              "encode_model": "Encode + model on the same reviews, in turns with the route"}  # fmt: skip
SIZE_ROWS = {"litert": "served image: handler/requirements.txt",
             "tensorflow": "original: the same with tensorflow and keras, LiteRT left out",
             "tensorflow_cpu": "original, leaner: the same with tensorflow-cpu"}  # fmt: skip
MODEL_FILES = {"keras": "Keras model (.keras)", "float_tflite": "float32 TFLite",
               "int8_tflite": "int8 TFLite (served)", "vocab": "vocabulary (both paths read it)"}  # fmt: skip
ACCURACY_ROWS = {"keras": "Keras", "float_tflite": "float32 TFLite", "int8": "int8 TFLite (served)"}
NOT_MEASURED = "not measured"


def render(r: dict[str, Any]) -> str:
    s, m, acc = r["settings"], r["machine"], r["accuracy"]
    lines = [
        "# Serving benchmark: LiteRT int8 on Lambda vs the original TensorFlow/Keras path", "",
        f"Measured by `make bench` on {m['date']}, model `{r['inputs']['model_version']}`: both "
        f"approaches side by side, in one run, on {m['cpu']} ({isa_summary(m['isa'])}). The "
        "goals are ratios within this run; another CPU (an AVX2-only one runs the int8 model "
        "several times slower) will not match the absolute figures.",
    ]  # fmt: skip
    if s["quick"]:
        lines += ["", "**Quick mode**: too few runs to quote; a smoke test of the benchmark only."]
    goals = [[g["goal"], g["target"], num(g["measured"], 2, g["unit"]), g["compared"], verdict(g)]
             for g in r["goals"]]  # fmt: skip
    accuracy = [[label, num(acc[k], 4)] for k, label in ACCURACY_ROWS.items()]
    sections = {
        "Goals": table(["goal", "target", "measured", "compared", "result"], goals),
        "Machine": _machine(m, r["environments"]),
        "Cold start": _cold(r["cold_start"], s),
        "Warm latency, one review": _latency(r),
        "Batch throughput (reviews per second)": _throughput(r["warm"]),
        "Memory": _memory(r),
        "Size": _sizes(r["size"]),
        "Accuracy": [f"From the manifest of `{acc['model_version']}`, measured on {acc['split']}.",
                     "", *table(["model", "accuracy"], accuracy)],
        "Method": _method(s),
    }  # fmt: skip
    for title, body in sections.items():
        lines += ["", f"## {title}", "", *body]
    return "\n".join(lines) + "\n"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [f"| {' | '.join(headers)} |", "|" + "|".join("---" for _ in headers) + "|",
            *(f"| {' | '.join(row)} |" for row in rows)]  # fmt: skip


def num(value: float | None, digits: int = 2, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}{unit}"


def isa_summary(isa: dict[str, bool]) -> str:
    found = [name for name, present in isa.items() if present]
    return ", ".join(found) if found else "none of AVX2, AVX-512 VNNI, Arm dot-product"


def verdict(goal: dict[str, Any]) -> str:
    if goal["met"] is None:
        return NOT_MEASURED
    return (
        "\u2705 met"
        if goal["met"]
        else f"\u274c **not met**: short by {num(goal['short_by'], 2, goal['unit'])}"
    )


def _machine(m: dict[str, Any], envs: dict[str, Any]) -> list[str]:
    load = " / ".join(f"{when} {'/'.join(map(str, m[f'load_average_at_{when}']))}"
                      for when in ("start", "end"))  # fmt: skip
    isa = ", ".join(f"{name} {'yes' if present else 'no'}" for name, present in m["isa"].items())
    cpu = (
        f"{m['cpu']} ({m['arch']}), {m['logical_cores']} logical cores ({m['usable_cores']} usable)"
    )
    rows = [["CPU", cpu], ["Instruction sets (/proc/cpuinfo)", isa],
            ["Memory", f"{m['memory_gib']} GiB"], ["OS", m["os"]], ["Load average (1/5/15 min)", load]]  # fmt: skip
    for name, env in envs.items():
        libs = ", ".join(f"{k} {v}" for k, v in env["libraries"].items()) if env else ""
        about = f"{env['version']}, {env['kind']}: `{env['python']}`; {libs}" if env else None
        rows.append([f"Python, {name}", about or NOT_MEASURED])
    return [*table(["", ""], rows), "", "The Lambda image runs Python 3.13."]


def _cold(cold: dict[str, Any], s: dict[str, Any]) -> list[str]:
    rows = [
        [v["label"], num(v["median_s"], 2, " s"), f"{num(v['min_s'])} to {num(v['max_s'])} s",
         num(v["median_import_and_load_s"], 2, " s"), num(v["median_first_call_s"] * 1000, 1, " ms"),
         num(v["median_peak_rss_mib"], 0, " MiB"), num(cold["ratios"][name], 1, "x"),
         "" if v["probability"] is None else num(v["probability"], 4)]
        for name, v in cold["variants"].items()
    ]  # fmt: skip
    headers = ["variant", "median", "range", "import + load", "first call", "peak RSS", "vs int8"]
    return [
        f"A fresh process until its first answer: median of {s['cold_runs']} runs per variant, in "
        f"rotating order, after {s['priming']} discarded priming round(s). Import + load and first "
        "call are timed inside the process. P(positive), the first answer on the same review, must "
        "agree between handlers. The floor: the served interpreter importing only the handler's "
        "dependencies.",
        "", *table([*headers, "P(positive)"], rows),
    ]  # fmt: skip


def _latency(r: dict[str, Any]) -> list[str]:
    review, warm = r["inputs"]["review"], r["warm"]
    found = {**warm["lite"]["latency"], **((warm["keras"] or {}).get("latency") or {})}
    rows = [[label, num(found[k]["p50_ms"], 3), num(found[k]["p99_ms"], 3), f"{found[k]['n']:,}"]
            if k in found else [label, NOT_MEASURED, "", ""] for k, label in LATENCY_ROWS.items()]  # fmt: skip
    return [f"Every request sends the same review: {review['source']}, {review['words']} words.",
            "", *table(["path", "p50 ms", "p99 ms", "requests"], rows)]  # fmt: skip


def _throughput(warm: dict[str, Any]) -> list[str]:
    rows = []
    for key, label in THROUGHPUT_ROWS.items():
        found = (warm[key] or {}).get("throughput")
        if not found:
            rows.append([label, "", NOT_MEASURED, ""])
            continue
        for only, full in zip(found["model_only"], found["with_encoding"], strict=True):
            rows.append([label, str(only["batch"]), num(only["reviews_per_s"], 0),
                         num(full["reviews_per_s"], 0)])  # fmt: skip
    for key, label in ROUTE_ROWS.items():
        found = warm["lite"]["route"][key]
        rows.append([label, str(found["batch"]), "", num(found["reviews_per_s"], 0)])
    return table(["runtime", "batch", "model on ids", "text to probability"], rows)


def _memory(r: dict[str, Any]) -> list[str]:
    rows = [[f"cold start, after the first prediction: {k}", num(v["median_peak_rss_mib"], 0)]
            for k, v in r["cold_start"]["variants"].items()]  # fmt: skip
    rows += [[f"warm, after all measurements: {k}", num(v["peak_rss_mib"], 0) if v else NOT_MEASURED]
             for k, v in r["warm"].items()]  # fmt: skip
    return ["Peak resident set size of the measured process (VmHWM: `ru_maxrss` would also count "
            "the benchmark's own, which Linux carries over into a child).",
            "", *table(["process", "peak RSS MiB"], rows)]  # fmt: skip


def _sizes(size: dict[str, Any]) -> list[str]:
    lite = (size["dependencies"].get("litert") or {}).get("bytes")
    rows = []
    for key, found in size["dependencies"].items():
        if not found:
            rows.append([SIZE_ROWS[key], NOT_MEASURED, "", "", ""])
            continue
        largest = ", ".join(f"{k} {v / 1e6:,.0f}" for k, v in list(found["largest"].items())[:3])
        rows.append([SIZE_ROWS[key], num(found["bytes"] / 1e6, 1), f"{found['files']:,}", largest,
                     num(found["bytes"] / lite, 1, "x") if lite else "n/a"])  # fmt: skip
    models = [[MODEL_FILES[k], f"{v:,}"] for k, v in size["models"].items()]
    return [*table(["model file", "bytes"], models), "",
            "Python dependencies installed by uv for CPython 3.13 on manylinux x86_64, without "
            "bytecode, counted from each distribution's RECORD:", "",
            *table(["set", "MB", "files", "largest distributions (MB)", "vs served"], rows)]  # fmt: skip


def _method(s: dict[str, Any]) -> list[str]:
    return [
        "- Every runtime runs in its own fresh process (`bench.child`): the served handler in a "
        "virtualenv of exactly handler/requirements.txt (built by uv from wheels), on one LiteRT "
        "thread as on Lambda; TensorFlow and Keras in their own interpreter, with their default "
        "thread pools as the original project had. Neither sees the other's packages.",
        f"- Warm latency: {s['warm_up']} warm-up requests, then {s['requests']:,} timed ones, one "
        "at a time as Lambda sends them, in turns with encode + model, encoding alone and the "
        "model alone, so that differences compare calls that met the same moments of a busy "
        "machine. Percentiles: `statistics.quantiles` (inclusive, numpy's default), as the load "
        f"test's. The batch route ({s['route_batch']} distinct reviews) takes turns likewise.",
        f"- Throughput: median time of one call on a batch of distinct reviews ({s['min_calls']}+ "
        f"calls and {s['min_seconds']} s+ per size); the Keras batch is one `predict` step.",
        "- Cold starts count interpreter start, imports, model load (with the manifest's sha256 "
        "checks) and the first answer, with the page cache warm as the priming round leaves it.",
        "- Timings on a shared machine vary between runs: compare rows of one run, not runs.",
    ]
