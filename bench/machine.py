"""The machine and software the figures were measured on, with the CPU features int8 speed needs.

LiteRT's int8 kernels are several times faster with AVX-512 VNNI (or AVX-VNNI) than with AVX2
alone, and on Arm with the dot-product extension; Lambda's fleet has CPUs of each kind, so the
report names the features of the CPU it ran on beside the figures.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

SERVED = ("ai-edge-litert", "numpy", "fastapi", "starlette", "mangum", "pydantic")
TENSORFLOW = ("tensorflow-cpu", "tensorflow", "keras", "numpy")
# /proc/cpuinfo flag -> what the report calls it ("flags" on x86, "Features" on Arm).
ISA_FLAGS = {
    "avx2": "AVX2",
    "avx512f": "AVX-512",
    "avx512_vnni": "AVX-512 VNNI",
    "avx_vnni": "AVX-VNNI",
    "asimddp": "Arm dot-product",
}
_VERSIONS = (
    "import importlib.metadata as m, json, sys\n"
    "found = {}\n"
    "for name in sys.argv[1:]:\n"
    "    try: found[name] = m.version(name)\n"
    "    except m.PackageNotFoundError: pass\n"
    "print(json.dumps(found))\n"
)


def describe() -> dict[str, Any]:
    """CPU and its features, cores, memory, OS, date, and how busy the machine was."""
    return {
        "cpu": _cpuinfo("model name") or platform.processor() or platform.machine(),
        "isa": isa_features(),
        "arch": platform.machine(),
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(_meminfo_kib("MemTotal") / 1024**2, 1),
        "os": f"{platform.system()} {platform.release()}",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": load_average(),
    }


def isa_features(cpuinfo: str | None = None) -> dict[str, bool]:
    """{feature: present} for each feature in ISA_FLAGS, from /proc/cpuinfo (or the text given)."""
    if cpuinfo is None:
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            cpuinfo = ""
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        name, _, value = line.partition(":")
        if name.strip() in ("flags", "Features"):
            flags.update(value.split())
    return {label: flag in flags for flag, label in ISA_FLAGS.items()}


def environment(python: Path, names: tuple[str, ...]) -> dict[str, Any]:
    """The Python version and library versions of the interpreter at `python`."""
    done = subprocess.run(
        [str(python), "-s", "-c", f"import platform; print(platform.python_version())\n{_VERSIONS}",
         *names],
        capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    version, libraries = done.stdout.splitlines()[:2]
    return {"python": str(python), "version": version, "libraries": json.loads(libraries)}


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages: how much else the machine was doing."""
    return [round(x, 2) for x in os.getloadavg()]


def _cpuinfo(key: str) -> str | None:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        name, _, value = line.partition(":")
        if name.strip() == key:
            return value.strip()
    return None


def _meminfo_kib(key: str) -> int:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0
