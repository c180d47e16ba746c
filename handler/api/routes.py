"""The v1 endpoints (docs/api-contract.md), built for one predictor and one set of request models.

The endpoints read and validate their own bodies and answer with what `handler.answers` builds
(as bulk jobs do), so a request costs one JSON parse, one validation and one encode. What `/docs` shows is declared here as
plain dictionaries; the schemas they refer to are generated only when the schema is first asked
for (`handler.api.openapi`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, ValidationError

from handler import answers
from handler.api.schemas import ModelInfo
from handler.constants import (
    BATCH_PATH,
    HEALTH_PATH,
    MODEL_CARD_PATH,
    MODEL_PATH,
    PREDICT_PATH,
)
from handler.errors import InvalidInputError, InvalidJsonError, UnsupportedMediaTypeError
from handler.inference.predictor import Predictor
from handler.observability import metrics
from handler.requests import Limits, RequestModels, describe

REF = "#/components/schemas/{model}"
_WHY = {
    400: "`invalid_json`: the body is not JSON (or not UTF-8)",
    413: "`payload_too_large`: the body is over `max_body_bytes`",
    415: "`unsupported_media_type`: Content-Type is not application/json",
    422: "`validation_error`: wrong shape or types, blank text, a text or batch over its limit; "
    "`too_many_sentences`: with sentences=true, more sentences than `max_sentences` in a text "
    "or `max_batch_sentences` in a batch",
    503: "`model_unavailable`: the model could not answer; retrying may succeed",
}
BODY_ERRORS = (400, 413, 415, 422, 503)
Body = TypeVar("Body", bound=BaseModel)


def build_router(
    predictor: Predictor, models: RequestModels, limits: Limits, model_card: str | None = None
) -> APIRouter:
    """The v1 routes over `predictor`, validating request bodies with `models`."""
    model_info = ModelInfo.of(predictor.manifest, limits, has_card=model_card is not None)
    model_info_json = model_info.model_dump(mode="json")
    router = APIRouter(tags=["v1"])

    # `async def`: the work is short and Lambda sends one request at a time, so a thread-pool
    # hop per request would only add latency. Under uvicorn this runs on the event loop.
    @router.post(
        PREDICT_PATH,
        summary="Sentiment of one review, optionally with per-word weights and per-sentence answers",
        **_documented("PredictResponse", models.predict, BODY_ERRORS),
    )
    async def predict(request: Request) -> JSONResponse:
        body = await read_body(request, models.predict)
        request.state.text_chars = len(body.text)
        spans = answers.split([body.text], limits.max_sentences)[0] if body.sentences else None
        found = answers.predict_answer(predictor, body.text, body.explain, spans)
        metrics.record([a.probability for a in found.answers], [len(body.text)])
        return JSONResponse(found.body)

    @router.post(
        BATCH_PATH,
        summary="Sentiment of several reviews in one model call, in order",
        **_documented("BatchResponse", models.batch, BODY_ERRORS),
    )
    async def predict_batch(request: Request) -> JSONResponse:
        body = await read_body(request, models.batch)
        request.state.text_chars = sum(len(t) for t in body.texts)
        spans = None
        if body.sentences:
            spans = answers.split(body.texts, limits.max_sentences, limits.max_batch_sentences)
        found = answers.batch_answer(predictor, body.texts, spans)
        metrics.record([a.probability for a in found.answers], [len(t) for t in body.texts])
        return JSONResponse(found.body)

    @router.get(HEALTH_PATH, summary="Whether the model answers", **_documented("HealthResponse"))
    async def health() -> JSONResponse:
        return JSONResponse(answers.health_answer(predictor))  # ModelUnavailableError -> 503

    @router.get(
        MODEL_PATH,
        summary="The model's manifest (public part) and the limits in force",
        **_documented("ModelInfo", errors=()),
    )
    async def model() -> JSONResponse:
        return JSONResponse(model_info_json)

    if model_card is not None:
        card = model_card

        @router.get(
            MODEL_CARD_PATH,
            summary="The model card: intended use, training, evaluation and failure modes",
            response_class=PlainTextResponse,
            responses={200: {"content": {"text/markdown": {}}}},
        )
        async def card_text() -> PlainTextResponse:
            return PlainTextResponse(card, media_type="text/markdown; charset=utf-8")

    return router


async def read_body(request: Request, model: type[Body]) -> Body:
    """The request body as `model`: 415 unless declared JSON, 400 unless JSON, 422 unless valid.

    The same decisions FastAPI makes for a body parameter, in the same order.
    """
    raw = await request.body()
    if not raw:  # an empty body is left to validation: 422
        raise InvalidInputError("body: field required")
    mime = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if mime != "application/json" and not (
        mime.startswith("application/") and mime.endswith("+json")
    ):
        raise UnsupportedMediaTypeError()
    try:
        # The standard library's parser, as FastAPI's: it accepts NaN and lone surrogates
        # (replaced by the schema), and refuses integers too long to convert.
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise InvalidJsonError() from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise InvalidInputError(describe(exc.errors())) from None


def _documented(
    answer: str, body: type[BaseModel] | None = None, errors: Sequence[int] = (503,)
) -> dict[str, Any]:
    """Route keywords that document the request body, the answer and the errors, as references
    into the schema's components (which `handler.api.openapi` fills in)."""
    responses: dict[int | str, dict[str, Any]] = {
        200: {"description": "Successful Response", "content": _json(answer)},
        **{s: {"description": _WHY[s], "content": _json("ErrorBody")} for s in errors},
    }
    if body is None:
        return {"responses": responses}
    request_body = {"required": True, "content": _json(body.__name__)}
    return {"responses": responses, "openapi_extra": {"requestBody": request_body}}


def _json(model: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": REF.format(model=model)}}}
