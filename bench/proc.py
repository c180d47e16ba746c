"""Measured child processes: each runtime runs in a fresh interpreter, never in the benchmark's.

A child gets its job as a JSON file and answers with one JSON object on an inherited pipe, so
whatever the service logs on stdout can never be mistaken for the answer.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from handler.paths import REPO_ROOT


class BenchError(RuntimeError):
    """A measurement could not be taken; the message says which and why."""


def say(message: str) -> None:
    """Progress on stderr, so a redirected stdout stays clean."""
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def run_child(
    python: Path, module: str, job: Path, *, env: Mapping[str, str], timeout: float
) -> tuple[dict[str, Any], float]:
    """Start `python -s -m module job fd`; return its answer and the seconds until it arrived.

    The clock starts before the process is created and stops when the child closes the pipe
    after answering, so interpreter start, imports, model load and the first call all count.
    """
    read_fd, write_fd = os.pipe()
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        try:
            proc = subprocess.Popen(
                # -s: no user site-packages; the repository (cwd) gives `handler` and `bench`.
                [str(python), "-s", "-m", module, str(job), str(write_fd)],
                cwd=REPO_ROOT,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=errors,
                pass_fds=(write_fd,),
            )
        finally:
            os.close(write_fd)
        try:
            data = _read_until_closed(read_fd, started + timeout)
            elapsed = time.perf_counter() - started
            proc.wait(timeout=max(1.0, started + timeout - time.perf_counter()))
        except (TimeoutError, subprocess.TimeoutExpired):
            proc.kill()
            proc.wait()
            raise BenchError(f"{module} took more than {timeout:.0f} s") from None
        finally:
            os.close(read_fd)
        if proc.returncode != 0 or not data:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-2000:]
            raise BenchError(f"{module} failed (exit {proc.returncode}):\n{tail}")
    return json.loads(data), elapsed


def _read_until_closed(fd: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
            raise TimeoutError
        chunk = os.read(fd, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def child_env(**extra: str) -> dict[str, str]:
    """The benchmark's environment for a child, less anything that would add packages to its
    interpreter, plus `extra`."""
    inherited = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    # TensorFlow's C++ start-up notices would only fill the error log.
    return {**inherited, "TF_CPP_MIN_LOG_LEVEL": "2", **extra}


def write_job(path: Path, job: Mapping[str, Any]) -> Path:
    path.write_text(json.dumps(job))
    return path
