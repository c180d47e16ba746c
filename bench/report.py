"""bench.json -> bench.md: the tables the README quotes, and how they were measured."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

LATENCY_ROWS = {
    "asgi": "In-process ASGI (httpx), POST /v1/predict",
    "mangum": "Lambda handler (Mangum), HTTP API v2 event",
    "encode_single": "Encoding only (shared `Encoder`)",
    "keras_predict": "Keras `model.predict`, encoding included",
    "keras_call": "Keras `model(x, training=False)`, encoding included",
}
THROUGHPUT_ROWS = {"tflite_int8": "LiteRT int8, 1 thread", "keras_predict": "Keras `predict`"}
SIZE_ROWS = {
    "litert": "served image: handler/requirements.txt",
    "tensorflow": "original: the same without LiteRT, plus tensorflow and keras",
    "tensorflow_cpu": "original, leaner: the same with tensorflow-cpu",
}
MODEL_FILES = {
    "keras": "Keras model (.keras)",
    "float_tflite": "float32 TFLite",
    "int8_tflite": "int8 TFLite (served)",
    "vocab": "vocabulary (both paths read it)",
}
ACCURACY_ROWS = {"keras": "Keras", "float_tflite": "float32 TFLite", "int8": "int8 TFLite (served)"}


def render(r: dict[str, Any]) -> str:
    s, m = r["settings"], r["machine"]
    lines = [
        "# Serving benchmark: LiteRT int8 on Lambda vs the original TensorFlow/Keras path",
        "",
        f"Measured by `make bench` on {m['date']}, model `{r['inputs']['model_version']}`: both "
        "approaches side by side, in one run, on the machine below.",
    ]
    if s["quick"]:
        lines += ["", "**Quick mode**: too few runs to quote; a smoke test of the benchmark only."]
    lines += ["", "## Goals", "", *_goals(r["goals"])]
    lines += ["", "## Machine", "", *_machine(m)]
    lines += ["", "## Cold start", "", *_cold(r["cold_start"], s)]
    lines += ["", "## Warm latency, one review", "", *_latency(r)]
    lines += ["", "## Batch throughput (reviews per second)", "", *_throughput(r)]
    lines += ["", "## Memory", "", *_memory(r["memory"])]
    lines += ["", "## Size", "", *_sizes(r["size"])]
    lines += ["", "## Accuracy", "", *_accuracy(r["accuracy"])]
    lines += ["", "## Method", "", *_method(r)]
    return "\n".join(lines) + "\n"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join("---" for _ in headers) + "|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def num(value: float | None, digits: int = 2, unit: str = "") -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}{unit}"


def _goals(goals: list[dict[str, Any]]) -> list[str]:
    verdict = {True: "met", False: "**not met**", None: "not measured"}
    return table(
        ["goal", "target", "measured", "compared", "result"],
        [
            [
                g["goal"],
                g["target"],
                num(g["measured"], 1, g["unit"]),
                g["compared"],
                verdict[g["met"]],
            ]
            for g in goals
        ],
    )


def _machine(m: dict[str, Any]) -> list[str]:
    libs = ", ".join(f"{k} {v}" for k, v in m["libraries"].items())
    load = " / ".join(
        f"{when} {'/'.join(str(x) for x in m[f'load_average_at_{when}'])}"
        for when in ("start", "end")
    )
    return table(
        ["", ""],
        [
            ["CPU", f"{m['cpu']}, {m['logical_cores']} logical cores ({m['usable_cores']} usable)"],
            ["Memory", f"{m['memory_gib']} GiB"],
            ["OS", m["os"]],
            ["Python", f"{m['python']} (the Lambda image runs 3.13)"],
            ["Libraries", libs],
            ["Load average (1/5/15 min)", load],
        ],
    )


def _cold(cold: dict[str, Any], s: dict[str, Any]) -> list[str]:
    lines = [
        f"A fresh process until the first prediction is returned: median of {s['cold_runs']} runs "
        f"per variant, interleaved in rotating order, after {s['priming']} discarded priming "
        "round(s). Import + load and first call are timed inside the process; P(positive) is the "
        "first answer, the same review for all three.",
        "",
    ]
    rows = [
        [
            v["label"],
            num(v["median_s"], 2, " s"),
            f"{num(v['min_s'])} to {num(v['max_s'], 2, ' s')}",
            num(v["median_import_and_load_s"], 2, " s"),
            num(v["median_first_call_s"] * 1000, 1, " ms"),
            num(v["median_peak_rss_mib"], 0, " MiB"),
            num(cold["ratios"][name], 1, "x"),
            num(v["probability"], 4),
        ]
        for name, v in cold["variants"].items()
    ]
    # P(positive): the three must agree closely, or they are not serving the same model.
    headers = ["variant", "median", "range", "import + load", "first call", "peak RSS", "vs int8"]
    return lines + table([*headers, "P(positive)"], rows)


def _latency(r: dict[str, Any]) -> list[str]:
    review = r["inputs"]["review"]
    lines = [
        f"Every request sends the same review: {review['source']}, {review['words']} words.",
        "",
    ]
    rows = [
        [LATENCY_ROWS[k], num(v["p50_ms"], 3), num(v["p99_ms"], 3), f"{v['n']:,}"]
        for k, v in r["warm"]["latency"].items()
    ]
    return lines + table(["path", "p50 ms", "p99 ms", "requests"], rows)


def _throughput(r: dict[str, Any]) -> list[str]:
    rows = []
    for key, found in r["warm"]["throughput"].items():
        for only, full in zip(found["model_only"], found["with_encoding"], strict=True):
            rows.append(
                [
                    THROUGHPUT_ROWS[key],
                    str(only["batch"]),
                    num(only["reviews_per_s"], 0),
                    num(full["reviews_per_s"], 0),
                ]
            )
    return table(["runtime", "batch", "model on ids", "text to probability"], rows)


def _memory(memory: dict[str, Any]) -> list[str]:
    rows = [
        [f"cold start, after the first prediction: {k}", num(v, 0)]
        for k, v in memory["cold"].items()
    ]
    rows += [[f"warm, after all measurements: {k}", num(v, 0)] for k, v in memory["warm"].items()]
    intro = (
        "Peak resident set size of the measured process (VmHWM; `ru_maxrss` would also count "
        "the benchmark's own memory, which Linux carries over into a child)."
    )
    return [intro, "", *table(["process", "peak RSS MiB"], rows)]


def _sizes(size: dict[str, Any]) -> list[str]:
    lines = table(
        ["model file", "bytes"],
        [[MODEL_FILES[k], f"{v:,}"] for k, v in size["models"].items()],
    )
    lite = (size["dependencies"].get("litert") or {}).get("bytes")
    rows = []
    for key, found in size["dependencies"].items():
        if not found:
            rows.append([SIZE_ROWS[key], "not measured", "", "", ""])
            continue
        largest = ", ".join(f"{k} {v / 1e6:,.0f}" for k, v in list(found["largest"].items())[:3])
        rows.append(
            [SIZE_ROWS[key], num(found["bytes"] / 1e6, 1), f"{found['files']:,}", largest,
             num(found["bytes"] / lite, 1, "x") if lite else "n/a"]
        )  # fmt: skip
    lines += [
        "",
        "Installed Python dependencies for CPython 3.13 on manylinux x86_64, without bytecode:",
        "",
    ]
    return lines + table(["set", "MB", "files", "largest (MB)", "vs served"], rows)


def _accuracy(acc: dict[str, Any]) -> list[str]:
    lines = [f"From the manifest of `{acc['model_version']}`, measured on {acc['split']}.", ""]
    return lines + table(
        ["model", "accuracy"], [[label, num(acc[k], 4)] for k, label in ACCURACY_ROWS.items()]
    )


def _method(r: dict[str, Any]) -> list[str]:
    s = r["settings"]
    return [
        "- Every runtime runs in its own fresh child process; the benchmark's process never "
        "imports TensorFlow or loads a model.",
        "- The served handler runs LiteRT on one thread, as on Lambda; TensorFlow uses its "
        "default thread pools, as the original project did.",
        f"- Warm latency: {s['warm_up']} warm-up requests, then {s['requests']:,} timed ones, "
        "one at a time; percentiles are nearest-rank. ASGI timings include the httpx client.",
        f"- Throughput: median time of one call on a batch of distinct reviews ({s['min_calls']}+ "
        f"calls and {s['min_seconds']} s+ per batch size); the Keras batch is one `predict` step.",
        "- Cold starts count interpreter start, imports, model load (with the manifest's sha256 "
        "checks) and the first answer; the page cache is warm, as the priming round leaves it.",
        "- Timings on a shared machine vary between runs; compare rows of the same run, not "
        "figures across runs.",
    ]
