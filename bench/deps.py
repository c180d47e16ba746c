"""Installed size of the Python dependencies each approach ships in a Lambda image.

uv installs each set for the image's platform (CPython 3.13, manylinux x86_64: markers are
evaluated for it, not for this interpreter) into a scratch folder, without bytecode, and the set
is measured from what was installed: every distribution's files, as its RECORD lists them. uv's
cache keeps the wheels, so only the first run downloads them.
"""

from __future__ import annotations

import importlib.metadata
import shutil
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from bench.runner import say, uv
from convert.versions import installed
from scripts.paths import REQUIREMENTS

# public.ecr.aws/lambda/python:3.13 is Amazon Linux 2023, glibc 2.34.
IMAGE = ["--python-platform", "x86_64-manylinux_2_34", "--python-version", "3.13"]
LITERT = "ai-edge-litert"


def requirement_sets() -> dict[str, list[str] | None]:
    """What each set adds to handler/requirements.txt: nothing for the served image; TensorFlow
    (or tensorflow-cpu) and Keras at the versions this environment holds, for the original
    approach, whose size leaves LiteRT out (it does not need it; keeping it would flatter the
    ratio). None for the TensorFlow sets when this environment holds no TensorFlow to take
    versions from."""
    found = installed(["tensorflow-cpu", "tensorflow", "keras"])
    tf, keras = found.get("tensorflow-cpu") or found.get("tensorflow"), found.get("keras")
    if tf is None or keras is None:
        return {"litert": [], "tensorflow": None, "tensorflow_cpu": None}
    return {"litert": [], "tensorflow": [f"tensorflow=={tf}", f"keras=={keras}"],
            "tensorflow_cpu": [f"tensorflow-cpu=={tf}", f"keras=={keras}"]}  # fmt: skip


def footprints(scratch: Path, *, offline: bool) -> dict[str, Any]:
    """{set name: size}; None for every set when `offline`, and for one it cannot name."""
    found: dict[str, Any] = {}
    for name, extra in requirement_sets().items():
        if extra is None or offline:
            say(f"sizes: {name} skipped ({'offline' if offline else 'no TensorFlow here'})")
            found[name] = None
            continue
        target = scratch / f"site-{name}"
        say(f"sizes: {name}: installing for the image into {target}")
        uv("pip", "install", "--quiet", "--target", str(target), *IMAGE, "--only-binary", ":all:",
           "--no-compile", "-r", str(REQUIREMENTS), *extra)  # fmt: skip
        leave_out = LITERT if extra else None
        found[name] = {"requirements": extra, **measure(target, leave_out=leave_out)}
        shutil.rmtree(target)
    return found


def measure(site: Path, *, leave_out: str | None = None) -> dict[str, Any]:
    """Bytes and files of the distributions installed in `site` (all but `leave_out`), in all and
    for the largest six."""
    by_name: dict[str, int] = {}
    files = 0
    for dist in importlib.metadata.distributions(path=[str(site)]):
        name = canonicalize_name(dist.metadata["Name"])
        present = [p for f in dist.files or () if (p := Path(str(dist.locate_file(f)))).is_file()]
        if name != leave_out:
            by_name[name] = sum(p.stat().st_size for p in present)
            files += len(present)
    largest = dict(sorted(by_name.items(), key=lambda kv: -kv[1])[:6])
    return {"bytes": sum(by_name.values()), "files": files, "largest": largest}
