"""What only `/docs` and `/openapi.json` need: the schema's components, generated on first use.

The routes refer to these components by name (`handler.api.routes`); building them at start-up would
only slow every cold start down for a page that most invocations never serve.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from handler.api.responses import BatchResponse, ErrorBody, HealthResponse, PredictResponse
from handler.api.routes import REF
from handler.api.schemas import ModelInfo
from handler.requests import RequestModels

ANSWERS = (PredictResponse, BatchResponse, HealthResponse, ModelInfo, ErrorBody)


def components(requests: RequestModels) -> dict[str, Any]:
    """JSON schemas of the request bodies (as validated) and the answers (as sent), by name."""
    models: list[tuple[type[BaseModel], JsonSchemaMode]] = [
        *((model, "validation") for model in requests),
        *((model, "serialization") for model in ANSWERS),
    ]
    _, found = models_json_schema(models, ref_template=REF)
    return dict(found["$defs"])
