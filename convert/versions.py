"""Installed versions of the libraries behind a figure. Imports nothing heavy, so the benchmark's
parent process (which must not load TensorFlow) can use it too."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Iterable


def installed(names: Iterable[str]) -> dict[str, str]:
    """{distribution name: version} for those of `names` that are installed."""
    found = {}
    for name in names:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return found
