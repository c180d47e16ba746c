"""The interpreters the children run in: a virtualenv of exactly what the image installs, and
TensorFlow's.

The served handler is timed in a virtualenv holding handler/requirements.txt and nothing else,
installed the way handler/Dockerfile installs it (wheels only; hash-checked whenever the file
carries hashes), because the development `.venv` holds hundreds of other packages that make
every import slower. It is built once per content of the file and Python version, under
`--cache`, and reused after. TensorFlow and Keras run from the development `.venv`, which holds
them (and `convert/`'s dependencies, which load the Keras model); it is a separate interpreter
from the served one, so neither set of packages slows the other down.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from bench.proc import BenchError, say
from handler.paths import REQUIREMENTS

READY = ".bench-ready"  # written last: a half-built virtualenv is never reused


def serve_python(cache: Path) -> Path:
    """The Python of the cached virtualenv of handler/requirements.txt, built if missing."""
    requirements = REQUIREMENTS.read_bytes()
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    key = hashlib.sha256(requirements + version.encode()).hexdigest()[:16]
    venv = cache / f"serve-py{version}-{key}"
    python = venv / "bin" / "python"
    if (venv / READY).is_file():
        return python
    shutil.rmtree(venv, ignore_errors=True)
    say(f"venv: building {venv} from {REQUIREMENTS} (once per content of that file)")
    # The interpreter under the running one: a virtualenv made from a virtualenv sees its packages.
    _run(getattr(sys, "_base_executable", sys.executable), "-m", "venv", str(venv))
    _run(
        str(python), "-m", "pip", "install", "--disable-pip-version-check", "--quiet",
        "--only-binary=:all:", "-r", str(REQUIREMENTS),
    )  # fmt: skip
    (venv / READY).write_text(hashlib.sha256(requirements).hexdigest() + "\n")
    return python


def tensorflow_python() -> Path:
    """TensorFlow's interpreter: the development `.venv` that runs the benchmark."""
    return Path(sys.executable)


def _run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BenchError(
            f"{' '.join(command[:4])} ... failed:\n{(done.stdout + done.stderr)[-3000:]}"
        )
