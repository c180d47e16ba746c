"""One JSON object per line on stdout, which CloudWatch and `jq` both read as it is.

Callers pass named fields only; nothing here ever receives a request body, so review text cannot
reach the logs by accident. Inside a Lambda invocation every line also carries the function version
and a correlation id (the API Gateway request id, which the access log records as `requestId`).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

LOGGER = logging.getLogger("sentiment")
# A context variable, not a global: the ASGI tasks of one invocation inherit it, nothing else does.
_INVOCATION: ContextVar[Mapping[str, str] | None] = ContextVar("invocation", default=None)
# Lambda sets it before the import, so even the cold-start line names the version.
_FUNCTION_VERSION = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "event": record.getMessage(),
            **({"function_version": _FUNCTION_VERSION} if _FUNCTION_VERSION else {}),
            **(_INVOCATION.get() or {}),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            # The exception type only: a traceback's locals and messages may quote the input.
            entry["exception"] = record.exc_info[0].__name__ if record.exc_info[0] else None
        return json.dumps(entry, default=str)


class _StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to `sys.stdout` as it is at each record, so a replaced stdout is followed."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def configure(level: str = "INFO") -> None:
    """Send the service's records to stdout as JSON; safe to call more than once."""
    if not any(isinstance(h, _StdoutHandler) for h in LOGGER.handlers):
        handler = _StdoutHandler()
        handler.setFormatter(JsonFormatter())
        LOGGER.addHandler(handler)
    LOGGER.setLevel(level)
    # Lambda's runtime gives the root logger its own text handler; stay out of it.
    LOGGER.propagate = False


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    LOGGER.log(level, name, extra={"fields": fields})


@contextmanager
def invocation(event: Mapping[str, Any], context: Any) -> Iterator[None]:
    """Add the function version and the API Gateway request id to every line logged inside."""
    request_context = event.get("requestContext")
    request_id = request_context.get("requestId") if isinstance(request_context, Mapping) else None
    fields = {
        "function_version": getattr(context, "function_version", None),
        "correlation_id": request_id,
    }
    token = _INVOCATION.set({k: str(v) for k, v in fields.items() if isinstance(v, str | int)})
    try:
        yield
    finally:
        _INVOCATION.reset(token)
