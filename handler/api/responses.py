"""The answers' bodies as pydantic models: what `/docs` and `/openapi.json` publish.

`handler.answers` builds every answer as typed dictionaries, field for field these models
(`tests/handler/test_answers.py`); only `handler.api.openapi` imports this module, so creating
these classes costs no cold start.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from handler.api.schemas import Label


class _Answer(BaseModel):
    # Only the published schema reads these classes: their validators are built when it is
    # generated, if ever (tests validate answers with them).
    model_config = ConfigDict(defer_build=True)


class Prediction(_Answer):
    label: Label = Field(description="positive when probability >= 0.5")
    probability: float = Field(ge=0.0, le=1.0, description="P(positive), calibrated")
    words_used: int = Field(
        ge=0, description="words of the text the model knows; 0: it cannot judge the text"
    )


class Sentence(Prediction):
    """One sentence's answer: exactly what /v1/predict answers for `text[start:end]` alone."""

    start: int = Field(ge=0, description="offset of its first character, in code points")
    end: int = Field(ge=1, description="offset just past its last character, in code points")


def _absent_when_unset(schema: dict[str, Any]) -> None:
    schema.pop("default", None)  # the field is left out, never sent as null


class TextPrediction(Prediction):
    # Absent, not null, unless asked for: answers without sentences stay as they were.
    sentences: list[Sentence] | SkipJsonSchema[None] = Field(
        None,
        description="with sentences=true: every sentence of the text, in order, whitespace and "
        "`<br />` breaks between them left out; absent otherwise",
        json_schema_extra=_absent_when_unset,
    )


class Occurrence(_Answer):
    """Where one copy of an explained word is in the text."""

    start: int = Field(ge=0, description="offset of its first character, in code points")
    end: int = Field(ge=1, description="offset just past its last character, in code points")


class WordWeight(_Answer):
    word: str = Field(description="the word as normalised by the shared text pipeline")
    weight: float = Field(
        description="log-odds of positive with the word minus without it (0 below the model's resolution)"
    )
    occurrences: list[Occurrence] = Field(
        description="every copy of the word in the text as sent, in order: the characters it was "
        "read from (a ligature or a fullwidth word keeps its length in the text, not the word's)"
    )


class PredictResponse(TextPrediction):
    model_version: str
    explanation: list[WordWeight] | None = Field(
        description="with explain=true: one entry per distinct word as typed that the model "
        "reads as a known word, in text order"
    )


class BatchResponse(_Answer):
    predictions: list[TextPrediction] = Field(description="in the order of the request's texts")
    model_version: str


class HealthResponse(_Answer):
    status: Literal["ok"]
    model_version: str


class ErrorDetail(_Answer):
    code: str = Field(examples=["validation_error"])
    message: str = Field(examples=["text: must contain a non-whitespace character"])


class ErrorBody(_Answer):
    """Every error response: small, never quoting the request."""

    error: ErrorDetail
