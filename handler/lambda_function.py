"""The Lambda entry point (`CMD ["handler.lambda_function.handler"]`).

The app, its settings and the model are built when Lambda imports this module: once per
container, before the first request. Mangum's lifespan is off because it would run on every call.
Powertools does the rest: each invocation's log lines carry its Lambda keys and correlation id
(handler.observability.logs), and it ends with one EMF line of metrics, plus ColdStart once (handler.observability.metrics).
"""

from __future__ import annotations

import asyncio
from typing import Any, Final

from mangum import Mangum

from handler.api.app import service_from_environment
from handler.api.middleware import ContainErrors
from handler.observability import logs, metrics

_service = service_from_environment()
app = _service.app
_adapter = Mangum(ContainErrors(app), lifespan="off")
metrics.configure(_service.predictor.model_version)

# What Powertools reads from the context, and what it gets when a caller's context lacks it.
# Lambda's own always has all four; a local run, a test or the benchmark may pass less, or None.
_POWERTOOLS_FIELDS: Final[dict[str, Any]] = {
    "function_name": "UNDEFINED",
    "memory_limit_in_mb": 128,
    "invoked_function_arn": "UNDEFINED",
    "aws_request_id": None,  # none: the request log makes up its own id
}


class _Filled:
    """A partial context with Powertools' fields filled in; everything else is the caller's."""

    def __init__(self, context: Any) -> None:
        self._context = context

    def __getattr__(self, name: str) -> Any:
        if hasattr(self._context, name):
            return getattr(self._context, name)
        if name in _POWERTOOLS_FIELDS:
            return _POWERTOOLS_FIELDS[name]
        raise AttributeError(name)


@logs.lambda_context
@metrics.collected
def _serve(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Mangum runs each request on the thread's current event loop. Anything that called
    # asyncio.run() in this thread (an extension, a test) left none behind, so set one up again.
    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_event_loop()
    except RuntimeError:
        loop = None
    if loop is None or loop.is_closed():
        asyncio.set_event_loop(asyncio.new_event_loop())
    return _adapter(event, context)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if not all(hasattr(context, name) for name in _POWERTOOLS_FIELDS):
        context = _Filled(context)
    return _serve(event, context)
