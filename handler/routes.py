"""The v1 endpoints (docs/api-contract.md).

No `from __future__ import annotations` here: FastAPI reads the endpoints' annotations at run
time, and they name request classes that exist only inside `build_router`.
"""

import inspect
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel

from handler import metrics
from handler.errors import UnsupportedMediaTypeError
from handler.predictor import Predictor
from handler.schemas import (
    BatchRequest,
    BatchResponse,
    ErrorBody,
    HealthResponse,
    Limits,
    ModelInfo,
    Prediction,
    PredictRequest,
    PredictResponse,
    WordWeight,
    request_models,
)


def _errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": ErrorBody, "description": _WHY[status]} for status in statuses}


_WHY = {
    400: "`invalid_json`: the body is not JSON (or not UTF-8)",
    413: "`payload_too_large`: the body is over `max_body_bytes`",
    415: "`unsupported_media_type`: Content-Type is not application/json",
    422: "`validation_error`: wrong shape or types, blank text, a text or batch over its limit",
    503: "`model_unavailable`: the model could not answer; retrying may succeed",
}
BODY_ERRORS = _errors(400, 413, 415, 422, 503)


async def require_json(request: Request) -> None:
    """415 for a body that is not declared as JSON (an empty body is left to validation: 422)."""
    if not await request.body():
        return
    mime = request.headers.get("content-type", "").split(";")[0].strip().lower()
    # The same rule FastAPI uses to decide whether it parses the body as JSON.
    if mime != "application/json" and not (
        mime.startswith("application/") and mime.endswith("+json")
    ):
        raise UnsupportedMediaTypeError()


Body = TypeVar("Body", bound=BaseModel)


def body_as(model: type[Body]) -> Any:
    """A dependency that is the request body validated as `model`.

    The bounded request classes only exist once the settings are known, so the endpoints declare
    the static base class for mypy and take the body through this dependency, whose signature
    (which FastAPI reads for validation and the schema) names the bounded class.
    """

    def body(body: Any) -> Any:
        return body

    body.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter("body", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=model)]
    )
    return Depends(body)


def _prediction(probability: float) -> dict[str, Any]:
    p = round(min(max(probability, 0.0), 1.0), 6)
    return {"label": "positive" if p >= 0.5 else "negative", "probability": p}


def build_router(predictor: Predictor, limits: Limits) -> APIRouter:
    """The v1 routes over `predictor`, validating requests against `limits`."""
    predict_body, batch_body = request_models(limits)
    model_info = ModelInfo.of(predictor.manifest, limits)
    router = APIRouter(prefix="/v1", tags=["v1"])

    @router.post(
        "/predict",
        summary="Sentiment of one review, optionally with per-word weights",
        responses=BODY_ERRORS,
        dependencies=[Depends(require_json)],
    )
    def predict(
        body: Annotated[PredictRequest, body_as(predict_body)], request: Request
    ) -> PredictResponse:
        request.state.text_chars = len(body.text)
        if body.explain:
            probability, weights = predictor.explain(body.text)
            explanation = [WordWeight(word=w, weight=round(v, 6)) for w, v in weights]
        else:
            (probability,), explanation = predictor.predict([body.text]), None
        metrics.record([probability], [len(body.text)])
        return PredictResponse(
            **_prediction(probability),
            model_version=predictor.model_version,
            explanation=explanation,
        )

    @router.post(
        "/predict/batch",
        summary="Sentiment of several reviews in one model call, in order",
        responses=BODY_ERRORS,
        dependencies=[Depends(require_json)],
    )
    def predict_batch(
        body: Annotated[BatchRequest, body_as(batch_body)], request: Request
    ) -> BatchResponse:
        request.state.text_chars = sum(len(t) for t in body.texts)
        probabilities = predictor.predict(body.texts)
        metrics.record(probabilities, [len(t) for t in body.texts])
        return BatchResponse(
            predictions=[Prediction(**_prediction(p)) for p in probabilities],
            model_version=predictor.model_version,
        )

    @router.get(
        "/health",
        summary="Whether the model answers",
        responses=_errors(503),
    )
    def health() -> HealthResponse:
        predictor.predict(["health check"])  # raises ModelUnavailableError -> 503
        return HealthResponse(status="ok", model_version=predictor.model_version)

    @router.get("/model", summary="The model's manifest (public part) and the limits in force")
    def model() -> ModelInfo:
        return model_info

    return router
