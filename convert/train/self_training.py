"""Examples for the sentence branch from the sentences of the unlabelled reviews, with the model
trained on the fit reviews as teacher (`ServedConfig.self_training`).

Two kinds, both made before the refit and read only by it:

- **sure**: a sentence the teacher is sure of (P ≥ `SURE` or ≤ 1 - `SURE`, alone, through the
  short-text head), in a review it is sure of on the same side (the review read whole), labelled
  with that side. Self-training (Yarowsky 1995; for sentiment, He & Zhou 2011): single
  sentences from 50,000 reviews no label was written for, where the spans cut from the training
  reviews carry their review's label whether or not the sentence says anything.
- **neutral**: a sentence with no evidence in it, labelled 0.5: no VADER word, no negation, no
  "!" or "?", and nearly nothing from the n-gram branch (|logit| < `NO_EVIDENCE`), which weighs
  every word by what it did in the training reviews. The spans teach the branch to push a bare
  statement ("I watched it on Tuesday.") to its review's side; these pull it back to the prior.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import keras
import numpy as np
import numpy.typing as npt

from convert.data.imdb import Review
from convert.data.lexicons import vader_lexicon
from convert.data.prepare import Encoded, Split
from convert.export.predict import keras_outputs
from convert.train.fit import log
from handler.inference.calibration import Head
from handler.inference.encoder import Encoder
from handler.inference.marks import NEGATIONS
from handler.inference.text import sentence_words

SURE = 0.9
NO_EVIDENCE = 0.15  # n-gram branch logit: a known word of any weight moves it more
MIN_TOKENS, MAX_TOKENS = 3, 30  # a sentence, not a fragment or a paragraph run together
NEUTRAL_LABEL = 0.5


@dataclass(frozen=True)
class Taught:
    """Both kinds as token lists with their targets (`neutral` all at `NEUTRAL_LABEL`)."""

    sure: Split
    neutral: list[list[str]]


def teach(
    export: keras.Model,
    head: Head,
    encoder: Encoder,
    short: Encoder,
    reviews: Sequence[Review],
    per_kind: int,
    seed: int,
) -> Taught:
    """Up to `per_kind` examples of each kind (sure ones balanced by side) from `reviews`, read by
    `export` through `head`; `encoder` reads the reviews whole and `short` their sentences."""
    whole = Split.of_texts([r.text for r in reviews], np.zeros(len(reviews), np.int64))
    # Reviews read as long texts, sentences as short ones: the head each is served with.
    review_p = head.probabilities(
        keras_outputs(export, Encoded.of(encoder, whole).inputs), np.full(len(reviews), 1 << 30)
    )
    found, owner = [], []
    for i, r in enumerate(reviews):
        for s in sentence_words(r.text):
            if MIN_TOKENS <= len(s) <= MAX_TOKENS:
                found.append(s)
                owner.append(i)
    if not found:
        return Taught(sentences([]), [])
    outputs = keras_outputs(export, Encoded.of(short, sentences(found)).inputs)
    p = head.probabilities(outputs, np.zeros(len(found)))
    side = review_p[np.array(owner)]
    rng = random.Random(seed)
    pos = [j for j in range(len(found)) if p[j] >= SURE and side[j] >= SURE]
    neg = [j for j in range(len(found)) if p[j] <= 1 - SURE and side[j] <= 1 - SURE]
    rng.shuffle(pos)
    rng.shuffle(neg)
    k = min(len(pos), len(neg), per_kind // 2)
    sure = pos[:k] + neg[:k]
    lexicon = vader_lexicon()
    neutral = [j for j, s in enumerate(found) if _no_evidence(s, outputs[j, 1], lexicon)]
    rng.shuffle(neutral)
    neutral = neutral[:per_kind]
    log(
        f"self-training: {len(found):,} sentences of {len(reviews):,} unlabelled reviews; "
        f"sure {len(pos):,} positive, {len(neg):,} negative, {2 * k:,} kept; "
        f"{len(neutral):,} without evidence"
    )
    return Taught(
        sentences([found[j] for j in sure], [1] * k + [0] * k),
        [found[j] for j in neutral],
    )


def _no_evidence(sentence: list[str], ngram_logit: float, lexicon: Mapping[str, float]) -> bool:
    return abs(ngram_logit) < NO_EVIDENCE and not any(
        t in lexicon or t in NEGATIONS or t.endswith("n't") or t in ("!", "?") for t in sentence
    )


def sentences(found: list[list[str]], labels: Sequence[int] | None = None) -> Split:
    """Token lists as a split of one sentence each (labels 0 unless given)."""
    y = np.zeros(len(found), np.int64) if labels is None else np.array(labels, np.int64)
    return Split(found, y, lengths=[[len(s)] for s in found])


def neutral_targets(n: int) -> npt.NDArray[np.float64]:
    return np.full(n, NEUTRAL_LABEL)
