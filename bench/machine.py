"""The machine the figures were measured on, with the CPU features int8 speed needs.

LiteRT's int8 kernels are several times faster with AVX-512 VNNI (or AVX-VNNI) than with AVX2
alone, and on Arm with the dot-product extension; Lambda's fleet has CPUs of each kind, so the
report names the features of the CPU it ran on beside the figures.
"""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path
from typing import Any

import psutil

# /proc/cpuinfo flag -> what the report calls it ("flags" on x86, "Features" on Arm).
ISA_FLAGS = {
    "avx2": "AVX2",
    "avx512f": "AVX-512",
    "avx512_vnni": "AVX-512 VNNI",
    "avx_vnni": "AVX-VNNI",
    "asimddp": "Arm dot-product",
}


def cpuinfo(text: str | None = None) -> dict[str, str]:
    """The first value of each key of /proc/cpuinfo (or of the text given)."""
    if text is None:
        path = Path("/proc/cpuinfo")
        text = path.read_text() if path.exists() else ""
    found: dict[str, str] = {}
    for line in text.splitlines():
        key, _, value = line.partition(":")
        found.setdefault(key.strip(), value.strip())
    return found


def isa_features(text: str | None = None) -> dict[str, bool]:
    """{feature: present} for each feature in ISA_FLAGS."""
    info = cpuinfo(text)
    flags = set((info.get("flags") or info.get("Features") or "").split())
    return {label: flag in flags for flag, label in ISA_FLAGS.items()}


def describe() -> dict[str, Any]:
    """CPU and its features, cores, memory, OS, date, and how busy the machine was."""
    return {
        "cpu": cpuinfo().get("model name") or platform.processor() or platform.machine(),
        "isa": isa_features(),
        "arch": platform.machine(),
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(psutil.virtual_memory().total / 1024**3, 1),
        "os": f"{platform.system()} {platform.release()}",
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": load_average(),
    }


def load_average() -> list[float]:
    """1, 5 and 15 minute load averages: how much else the machine was doing."""
    return [round(x, 2) for x in os.getloadavg()]
