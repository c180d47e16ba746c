"""The machine and software the figures were measured on."""

from __future__ import annotations

import datetime
import os
import platform
from pathlib import Path
from typing import Any

from convert.versions import installed

LIBRARIES = (
    "ai-edge-litert",
    "numpy",
    "fastapi",
    "starlette",
    "mangum",
    "pydantic",
    "httpx",
    "tensorflow-cpu",
    "tensorflow",
    "keras",
)


def describe() -> dict[str, Any]:
    """CPU, cores, memory, OS, Python, library versions, date, and how busy the machine was."""
    return {
        "cpu": _cpuinfo("model name") or platform.processor() or "unknown",
        "logical_cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "memory_gib": round(_meminfo_kib("MemTotal") / 1024**2, 1),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "libraries": installed(LIBRARIES),
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "load_average_at_start": load_average(),
    }


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
