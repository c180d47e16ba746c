"""The request contract the API and bulk jobs share: limits, request models and refusals' wording.

Request bounds come from the settings, so `request_models` builds the request classes for one set
of limits; the routes and bulk jobs validate with them and the published schema is generated from
them, so it states exactly the bounds the service applies. `describe` words a refused request
without quoting it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from handler.inference.text import LONE_SURROGATE

if TYPE_CHECKING:
    from handler.settings import Settings

# Whitespace is what Python's str.isspace() calls whitespace, spelled out as code points: `\s`
# means one set to Python's re (which checks requests) and another to ECMA-262, whose regexes
# OpenAPI tools use to read the published pattern (U+001C-U+001F, U+0085, U+FEFF differ), so the
# schema admitted texts the service refused. Both engines read these escapes alike.
WHITESPACE = (
    r"\u0009-\u000d\u001c-\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
# A text is not blank when this finds a character in it (re.search): the schema's `pattern`.
NOT_BLANK = f"[^{WHITESPACE}]"


# Names the request's fields may use in error messages; anything else could be the client's text.
_FIELDS = frozenset({"text", "texts", "explain", "sentences"})
_MESSAGES = {
    "string_pattern_mismatch": "must contain a non-whitespace character",
    "extra_forbidden": "unknown field",
}


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
    # such as "txt" fails loudly instead of being ignored. Validators are built at first use:
    # only `request_models`' subclasses validate, and a cold start answers before any batch.
    model_config = ConfigDict(
        strict=True, extra="forbid", regex_engine="python-re", defer_build=True
    )


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


def describe(errors: Sequence[Any]) -> str:
    """`field: problem` for the first error, built from field names and pydantic's wording only."""
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"] if isinstance(part, int) or part in _FIELDS)
    message = _MESSAGES.get(first["type"], first["msg"])
    more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
    return f"{where or 'body'}: {message}{more}"[:300]
