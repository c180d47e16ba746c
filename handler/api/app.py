"""The FastAPI application: routes, error mapping, CORS and the body limit, from one factory."""

from __future__ import annotations

import logging
import time
import traceback
from pathlib import Path
from typing import Any, NamedTuple

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from handler import constants
from handler.api import routes
from handler.api.middleware import error_response, layers
from handler.errors import (
    BY_STATUS,
    InternalError,
    InvalidInputError,
    InvalidJsonError,
    RequestError,
)
from handler.inference.predictor import MAX_EXPLAINED_WORDS, LitePredictor, Predictor
from handler.observability import logs
from handler.requests import Limits, RequestModels, describe, request_models
from handler.settings import Settings, load_settings

DESCRIPTION = """Sentiment of IMDb-style movie reviews from an int8 TFLite model.

Errors are always `{"error": {"code", "message"}}` and never quote the request.
Limits are listed under `limits` in `GET /v1/model`.
"""


class ServiceApp(FastAPI):
    """FastAPI, with the schema's components generated the first time the schema is asked for."""

    def __init__(self, requests: RequestModels, **options: Any) -> None:
        super().__init__(**options)
        self.requests = requests

    def openapi(self) -> dict[str, Any]:
        schema = super().openapi()
        found = schema.setdefault("components", {}).setdefault("schemas", {})
        if "ErrorBody" not in found:  # a fresh schema: FastAPI rebuilds it when routes change
            from handler.api.openapi import components  # only /docs and /openapi.json need it

            found.update(components(self.requests))
        return schema


def create_app(settings: Settings, predictor: Predictor) -> FastAPI:
    """The API over `predictor`, configured by `settings`."""
    limits = Limits.of(settings, MAX_EXPLAINED_WORDS)
    requests = request_models(limits)
    app = ServiceApp(
        requests,
        title="IMDb review sentiment",
        version="1",
        description=DESCRIPTION,
        redoc_url=None,
        middleware=layers(
            max_body_bytes=settings.max_body_bytes,
            root_path=settings.root_path,
            allowed_origins=settings.allowed_origins,
        ),
    )
    app.include_router(
        routes.build_router(predictor, requests, limits, _model_card(settings.model_dir))
    )
    app.add_exception_handler(RequestError, _request_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    return app


def _model_card(model_dir: Path) -> str | None:
    """The card shipped beside the model, if any (a model without one still serves)."""
    try:
        return (model_dir / constants.MODEL_CARD_FILE).read_text(encoding="utf-8")
    except OSError:
        return None


class Service(NamedTuple):
    """What `service_from_environment` built, so that no caller has to read it again."""

    app: FastAPI
    predictor: LitePredictor


def service_from_environment() -> Service:
    """Settings, model and app for this process, with one log line about the model load.

    The settings are read and the manifest is loaded here, once; the entry point takes the
    model version for its metrics from what this returns.
    """
    started = time.perf_counter()
    settings = load_settings()
    logs.configure(settings.log_level)
    predictor = LitePredictor.load(settings.model_dir)
    logs.event(
        "cold_start",
        model_version=predictor.model_version,
        model_load_ms=round((time.perf_counter() - started) * 1000, 2),
    )
    return Service(create_app(settings, predictor), predictor)


async def _request_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestError)
    return error_response(exc)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(err["type"] == "json_invalid" for err in errors):
        return error_response(InvalidJsonError())
    return error_response(InvalidInputError(describe(errors)))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette's own refusals: unknown path, wrong method, a body FastAPI could not decode.
    assert isinstance(exc, HTTPException)
    error = BY_STATUS.get(exc.status_code, InternalError)()
    return error_response(error, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The type and the innermost frame only, never exc_info: any handler that formats a
    # traceback would print the exception's message, and a message may quote the review.
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f"{Path(frame.filename).name}:{frame.lineno}" if frame else None
    logs.event("unexpected_error", logging.ERROR, error_type=type(exc).__name__, where=where)
    return error_response(InternalError())
