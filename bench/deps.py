"""Installed size of the Python dependencies each approach ships in a Lambda image.

Wheels for CPython 3.13 on Linux x86_64 (the image's platform) are downloaded once into the cache
and installed into a scratch folder, whose bytes are then counted. Sizes are cached by the exact
requirement list, so a rerun, and `--quick`, take them from there without the network.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

from bench.proc import BenchError, say
from handler.paths import REPO_ROOT, REQUIREMENTS

# public.ecr.aws/lambda/python:3.13 is Amazon Linux 2023 (glibc 2.34): every manylinux tag up to
# 2_34 installs there, and TensorFlow 2.21 ships only manylinux_2_27 wheels.
PLATFORMS = ["manylinux2014_x86_64", *(f"manylinux_2_{minor}_x86_64" for minor in range(17, 35))]
TARGET = [
    "--only-binary=:all:",
    # ai-edge-litert needs backports-strenum, whose only wheel declares Requires-Python <3.11;
    # uv (which wrote requirements.txt) ignores such upper bounds, pip refuses them.
    "--ignore-requires-python",
    *(arg for p in PLATFORMS for arg in ("--platform", p)),
    *("--python-version", "3.13", "--implementation", "cp"),
]
# Markers are evaluated for the image, not for the interpreter running the benchmark.
IMAGE_ENV = {
    "python_version": "3.13",
    "python_full_version": "3.13.0",
    "sys_platform": "linux",
    "platform_system": "Linux",
    "platform_machine": "x86_64",
    "os_name": "posix",
    "implementation_name": "cpython",
    "platform_python_implementation": "CPython",
}
LITERT = "ai-edge-litert"


def requirement_sets() -> dict[str, list[str]]:
    """The served image's pins; the same with TensorFlow (or tensorflow-cpu) and Keras for LiteRT.

    LiteRT is left out of the TensorFlow sets: the original approach does not need it, and
    keeping it would only make the ratio look better.
    """
    served = _image_pins(REQUIREMENTS.read_text())
    web = [r for r in served if Requirement(r).name != LITERT]
    tf, keras = _version("tensorflow-cpu", "tensorflow", "2.21.0"), _version("keras", "", "3.15.1")
    return {
        "litert": served,
        "tensorflow": [*web, f"tensorflow=={tf}", f"keras=={keras}"],
        "tensorflow_cpu": [*web, f"tensorflow-cpu=={tf}", f"keras=={keras}"],
    }


def footprints(cache: Path, *, offline: bool, refresh: bool = False) -> dict[str, Any]:
    """{set name: size} for every set; None for a set not cached when `offline`."""
    cache.mkdir(parents=True, exist_ok=True)
    store = cache / "sizes.json"
    known: dict[str, Any] = json.loads(store.read_text()) if store.exists() else {}
    found: dict[str, Any] = {}
    for name, pins in requirement_sets().items():
        key = cache_key(pins)
        if key in known and not refresh:
            found[name] = known[key]
        elif offline:
            say(f"sizes: {name} not in {store}; skipped (offline)")
            found[name] = None
        else:
            found[name] = known[key] = {"requirements": pins, **_install(name, pins, cache)}
            store.write_text(json.dumps(known, indent=2))
    return found


def cache_key(pins: list[str]) -> str:
    """Sizes are reused only for exactly the same pins on exactly the same platform."""
    return hashlib.sha256(json.dumps([pins, TARGET]).encode()).hexdigest()


def _install(name: str, pins: list[str], cache: Path) -> dict[str, Any]:
    wheels, target = cache / "wheels", cache / f"site-{name}"
    listing = cache / f"{name}.txt"
    listing.write_text("\n".join(pins) + "\n")
    shutil.rmtree(target, ignore_errors=True)
    say(f"sizes: {name}: downloading wheels into {wheels} (cached after the first run)")
    _pip("download", "-d", str(wheels), *TARGET, "-r", str(listing))
    say(f"sizes: {name}: installing into {target}")
    # Without bytecode: pip would compile it with this interpreter, not the image's 3.13.
    _pip(
        "install", "--no-index", "--find-links", str(wheels), "--target", str(target),
        "--no-compile", *TARGET, "-r", str(listing),
    )  # fmt: skip
    size = measure(target)
    shutil.rmtree(target)
    say(f"sizes: {name}: {size['bytes'] / 1e6:,.1f} MB in {size['files']:,} files")
    return size


def measure(folder: Path) -> dict[str, Any]:
    """Bytes of the regular files under `folder`, in all and per top-level entry (largest first)."""
    total = files = 0
    by_top: dict[str, int] = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            size = path.stat().st_size
            total, files = total + size, files + 1
            top = path.relative_to(folder).parts[0]
            by_top[top] = by_top.get(top, 0) + size
    largest = sorted(by_top.items(), key=lambda kv: -kv[1])[:6]
    return {"bytes": total, "files": files, "largest": dict(largest)}


def _image_pins(text: str) -> list[str]:
    # Hash-pinned files continue a requirement over lines with `\` and add `--hash=` options.
    pins = []
    for line in text.replace("\\\n", " ").splitlines():
        line = " ".join(w for w in line.split("#")[0].split() if not w.startswith("--hash"))
        if not line or line.startswith("-"):
            continue
        req = Requirement(line)
        if req.marker is None or req.marker.evaluate(IMAGE_ENV):
            req.marker = None
            pins.append(str(req))
    return pins


def _version(name: str, fallback_name: str, default: str) -> str:
    """The locked version from this environment, so the comparison follows the lock."""
    for candidate in (name, fallback_name):
        try:
            return importlib.metadata.version(candidate) if candidate else default
        except importlib.metadata.PackageNotFoundError:
            continue
    return default


def _pip(*args: str) -> None:
    # pip is not in the project's venv (uv manages it); bootstrap's .tools has one.
    tools = REPO_ROOT / ".tools" / "bin" / "python"
    python = str(tools) if tools.exists() else sys.executable
    done = subprocess.run(
        [python, "-m", "pip", *args, "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"pip {args[0]} failed:\n{(done.stdout + done.stderr)[-3000:]}")
