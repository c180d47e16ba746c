"""The review every request sends: one of median length, from the test set when it is at hand."""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

from convert.data.imdb import ENV_DATA
from convert.data.prepare import SEED
from handler.settings import Settings

MAX_CHARS: int = Settings.model_fields["max_text_chars"].default
# 172 words, the median length of an IMDb test review; used when the dataset is not available.
FIXED_REVIEW = (
    "I went into this one with low expectations, because the trailer made it look like "
    "yet another loud thriller with nothing to say. I was wrong. The first half hour is slow, "
    "and a couple of scenes in the office drag on longer than they need to, but once the "
    "story finds its footing it becomes genuinely gripping. The lead gives a quiet, careful "
    "performance that never asks for sympathy, and the supporting cast is excellent, "
    "especially the older detective, who steals every scene he is in. The photography is "
    "beautiful without being showy, and the score knows when to stay out of the way. Not "
    "everything works: the subplot about the brother feels unfinished, and the ending is "
    "too neat for a film that spends so long telling us that life is messy. Still, "
    "I cannot remember the last time a film of this kind held my attention so completely. "
    "It is not a masterpiece, but it is smart, well acted and honest. Recommended, and worth "
    "seeing on a big screen."
)


@dataclass(frozen=True)
class Sample:
    text: str  # the review each single request sends
    batch: list[str]  # texts for the batch measurements; `text` first
    source: str

    @property
    def words(self) -> int:
        return len(self.text.split())


def choose(batch_size: int) -> Sample:
    """The median-length review of $IMDB_DATA's test split and a seeded sample of others, when
    that exists; otherwise the fixed review, rotated for the batch (each row its own encoding)."""
    data = os.environ.get(ENV_DATA)
    if not data or not Path(data).exists():
        words = FIXED_REVIEW.split()
        rotations = [" ".join(words[i % len(words) :] + words[: i % len(words)])
                     for i in range(batch_size)]  # fmt: skip
        return Sample(FIXED_REVIEW, rotations, "fixed review in bench/review.py")
    from convert.data.imdb import load  # reads only the archive; no TensorFlow

    test = sorted(load(Path(data)).test, key=lambda r: (len(r.text.split()), r.id))
    median = test[len(test) // 2]
    # Within the service's default text limit, so the batch route accepts every one of them.
    fits = [r.text for r in test if r is not median and len(r.text) <= MAX_CHARS]
    others = random.Random(SEED).sample(fits, batch_size - 1)
    return Sample(
        median.text, [median.text, *others], f"IMDb test review {median.id} (median length)"
    )
