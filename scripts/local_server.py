"""`python -m scripts.serve` on a free loopback port, started, awaited and stopped for a caller.

The one harness for everything that needs the real local server: the load test
(`python -m bench.load`) and the browser tests (tests/frontend). Standard library only, so any of
the project's environments can start it; never used by the Lambda image.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from handler.constants import HEALTH_PATH
from scripts.paths import REPO_ROOT

HOST = "127.0.0.1"  # loopback only: the harness never serves another address
STARTUP_TIMEOUT_S = 60.0  # loading the interpreter on a busy 2-core machine can take a while


class ServerStartError(RuntimeError):
    """The server exited or did not report healthy in time; the message says which."""


@dataclass(frozen=True)
class LocalServer:
    url: str
    pid: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@contextmanager
def local_server(
    log: Path | None = None, timeout_s: float = STARTUP_TIMEOUT_S
) -> Iterator[LocalServer]:
    """The server, healthy, until the block ends; its output goes to `log` (by default its
    request lines are dropped and its errors kept for the message if it fails to start)."""
    port = free_port()
    url = f"http://{HOST}:{port}"
    with _output(log) as (stdout, stderr, tail):
        proc = subprocess.Popen(
            [sys.executable, "-m", "scripts.serve", "--host", HOST, "--port", str(port)],
            cwd=REPO_ROOT,
            stdout=stdout,
            stderr=stderr,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            _wait_until_healthy(proc, url, timeout_s, tail)
            yield LocalServer(url, proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@contextmanager
def _output(
    log: Path | None,
) -> Iterator[tuple[IO[bytes] | int, IO[bytes], Callable[[], str]]]:
    """stdout and stderr for the server, and what to say about its output when it fails."""
    if log is not None:
        with log.open("wb") as out:
            yield out, out, lambda: f"see {log}"
        return
    with tempfile.TemporaryFile() as errors:

        def tail() -> str:
            errors.seek(0)
            return errors.read().decode(errors="replace")[-2000:]

        # One JSON line per request on stdout: not what any caller inspects.
        yield subprocess.DEVNULL, errors, tail


def _wait_until_healthy(
    proc: subprocess.Popen[bytes], url: str, timeout_s: float, tail: Callable[[], str]
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise ServerStartError(
                f"`python -m scripts.serve` exited with {proc.returncode}: {tail()}"
            )
        try:
            # The URL is built above from HOST and a port: always http on the loopback.
            with urllib.request.urlopen(url + HEALTH_PATH, timeout=2) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass  # not listening yet, or not healthy yet
        time.sleep(0.2)
    raise ServerStartError(f"the local server did not report healthy within {timeout_s:.0f} s")
