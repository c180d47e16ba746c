"""The FastAPI application: routes, error mapping, CORS and the body limit, from one factory."""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from handler import logs, routes
from handler.errors import (
    BY_STATUS,
    InternalError,
    InvalidInputError,
    InvalidJsonError,
    RequestError,
    error_body,
)
from handler.middleware import (
    BodyLimitMiddleware,
    JsonCorsMiddleware,
    RequestLogMiddleware,
    RootPathMiddleware,
)
from handler.predictor import MAX_EXPLAINED_WORDS, LitePredictor, Predictor
from handler.schemas import Limits
from handler.settings import Settings, load_settings

DESCRIPTION = """Sentiment of IMDb-style movie reviews from an int8 TFLite model.

Errors are always `{"error": {"code", "message"}}` and never quote the request.
Limits are listed under `limits` in `GET /v1/model`.
"""
# Names the request's fields may use in error messages; anything else could be the client's text.
_FIELDS = frozenset({"text", "texts", "explain"})
_MESSAGES = {
    "string_pattern_mismatch": "must contain a non-whitespace character",
    "extra_forbidden": "unknown field",
}


def create_app(settings: Settings, predictor: Predictor) -> FastAPI:
    """The API over `predictor`, configured by `settings`."""
    limits = Limits(
        max_text_chars=settings.max_text_chars,
        max_batch_items=settings.max_batch_items,
        max_body_bytes=settings.max_body_bytes,
        max_explained_words=MAX_EXPLAINED_WORDS,
    )
    app = FastAPI(
        title="IMDb review sentiment",
        version="1",
        description=DESCRIPTION,
        redoc_url=None,
    )
    app.include_router(routes.build_router(predictor, limits))
    app.add_exception_handler(RequestError, _request_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
    # Added innermost first: the log line then covers everything, CORS headers included on errors.
    app.add_middleware(RootPathMiddleware, root_path=settings.root_path)
    app.add_middleware(BodyLimitMiddleware, max_body_bytes=settings.max_body_bytes)
    if settings.allowed_origins:
        app.add_middleware(
            JsonCorsMiddleware,
            allow_origins=list(settings.allowed_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            expose_headers=["X-Request-Id"],
            max_age=600,
        )
    app.add_middleware(RequestLogMiddleware)
    return app


def app_from_environment() -> FastAPI:
    """Settings, model and app for this process, with one log line about the model load."""
    started = time.perf_counter()
    settings = load_settings()
    logs.configure(settings.log_level)
    predictor = LitePredictor.load(settings.model_dir)
    logs.event(
        "cold_start",
        model_version=predictor.model_version,
        model_load_ms=round((time.perf_counter() - started) * 1000, 2),
    )
    return create_app(settings, predictor)


def _respond(error: RequestError, headers: Mapping[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(error), status_code=error.status, headers=headers)


async def _request_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestError)
    return _respond(exc)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(err["type"] == "json_invalid" for err in errors):
        return _respond(InvalidJsonError())
    return _respond(InvalidInputError(_describe(errors)))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    # Starlette's own refusals: unknown path, wrong method, a body FastAPI could not decode.
    assert isinstance(exc, HTTPException)
    error = BY_STATUS.get(exc.status_code, InternalError)()
    return _respond(error, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # The type and the innermost frame only, never exc_info: any handler that formats a
    # traceback would print the exception's message, and a message may quote the review.
    frame = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f"{Path(frame.filename).name}:{frame.lineno}" if frame else None
    logs.event("unexpected_error", logging.ERROR, error_type=type(exc).__name__, where=where)
    return _respond(InternalError())


def _describe(errors: Any) -> str:
    """`field: problem` for the first error, built from field names and pydantic's wording only."""
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"] if isinstance(part, int) or part in _FIELDS)
    message = _MESSAGES.get(first["type"], first["msg"])
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where or 'body'}: {message}{more}"[:300]
