"""The parent's side of the measured processes: the machine, the interpreters, and jobs run in
them. TensorFlow and Keras run in the development `.venv`; the served handler in a virtualenv of
handler/requirements.txt alone, because the hundreds of other packages in `.venv` make every
import slower. Neither interpreter sees the other's packages."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

from bench.stats import rotated
from scripts.paths import REPO_ROOT, REQUIREMENTS

UV = REPO_ROOT / ".tools" / "bin" / "uv"  # the pinned uv that scripts/bootstrap installs
READY = ".bench-ready"  # written last: a half-built virtualenv is never reused
EVENT = REPO_ROOT / "tests" / "events" / "http_api_v2_predict.json"
COLD_TIMEOUT_S = 300.0
# Keras and the float TFLite file hold the same weights: only the order of float operations differs.
FLOAT_AGREEMENT = 1e-3
# /proc/cpuinfo flags ("flags" on x86, "Features" on Arm) that int8 kernels run several times
# faster with; Lambda's fleet has CPUs with and without them.
ISA_FLAGS = {"avx2": "AVX2", "avx512f": "AVX-512", "avx512_vnni": "AVX-512 VNNI",
             "avx_vnni": "AVX-VNNI", "asimddp": "Arm dot-product"}  # fmt: skip


class BenchError(RuntimeError):
    """A measurement could not be taken; the message says which and why."""


def say(message: str) -> None:
    """Progress on stderr, so a redirected stdout stays clean."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def cpu(cpuinfo: str) -> tuple[str | None, dict[str, bool]]:
    """Model name and {feature: present} of ISA_FLAGS, from the first CPU of /proc/cpuinfo."""
    lines = cpuinfo.split("\n\n")[0].splitlines()
    fields = {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in lines)}
    flags = set((fields.get("flags") or fields.get("Features") or "").split())
    return fields.get("model name"), {label: flag in flags for flag, label in ISA_FLAGS.items()}


