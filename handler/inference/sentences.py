"""A text as the sentence CNN reads it: every token of each sentence, in order, in fixed slots.

The sentence branch sees function words, negations, "but", question marks and ratings as they
stand, so it learns what they do from the words' order instead of from marks. It reads the
placeholders of `handler.inference.marks` (identity words, pronouns, names, numbers, ratings),
so a name or an identity word is one token, and never the `not_`/`but_` scope marks: scope is
what the convolutions learn. Sentences are cut by `handler.inference.text.sentence_spans`, the
splitter that the per-sentence answers use too.

A review becomes `slots` rows of `length` token ids, one sentence per row; a sentence longer
than a row continues on the next one, and a review with more rows than slots has its
consecutive short sentences packed together so that it is read whole where it fits at all.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

from handler.inference.marks import NOT, OVERRIDDEN
from handler.inference.text import PUNCTUATION

_SCOPE = (NOT, OVERRIDDEN)
Item = TypeVar("Item")


def unscoped(feature: str) -> str:
    """A word's feature without negation or override marks: `but_not_good` -> `good`."""
    while feature.startswith(_SCOPE):
        feature = feature[len(NOT) if feature.startswith(NOT) else len(OVERRIDDEN) :]
    return feature


def branch_tokens(tokens: Sequence[str], marked: Sequence[str]) -> list[str]:
    """`tokens` with each word replaced by its unscoped feature; punctuation kept in place.

    `marked` holds one feature per word of `tokens` (`handler.inference.marks.mark`).
    """
    features = iter(marked)
    return [t if t in PUNCTUATION else unscoped(next(features)) for t in tokens]


def split(items: Sequence[Item], lengths: Sequence[int]) -> Iterator[Sequence[Item]]:
    """`items` cut into consecutive runs of `lengths` (what is left over is one more run)."""
    at = 0
    for n in lengths:
        yield items[at : at + n]
        at += n
    if at < len(items):
        yield items[at:]


def pack(sentences: Sequence[Sequence[int]], slots: int, length: int) -> list[int]:
    """Sentences of ids -> `slots * length` ids: one sentence per row, zero-padded after it.

    Over-long sentences continue on the next row. When the rows outnumber the slots,
    consecutive rows are joined while they fit in one; what still does not fit is cut off.
    """
    rows = [list(s[i : i + length]) for s in sentences if s for i in range(0, len(s), length)]
    if len(rows) > slots:
        joined: list[list[int]] = []
        for row in rows:
            if joined and len(joined[-1]) + len(row) <= length:
                joined[-1].extend(row)
            else:
                joined.append(row)
        rows = joined
    out: list[int] = []
    for row in rows[:slots]:
        out.extend(row)
        out.extend([0] * (length - len(row)))
    out.extend([0] * (slots * length - len(out)))
    return out
