"""Request and response bodies of the v1 API (docs/api-contract.md).

Request bounds come from the settings, so `request_models` builds the request classes for one set
of limits; the routes validate with them and the published schema is generated from them, so it
states exactly the bounds the service applies. The response classes document the answers (the
routes build those as plain dictionaries); `handler.api.openapi` turns them into the schema.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model
from pydantic.json_schema import SkipJsonSchema

from handler.constants import MODEL_CARD_PATH
from handler.inference.text import LONE_SURROGATE

if TYPE_CHECKING:
    from handler.inference.manifest import Manifest
    from handler.settings import Settings

Label = Literal["negative", "positive"]
# Whitespace is what Python's str.isspace() calls whitespace, spelled out as code points: `\s`
# means one set to Python's re (which checks requests) and another to ECMA-262, whose regexes
# OpenAPI tools use to read the published pattern (U+001C-U+001F, U+0085, U+FEFF differ), so the
# schema admitted texts the service refused. Both engines read these escapes alike.
WHITESPACE = (
    r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
# A text is not blank when this finds a character in it (re.search): the schema's `pattern`.
NOT_BLANK = f"[^{WHITESPACE}]"


class Limits(BaseModel):
    """The request limits in force; `/v1/model` reports them so the page can follow them."""

    model_config = ConfigDict(frozen=True)

    max_text_chars: int
    max_batch_items: int
    max_body_bytes: int
    max_explained_words: int = Field(description="explanations cover the first N distinct words")
    max_sentences: int = Field(description="sentences per text with sentences=true")
    max_batch_sentences: int = Field(
        description="sentences in all of a batch's texts together with sentences=true"
    )

    @classmethod
    def of(cls, settings: Settings, max_explained_words: int) -> Limits:
        """The limits these settings put on a request (the API's and a bulk job's alike)."""
        return cls(
            max_text_chars=settings.max_text_chars,
            max_batch_items=settings.max_batch_items,
            max_body_bytes=settings.max_body_bytes,
            max_explained_words=max_explained_words,
            max_sentences=settings.max_sentences,
            max_batch_sentences=settings.max_batch_sentences,
        )


def _replace_lone_surrogates(value: object) -> object:
    # JSON may escape half a surrogate pair ("\ud800"); pydantic refuses such strings outright, the
    # tokenizer ignores them anyway. U+FFFD keeps the length, so the length limit still holds.
    if isinstance(value, str):
        return LONE_SURROGATE.sub("\ufffd", value)
    return value


class _Strict(BaseModel):
    # Strict: "true" is not a boolean and 1 is not a string. Unknown fields are refused so a typo
    # such as "txt" fails loudly instead of being ignored.
    model_config = ConfigDict(strict=True, extra="forbid", regex_engine="python-re")


class PredictRequest(_Strict):
    text: str
    explain: bool = Field(False, description="also return per-word occlusion weights")
    sentences: bool = False


class BatchRequest(_Strict):
    texts: list[str]
    sentences: bool = False


class RequestModels(NamedTuple):
    predict: type[PredictRequest]
    batch: type[BatchRequest]


def request_models(limits: Limits) -> RequestModels:
    """`PredictRequest` and `BatchRequest` with the limits' bounds on every text and the batch."""
    text = Annotated[
        str,
        Field(
            min_length=1,
            max_length=limits.max_text_chars,
            pattern=NOT_BLANK,
            description="a movie review; not blank; length in Unicode code points",
            examples=["A moving, beautifully acted film."],
        ),
        # After the Field, so the constraints stay on the string schema (and in the docs).
        BeforeValidator(_replace_lone_surrogates),
    ]
    texts = Annotated[list[text], Field(min_length=1, max_length=limits.max_batch_items)]
    # The sentence limits depend on the splitter, not on the JSON: stated here, checked by the
    # routes (422 `too_many_sentences`).
    each = f"at most {limits.max_sentences} sentences a text"
    one = Field(False, description=f"also answer for each sentence of the text ({each})")
    every = Field(
        False,
        description=f"also answer for each sentence of every text ({each}, "
        f"{limits.max_batch_sentences} in all)",
    )
    predict = create_model(
        "PredictRequest", __base__=PredictRequest, text=(text, ...), sentences=(bool, one)
    )
    batch = create_model(
        "BatchRequest", __base__=BatchRequest, texts=(texts, ...), sentences=(bool, every)
    )
    return RequestModels(predict, batch)


class _Answer(BaseModel):
    # Only the published schema reads these classes (the routes answer with plain dictionaries):
    # their validators are built when `handler.api.openapi` first asks, not at every cold start.
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


class WordWeight(_Answer):
    word: str = Field(description="the word as normalised by the shared text pipeline")
    weight: float = Field(
        description="log-odds of positive with the word minus without it (0 below the model's resolution)"
    )


class PredictResponse(TextPrediction):
    model_version: str
    explanation: list[WordWeight] | None = Field(
        description="with explain=true: one entry per distinct known word, in text order"
    )


class BatchResponse(_Answer):
    predictions: list[TextPrediction] = Field(description="in the order of the request's texts")
    model_version: str


class HealthResponse(_Answer):
    status: Literal["ok"]
    model_version: str


class ModelInfo(BaseModel):
    """The public part of the model's manifest, and the limits in force."""

    model_version: str
    architecture: str
    quantization: str
    evaluated_on: str = Field(description="the data the scores below were measured on")
    accuracy: dict[str, float] = Field(description="keras, float_tflite and int8 on the same data")
    agreement_with_keras: dict[str, dict[str, float]]
    sizes_bytes: dict[str, int]
    inputs: dict[str, int] = Field(description="input name -> length in ids")
    labels: list[Label] = Field(description="output classes in index order")
    sentences: dict[str, dict[str, float]] = Field(
        description="accuracy, calibration error and answers near 0.5 on labelled sentences"
    )
    head: dict[str, Any] = Field(description="how the service mixes and calibrates the outputs")
    limits: Limits
    model_card: str | None = Field(description="path of the model card (Markdown)")

    @classmethod
    def of(cls, manifest: Manifest, limits: Limits, has_card: bool = False) -> ModelInfo:
        metrics = manifest.metrics
        public = manifest.to_json()  # the head as the file writes it: keys sorted, lists
        # Plain strings: pydantic checks that each one is a Label.
        by_index: list[Any] = sorted(manifest.labels, key=manifest.labels.__getitem__)
        return cls(
            model_version=manifest.model_version,
            architecture=manifest.architecture,
            quantization=manifest.quantization,
            evaluated_on=metrics.get("split", ""),
            accuracy={k: v["accuracy"] for k, v in metrics.get("scores", {}).items()},
            agreement_with_keras=metrics.get("agreement_with_keras", {}),
            sizes_bytes=dict(manifest.sizes_bytes),
            inputs=dict(manifest.inputs),
            labels=by_index,
            sentences={
                name: {k: v for k, v in s.items() if k != "n"}
                for name, s in metrics.get("evaluation", {}).get("sentences", {}).items()
            },
            head=public.get("head", {}),
            limits=limits,
            model_card=MODEL_CARD_PATH if has_card else None,
        )


class ErrorDetail(_Answer):
    code: str = Field(examples=["validation_error"])
    message: str = Field(examples=["text: must contain a non-whitespace character"])


class ErrorBody(_Answer):
    """Every error response: small, never quoting the request."""

    error: ErrorDetail
