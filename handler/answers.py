"""Every answer the service gives, built in one place: the API's routes and bulk jobs both call it.

An answer is a plain dictionary typed as a `TypedDict`, ready for the JSON encoder: building the
pydantic response models (`handler.api.responses`) for each request, or even once at start, would
only add to every cold start what the published schema alone reads. Per-sentence answers are
orchestrated here too, the same way for one text and for a batch: a sentence is a substring cut
by `handler.inference.text.sentence_spans`, and its answer is the predictor's answer for that
substring alone. The whole texts and their sentences go to the model in one call, each distinct
string once. Only the inference wing is imported: answers know nothing of HTTP.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, NamedTuple, NotRequired, TypedDict, TypeVar

from handler.constants import label_of
from handler.errors import TooManySentencesError
from handler.inference.predictor import Answer, Predictor
from handler.inference.text import sentence_spans

Span = tuple[int, int]
Body = TypeVar("Body")


class Sentence(TypedDict):
    start: int
    end: int
    label: str
    probability: float
    words_used: int


class Prediction(TypedDict):
    label: str
    probability: float
    words_used: int
    sentences: NotRequired[list[Sentence]]  # only when asked for


class Occurrence(TypedDict):
    start: int
    end: int


class WordWeight(TypedDict):
    word: str
    weight: float
    occurrences: list[Occurrence]


class PredictAnswer(TypedDict):
    label: str
    probability: float
    words_used: int
    model_version: str
    explanation: list[WordWeight] | None
    sentences: NotRequired[list[Sentence]]


class BatchAnswer(TypedDict):
    predictions: list[Prediction]
    model_version: str


class HealthAnswer(TypedDict):
    status: str
    model_version: str


class Built(NamedTuple, Generic[Body]):
    """An answer's body, and the model's answers for its whole texts (for the metrics, which
    count unrounded probabilities)."""

    body: Body
    answers: list[Answer]


def prediction(answer: Answer) -> Prediction:
    """A text's label, probability (rounded to 6 places) and the words the model used."""
    # The label comes from the unrounded probability: rounding to 6 places must not make a tie.
    p = min(max(answer.probability, 0.0), 1.0)
    return {"label": label_of(p), "probability": round(p, 6), "words_used": answer.words_used}


def _sentence(span: Span, answer: Answer) -> Sentence:
    found = prediction(answer)
    label, probability, words_used = found["label"], found["probability"], found["words_used"]
    return {"start": span[0], "end": span[1], "label": label, "probability": probability,
            "words_used": words_used}  # fmt: skip


def split(texts: Sequence[str], per_text: int, in_all: int | None = None) -> list[list[Span]]:
    """The sentence spans of each text, within `per_text` each and `in_all` together.

    `in_all` is a batch's limit: None for the one text of a single request, whose field the
    messages call `text` (a batch's are `texts.0`, ...). Messages give counts, never the text.
    """
    found: list[list[Span]] = []
    total = 0
    for i, text in enumerate(texts):
        spans = sentence_spans(text)
        if len(spans) > per_text:
            where = "text" if in_all is None else f"texts.{i}"
            raise TooManySentencesError(
                f"{where}: {len(spans)} sentences, over the limit of {per_text}"
            )
        found.append(spans)
        total += len(spans)
        if in_all is not None and total > in_all:  # stop splitting: the answer is no anyway
            raise TooManySentencesError(
                f"texts: more than {in_all} sentences in all, over the limit for one batch"
            )
    return found


def predict_distinct(predictor: Predictor, texts: Sequence[str]) -> list[Answer]:
    """`predictor.predict(texts)` from one model call in which each distinct string is scored once.

    A one-sentence text is its own sentence, so asking for sentences costs it nothing more.
    """
    if not texts:
        return []
    distinct = list(dict.fromkeys(texts))
    by_text = dict(zip(distinct, predictor.predict(distinct), strict=True))
    return [by_text[t] for t in texts]


def text_predictions(
    predictor: Predictor,
    texts: Sequence[str],
    spans: Sequence[Sequence[Span]] | None = None,
    answered: Sequence[Answer] | None = None,
) -> Built[list[Prediction]]:
    """Each text's prediction, with its sentences' when `spans` are given, from one model call.

    `answered`: the texts' answers, when another call (an explanation) gave them already; only the
    sentences are then scored.
    """
    parts = [text[s:e] for text, found in zip(texts, spans or (), strict=False) for s, e in found]
    if answered is not None:
        whole, rest = list(answered), predict_distinct(predictor, parts)
    elif spans is None:
        whole, rest = predictor.predict(texts), []
    else:
        scored = predict_distinct(predictor, [*texts, *parts])
        whole, rest = scored[: len(texts)], scored[len(texts) :]
    if spans is None:
        return Built([prediction(a) for a in whole], whole)
    remaining = iter(rest)
    found: list[Prediction] = []
    for answer, text_spans in zip(whole, spans, strict=True):
        sentences = [_sentence(span, next(remaining)) for span in text_spans]
        found.append({**prediction(answer), "sentences": sentences})
    return Built(found, whole)


def _explanation(text: str, weights: Sequence[tuple[str, float]]) -> list[WordWeight]:
    # Imported here: only explanations need it, not every cold start's first answer.
    from handler.inference.offsets import occurrences

    where = occurrences(text)
    return [
        {
            "word": word,
            "weight": round(weight, 6),
            "occurrences": [{"start": s, "end": e} for s, e in where.get(word, ())],
        }
        for word, weight in weights
    ]


def predict_answer(
    predictor: Predictor, text: str, explain: bool, spans: Sequence[Span] | None
) -> Built[PredictAnswer]:
    """The answer of `/v1/predict`: `spans` are the text's sentences, None when not asked for."""
    explanation: list[WordWeight] | None = None
    answered = None
    if explain:
        # Occlusion is a model call of its own; the sentences take one more (the rows, not the
        # calls, are what costs).
        answer, weights = predictor.explain(text)
        explanation = _explanation(text, weights)
        answered = [answer]
    found = text_predictions(predictor, [text], None if spans is None else [spans], answered)
    (first,) = found.body
    body: PredictAnswer = {
        "label": first["label"],
        "probability": first["probability"],
        "words_used": first["words_used"],
        "model_version": predictor.model_version,
        "explanation": explanation,
    }
    if "sentences" in first:
        body["sentences"] = first["sentences"]
    return Built(body, found.answers)


def batch_answer(
    predictor: Predictor, texts: Sequence[str], spans: Sequence[Sequence[Span]] | None
) -> Built[BatchAnswer]:
    """The answer of `/v1/predict/batch`: `spans` as for `text_predictions`."""
    found = text_predictions(predictor, texts, spans)
    return Built(
        {"predictions": found.body, "model_version": predictor.model_version}, found.answers
    )


def health_answer(predictor: Predictor) -> HealthAnswer:
    """`/v1/health`: raises `ModelUnavailableError` (503) unless the model answers."""
    predictor.predict(["health check"])
    return {"status": "ok", "model_version": predictor.model_version}
