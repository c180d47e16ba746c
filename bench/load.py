"""Load test of the local server (`python -m scripts.serve`) on 127.0.0.1: bounded, stops by itself.

`python -m bench.load` (or `make loadtest`) starts the server, sends a fixed mix of requests from
concurrent clients, samples the server's memory, stops it, and writes reports/load.md and
reports/load.json. Exit status 1 on any unexpected answer or on memory growth after warm-up above
the budget.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import shlex
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.report import table
from bench.stats import percentile
from convert.paths import REPORTS_DIR
from handler.constants import BATCH_PATH, MODEL_PATH, PREDICT_PATH
from scripts.local_server import HOST, local_server

MEMORY_GROWTH_BUDGET = 0.10
WARM_UP_SHARE = 0.10
WORDS = (
    "great wonderful loved brilliant superb moving beautiful excellent enjoyable masterpiece "
    "awful boring hated terrible dull waste poor worst stupid mess not very really "
    "plot actor scene story director ending cast music camera script character"
).split()


def review(i: int) -> str:
    """A deterministic review-like text of 5 to 200 words."""
    n = 5 + (i * 37) % 196
    return " ".join(WORDS[(i * 7 + k * 13) % len(WORDS)] for k in range(n)) + "."


# (kind, path, body for request i, expected status): 70% plain, 10% explained, 10% batches of 8,
# 10% deliberately invalid (blank text: a 422 is the right answer).
MIX: list[tuple[str, str, Callable[[int], dict[str, Any]], int]] = [
    *[("predict", PREDICT_PATH, lambda i: {"text": review(i)}, 200)] * 7,
    ("explain", PREDICT_PATH, lambda i: {"text": review(i), "explain": True}, 200),
    ("batch", BATCH_PATH, lambda i: {"texts": [review(i + k) for k in range(8)]}, 200),
    ("invalid", PREDICT_PATH, lambda i: {"text": "   "}, 422),
]


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    unexpected: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    rss: list[tuple[int, int]] = field(default_factory=list)  # (requests done, bytes)
    done: int = 0
    wall: float = 0.0


async def drive(url: str, pid: int, total: int, concurrency: int, max_seconds: float) -> Results:
    results, process, counter = Results(), psutil.Process(pid), itertools.count()
    deadline = time.monotonic() + max_seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def worker() -> None:
            while time.monotonic() < deadline and (i := next(counter)) < total:
                kind, path, body, expected = MIX[i % len(MIX)]
                started = time.perf_counter()
                try:
                    response = await client.post(path, json=body(i))
                    ok = response.status_code == expected and response.json() is not None
                    reason = f"HTTP {response.status_code}"
                except (httpx.HTTPError, ValueError) as exc:
                    ok, reason = False, type(exc).__name__
                results.latencies.setdefault(kind, []).append(time.perf_counter() - started)
                if not ok:
                    results.unexpected[kind] += 1
                    results.reasons[reason] += 1
                results.done += 1

        async def sample_memory() -> None:
            while True:
                results.rss.append((results.done, process.memory_info().rss))
                await asyncio.sleep(0.25)

        sampler = asyncio.create_task(sample_memory())
        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        results.wall = time.perf_counter() - started
        sampler.cancel()
        results.rss.append((results.done, process.memory_info().rss))
    return results


def summarise(results: Results, total: int, concurrency: int) -> dict[str, Any]:
    everything = list(itertools.chain.from_iterable(results.latencies.values()))

    def ms(values: Sequence[float], q: int) -> float:
        return round(1000 * percentile(values, q), 2)

    warm_after = int(total * WARM_UP_SHARE)
    warm = next((rss for done, rss in results.rss if done >= warm_after), results.rss[-1][1])
    final, peak = results.rss[-1][1], max(rss for _, rss in results.rss)
    return {
        "requests": results.done, "planned": total, "concurrency": concurrency,
        "seconds": round(results.wall, 2),
        "requests_per_second": round(results.done / results.wall, 1),
        "unexpected": results.unexpected.total(), "unexpected_by_kind": dict(results.unexpected),
        "unexpected_reasons": dict(results.reasons),
        "latency_ms": {"p50": ms(everything, 50), "p90": ms(everything, 90),
                       "p99": ms(everything, 99), "max": round(1000 * max(everything), 2),
                       "mean": round(1000 * statistics.fmean(everything), 2)},
        "latency_ms_by_kind": {kind: {"count": len(v), "p50": ms(v, 50), "p99": ms(v, 99)}
                               for kind, v in sorted(results.latencies.items())},
        "rss_mb": {"after_warm_up": round(warm / 2**20, 1), "final": round(final / 2**20, 1),
                   "peak": round(peak / 2**20, 1), "samples": len(results.rss)},
        "rss_growth_after_warm_up": round((final - warm) / warm, 4),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
                   f"Python {platform.python_version()}",
    }  # fmt: skip


def run(total: int, concurrency: int, max_seconds: float) -> dict[str, Any]:
    """Start the server, load it, stop it; the summary as a dict."""
    with local_server() as server:
        version = httpx.get(server.url + MODEL_PATH).json()["model_version"]
        results = asyncio.run(drive(server.url, server.pid, total, concurrency, max_seconds))
    return {"model_version": version, **summarise(results, total, concurrency)}


def markdown(summary: dict[str, Any]) -> str:
    lat, rss, clients = summary["latency_ms"], summary["rss_mb"], summary["concurrency"]
    figures = [
        ["requests answered", f"{summary['requests']:,} in {summary['seconds']} s"],
        ["requests per second", str(summary["requests_per_second"])],
        ["unexpected answers (wrong status or errors)", str(summary["unexpected"])],
        ["latency p50 / p90 / p99 / max (ms)",
         f"{lat['p50']} / {lat['p90']} / {lat['p99']} / {lat['max']}"],
        [f"server RSS after warm-up ({WARM_UP_SHARE:.0%} of requests)",
         f"{rss['after_warm_up']} MB"],
        ["server RSS at the end / peak", f"{rss['final']} MB / {rss['peak']} MB"],
        [f"RSS growth after warm-up (budget {MEMORY_GROWTH_BUDGET:.0%})",
         f"{summary['rss_growth_after_warm_up']:.1%}"],
    ]  # fmt: skip
    kinds = [[kind, str(v["count"]), str(v["p50"]), str(v["p99"])]
             for kind, v in summary["latency_ms_by_kind"].items()]  # fmt: skip
    lines = [
        "# Load test of the local server", "",
        f"`{summary.get('command', 'python -m bench.load')}` (`make loadtest`: 20,000 requests, "
        f"50 clients): `python -m scripts.serve` with the shipped model "
        f"(`{summary['model_version']}`) on {HOST}, {summary['planned']:,} requests from "
        f"{clients} concurrent clients (httpx, keep-alive), client and server on the same machine "
        f"({summary['machine']}). Mix: 70% `/v1/predict`, 10% with `explain`, 10% "
        "`/v1/predict/batch` of 8 texts, 10% blank texts that must be refused with 422.", "",
        *table(["figure", "value"], figures), "", *table(["kind", "count", "p50 ms", "p99 ms"], kinds),
        "", f"Latency is measured by the client, so it includes queueing behind the other "
        f"{clients - 1} clients; the server runs one uvicorn worker. The endpoints are `async def` "
        "(Lambda sends one request at a time, so a thread-pool hop would only add latency there), "
        "so under uvicorn inference runs on the event loop: a long request (an explanation "
        "scores one variant per word) holds up the other clients until it is done.",
    ]  # fmt: skip
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--max-seconds", type=float, default=600, help="stop after this long")
    parser.add_argument("--out", type=Path, default=REPORTS_DIR, help="report folder")
    args = parser.parse_args(argv)
    summary = run(args.requests, args.concurrency, args.max_seconds)
    given = list(argv) if argv is not None else sys.argv[1:]
    summary["command"] = shlex.join(["python", "-m", "bench.load", *given])
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "load.json").write_text(json.dumps(summary, indent=2) + "\n")
    (args.out / "load.md").write_text(markdown(summary))
    print(markdown(summary))
    failed = summary["unexpected"] or summary["requests"] < summary["planned"]
    return 1 if failed or summary["rss_growth_after_warm_up"] > MEMORY_GROWTH_BUDGET else 0


if __name__ == "__main__":
    sys.exit(main())
