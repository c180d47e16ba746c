"""Per-sentence answers: each sentence scored exactly as `/v1/predict` scores it alone.

A sentence is a substring cut by `handler.inference.text.sentence_spans`, and its answer is the predictor's
answer for that substring, so asking for it alone gives the same numbers. The whole texts and
their sentences go to the model in one call, each distinct string once.
"""

from __future__ import annotations

from collections.abc import Sequence

from handler.errors import TooManySentencesError
from handler.inference.predictor import Answer, Predictor
from handler.inference.text import sentence_spans

Span = tuple[int, int]


def split(text: str, limit: int, where: str = "text") -> list[Span]:
    """The sentence spans of `text`; `TooManySentencesError` when there are more than `limit`.

    Messages name the field and give counts, never the text.
    """
    spans = sentence_spans(text)
    if len(spans) > limit:
        raise TooManySentencesError(f"{where}: {len(spans)} sentences, over the limit of {limit}")
    return spans


def split_batch(texts: Sequence[str], per_text: int, in_all: int) -> list[list[Span]]:
    """The sentence spans of each text, within `per_text` each and `in_all` together."""
    found: list[list[Span]] = []
    total = 0
    for i, text in enumerate(texts):
        found.append(split(text, per_text, f"texts.{i}"))
        total += len(found[-1])
        if total > in_all:  # stop splitting: the answer is no anyway
            raise TooManySentencesError(
                f"texts: more than {in_all} sentences in all, over the limit for one batch"
            )
    return found


def pieces(text: str, spans: Sequence[Span]) -> list[str]:
    return [text[start:end] for start, end in spans]


def predict_distinct(predictor: Predictor, texts: Sequence[str]) -> list[Answer]:
    """`predictor.predict(texts)` from one model call in which each distinct string is scored once.

    A one-sentence text is its own sentence, so asking for sentences costs it nothing more.
    """
    if not texts:
        return []
    distinct = list(dict.fromkeys(texts))
    by_text = dict(zip(distinct, predictor.predict(distinct), strict=True))
    return [by_text[t] for t in texts]


def predict_with(
    predictor: Predictor, texts: Sequence[str], spans: Sequence[Sequence[Span]]
) -> tuple[list[Answer], list[list[Answer]]]:
    """The answer for each text and for each of its sentences, from one model call."""
    parts = [
        text[start:end] for text, found in zip(texts, spans, strict=True) for start, end in found
    ]
    answers = predict_distinct(predictor, [*texts, *parts])
    rest = iter(answers[len(texts) :])
    return answers[: len(texts)], [[next(rest) for _ in found] for found in spans]
