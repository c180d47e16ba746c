"""The allowed-origins list: one parser for the service's variable and infra's CDK context."""

from __future__ import annotations

import re
from typing import Final

from handler.constants import ORIGIN_PATTERN

_ORIGIN: Final = re.compile(ORIGIN_PATTERN)
PROBLEM: Final = "each origin must be scheme://host[:port], no '*' and no path"


def parse_origins(value: object) -> tuple[str, ...]:
    """Origins from a comma-separated string or a list; ValueError (naming the rule) otherwise.

    A wildcard or a URL with a path would not do what the operator expects, so both are refused.
    """
    if isinstance(value, str):
        items: list[object] = [part.strip() for part in value.split(",") if part.strip()]
    elif isinstance(value, list | tuple):
        items = list(value)
    else:
        raise ValueError("expected a list or comma-separated origins")
    origins = tuple(item for item in items if isinstance(item, str) and _ORIGIN.fullmatch(item))
    if len(origins) != len(items):
        raise ValueError(PROBLEM)
    return origins
