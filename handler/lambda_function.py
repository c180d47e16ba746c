"""The Lambda entry point (`CMD ["handler.lambda_function.handler"]`).

The app, its settings and the model are built when Lambda imports this module: once per
container, before the first request. Mangum's lifespan is off because it would run on every call.
Each invocation logs with its function version and correlation id, and ends with one EMF line of
metrics (handler.metrics).
"""

from __future__ import annotations

import asyncio
from typing import Any

from mangum import Mangum

from handler import logs, metrics
from handler.app import service_from_environment
from handler.middleware import ContainErrors

_service = service_from_environment()
app = _service.app
_adapter = Mangum(ContainErrors(app), lifespan="off")
metrics.configure(_service.predictor.model_version)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # Mangum runs each request on the thread's current event loop. Anything that called
    # asyncio.run() in this thread (an extension, a test) left none behind, so set one up again.
    try:
        loop: asyncio.AbstractEventLoop | None = asyncio.get_event_loop()
    except RuntimeError:
        loop = None
    if loop is None or loop.is_closed():
        asyncio.set_event_loop(asyncio.new_event_loop())
    with logs.invocation(event, context), metrics.invocation() as outcome:
        response = _adapter(event, context)
        outcome["status"] = int(response.get("statusCode", 500))
    return response