def machine() -> dict[str, Any]:
    """CPU and its features, cores, memory, OS, date, and how busy the machine was."""
    info = Path("/proc/cpuinfo")
    name, isa = cpu(info.read_text() if info.exists() else "")
    return {
        "cpu": name or platform.processor() or platform.machine(), "isa": isa,
        "arch": platform.machine(), "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "os": f"{platform.system()} {platform.release()}",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": load_average(),
    }  # fmt: skip


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def uv(*args: str) -> None:
    """Run uv: the pinned one, else uv on PATH."""
    command = [str(UV) if UV.exists() else shutil.which("uv") or "uv", *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(f"uv {' '.join(args[:3])} ... failed:\n{done.stderr[-3000:]}")


def serve_python(cache: Path) -> Path:
    """The Python of the virtualenv of handler/requirements.txt (wheels only, hash-checked when the
    file has hashes, as handler/Dockerfile installs it), built once per content and Python."""
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    key = hashlib.sha256(REQUIREMENTS.read_bytes() + version.encode()).hexdigest()[:16]
    venv = cache / f"serve-py{version}-{key}"
    python = venv / "bin" / "python"
    if not (venv / READY).is_file():
        say(f"venv: building {venv} from {REQUIREMENTS} (once per content of that file)")
        # The interpreter under the running one: a virtualenv made from a virtualenv sees its packages.
        base = getattr(sys, "_base_executable", sys.executable)
        uv("venv", "--quiet", "--clear", "--python", base, str(venv))
        # Compiled, as pip in handler/Dockerfile leaves the image; uv would otherwise not.
        uv("pip", "install", "--quiet", "--compile-bytecode", "--python", str(python),
           "--only-binary", ":all:", "-r", str(REQUIREMENTS))  # fmt: skip
        (venv / READY).write_text(key + "\n")
    return python


def child_env(**extra: str) -> dict[str, str]:
    """The benchmark's environment less what would add packages to a child's interpreter or keep
    the priming round from writing bytecode (the image has the handler's compiled), and
    TensorFlow's C++ start-up notices, which would only fill the error log."""
    dropped = ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONDONTWRITEBYTECODE")
    inherited = {k: v for k, v in os.environ.items() if k not in dropped}
    return {**inherited, "TF_CPP_MIN_LOG_LEVEL": "2", **extra}


def run_child(
    python: Path, job: dict[str, Any], *, env: dict[str, str], timeout: float
) -> tuple[dict[str, Any], float]:
    """`python -s -m bench.child JOB FD`: its answer, and the seconds until it arrived.

    The clock starts before the process is created and stops when the child closes the pipe
    after answering, so interpreter start, imports, model load and the first call all count.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".json") as spec, tempfile.TemporaryFile() as err:
        json.dump(job, spec)
        spec.flush()
        read_fd, write_fd = os.pipe()
        started = time.perf_counter()
        try:
            # -s: no user site-packages; the repository (cwd) gives `handler` and `bench`.
            proc = subprocess.Popen(
                [str(python), "-s", "-m", "bench.child", spec.name, str(write_fd)],
                cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=err, pass_fds=(write_fd,),
            )  # fmt: skip
        finally:
            os.close(write_fd)
        killer = threading.Timer(timeout, proc.kill)  # closes the pipe too
        killer.start()
        with os.fdopen(read_fd, "rb") as pipe:
            answer = pipe.read()
        elapsed = time.perf_counter() - started
        proc.wait()
        killer.cancel()
        if elapsed >= timeout:
            raise BenchError(f"{job['task']} took more than {timeout:.0f} s")
        if proc.returncode != 0 or not answer:
            err.seek(0)
            tail = err.read().decode(errors="replace")[-2000:]
            raise BenchError(f"{job['task']} failed (exit {proc.returncode}):\n{tail}")
    return json.loads(answer), elapsed


def cold_starts(variants: list[dict[str, Any]], *, runs: int, priming: int) -> dict[str, Any]:
    """`runs` rounds, each starting every variant once, in an order that rotates every round.

    Rotation spreads slow and fast moments of a busy machine over all variants. The priming rounds
    are discarded: they fill the page cache and write bytecode, as a built image already has.
    """
    samples: dict[str, list[dict[str, Any]]] = {v["name"]: [] for v in variants}
    for round_ in range(priming + runs):
        for v in rotated(variants, round_):
            answer, wall = run_child(v["python"], v["job"], env=v["env"], timeout=COLD_TIMEOUT_S)
            kind = "priming" if round_ < priming else f"run {round_ - priming + 1}/{runs}"
            say(f"cold start {kind}: {v['name']} {wall:.2f} s")
            if round_ >= priming:
                samples[v["name"]].append({**answer, "wall_s": wall})
    found = {}
    for v in variants:
        got, walls = samples[v["name"]], [s["wall_s"] for s in samples[v["name"]]]
        found[v["name"]] = {
            "label": v["label"], "python": str(v["python"]), "runs": len(got),
            "median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
            **{f"median_{k}": statistics.median(s[k] for s in got)
               for k in ("import_and_load_s", "first_call_s", "peak_rss_mib")},
            "probability": got[0]["probability"], "samples": got,
        }  # fmt: skip
    _same_answer(found)
    int8_s = found["lambda_int8"]["median_s"]
    return {"variants": found, "ratios": {k: v["median_s"] / int8_s for k, v in found.items()}}


def _same_answer(found: dict[str, Any]) -> None:
    """The Keras path must answer as the float handler does, or it times another computation."""
    float_p, keras_p = (found.get(k, {}).get("probability") for k in ("lambda_float", "keras"))
    if float_p is not None and keras_p is not None and abs(float_p - keras_p) > FLOAT_AGREEMENT:
        raise BenchError(
            f"the Keras path answers {keras_p:.4f} and the float handler {float_p:.4f} on the same"
            " review: they do not read it the same way"
        )


def api_event(path: str, body: Any) -> dict[str, Any]:
    """The API Gateway HTTP API (v2) fixture of the handler's tests, POSTing `body` to `path`."""
    event: dict[str, Any] = json.loads(EVENT.read_text())
    event["rawPath"] = event["requestContext"]["http"]["path"] = path
    event["body"] = json.dumps(body)
    event["headers"]["content-length"] = str(len(event["body"].encode()))
    return event
