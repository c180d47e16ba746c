"""Real sentences for the perturbation tests: from the IMDb *training* reviews only.

The test split is met once per final model (convert/data/prepare.py), so the suite, which is rerun on
every model, never reads it; nor the labelled sentence sets, which are held-out checks.
"""

from __future__ import annotations

from collections.abc import Iterable

from convert.data.imdb import Review
from convert.data.prepare import sentences

# One sentence, as on the page: long enough to say something, short enough to be typed.
MIN_WORDS, MAX_WORDS = 4, 30


def training_sentences(reviews: Iterable[Review]) -> list[str]:
    """Distinct sentences of the reviews, in review order, that a person might type alone."""
    seen: dict[str, None] = {}
    for review in reviews:
        if not review.id.startswith("train/"):
            raise ValueError(f"{review.id}: the suite reads training reviews only")
        for s in sentences(review.text):
            s = " ".join(s.split())
            if MIN_WORDS <= len(s.split()) <= MAX_WORDS and "<" not in s and s.isascii():
                seen.setdefault(s, None)
    return list(seen)
