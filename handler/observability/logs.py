"""One JSON object per line on stdout (Powertools Logger), which CloudWatch and `jq` both read.

Callers pass an event name and named fields only (not named like a `LogRecord`'s own attributes);
nothing here ever receives a request body, so review text cannot reach the logs by accident.
Never pass `exc_info`: Powertools would print the traceback, and its messages may quote the input.

A line is Powertools' own: `level`, `location`, `message` (the event's name), `timestamp`,
`service`, then the fields. Inside a Lambda invocation (`lambda_context`, on the entry point) it
also carries Powertools' Lambda keys (`cold_start`, `function_name`, `function_request_id`, ...)
and a `correlation_id`, the API Gateway request id, which the access log records as `requestId`.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from typing import Any, Final, TypeVar

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging import correlation_paths

from handler.constants import SERVICE_NAME

Handler = TypeVar("Handler", bound=Callable[..., Any])

# `requestContext.requestId`: where HTTP API (v2), REST (v1) and function URL events all keep it.
CORRELATION_ID_PATH: Final = correlation_paths.API_GATEWAY_HTTP


class _StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to `sys.stdout` as it is at each record, so a replaced stdout is followed."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


_POWERTOOLS = Logger(
    service=SERVICE_NAME, logger_handler=_StdoutHandler(), utc=True, use_rfc3339=True
)
# The standard logger underneath, which `event` writes to (and a benchmark may disable).
LOGGER: Final = logging.getLogger(SERVICE_NAME)


def configure(level: str = "INFO") -> None:
    """Set the level of the service's records; safe to call more than once."""
    LOGGER.setLevel(level)
    # Powertools only filters the root handlers there are when it starts; stay out of all of them
    # (Lambda's runtime gives the root logger its own text handler).
    LOGGER.propagate = False
    # Lambda sets it before the import, so even the cold-start line names the version.
    _POWERTOOLS.append_keys(function_version=os.environ.get("AWS_LAMBDA_FUNCTION_VERSION"))


def event(name: str, level: int = logging.INFO, **fields: Any) -> None:
    # stacklevel 2: the line's `location` is the caller's, not this function's.
    LOGGER.log(level, name, extra=fields, stacklevel=2)


def lambda_context(handler: Handler) -> Handler:
    """Wrap the entry point: Powertools' Lambda keys and the correlation id on every line inside."""
    # log_event=False said outright: else POWERTOOLS_LOGGER_LOG_EVENT=true would log whole events,
    # bodies and their reviews included.
    return _POWERTOOLS.inject_lambda_context(
        handler, log_event=False, correlation_id_path=CORRELATION_ID_PATH
    )
