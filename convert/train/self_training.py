"""Examples for the sentence branch from the sentences of the unlabelled reviews, with the model
trained on the fit reviews as teacher (`ServedConfig.self_taught`).

Two kinds (the second alone with `ServedConfig.self_taught_sure` off), both made before the
refit and read only by it:

- **sure**: a sentence the teacher is sure of (P ≥ `SURE` or ≤ 1 - `SURE`, read alone, through
  the head the service would pick for it), in a review it is sure of on the same side (the review read whole), labelled
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
from convert.train.fit import Part, log
from convert.train.models import OUTPUTS
from handler.inference.calibration import Head
from handler.inference.encoder import Encoder
from handler.inference.marks import negates

SURE = 0.9
# The n-gram branch's logit on a sentence, below which it counts as saying nothing: under 0.4 in
# log-odds through the short-text head's weight of about 2.4. Set by eye, not tuned.
NO_EVIDENCE = 0.15
MIN_TOKENS, MAX_TOKENS = 3, 30  # a sentence, not a fragment or a paragraph run together
NEUTRAL_LABEL = 0.5
_NGRAM = OUTPUTS.index("ngram_logit")


@dataclass(frozen=True)
class Taught:
    """Both kinds as token lists: `sure` with its labels, `neutral` all at `NEUTRAL_LABEL`."""

    sure: Split
    neutral: list[list[str]]

    def parts(self, short: Encoder, input_name: str, weight: float) -> list[Part]:
        """Both kinds read by `short` as training examples of the sentence branch (its input
        `input_name`); a kind with no sentences adds no part."""
        sure = Encoded.of(short, self.sure)
        neutral = Encoded.of(short, Split(self.neutral, np.zeros(len(self.neutral), np.int64)))
        found = [
            Part(sure.inputs[input_name], sure.labels, weight),
            Part(neutral.inputs[input_name], np.full(len(neutral), NEUTRAL_LABEL), weight),
        ]
        return [p for p in found if len(p.y)]


def teach(
    export: keras.Model,
    head: Head,
    encoder: Encoder,
    short: Encoder,
    reviews: Sequence[Review],
    per_kind: int,
    seed: int,
    sure: bool = True,
) -> Taught:
    """Up to `per_kind` examples of each kind (sure ones balanced by side; none without `sure`)
    from `reviews`, read by `export` through `head`; `encoder` reads the reviews whole and `short`
    their sentences, each through the head the service would pick for its count of known words."""
    whole = Split.of_texts([r.text for r in reviews], np.zeros(len(reviews), np.int64))
    _, review_p = _read(export, head, Encoded.of(encoder, whole, known=True))
    found: list[list[str]] = []
    owner: list[int] = []
    for i, (tokens, lengths) in enumerate(zip(whole.tokens, whole.lengths, strict=True)):
        start = 0
        for n in lengths:
            if MIN_TOKENS <= n <= MAX_TOKENS:
                found.append(tokens[start : start + n])
                owner.append(i)
            start += n
    if not found:
        return Taught(Split([], np.zeros(0, np.int64)), [])
    one_each = Split(found, np.zeros(len(found), np.int64))
    outputs, p = _read(export, head, Encoded.of(short, one_each, known=True))
    side = review_p[np.array(owner)]
    rng = random.Random(seed)
    pos = [j for j in range(len(found)) if p[j] >= SURE and side[j] >= SURE]
    neg = [j for j in range(len(found)) if p[j] <= 1 - SURE and side[j] <= 1 - SURE]
    rng.shuffle(pos)
    rng.shuffle(neg)
    k = min(len(pos), len(neg), per_kind // 2) if sure else 0
    kept = pos[:k] + neg[:k]
    lexicon = vader_lexicon()
    neutral = [j for j, s in enumerate(found) if _no_evidence(s, outputs[j, _NGRAM], lexicon)]
    rng.shuffle(neutral)
    neutral = neutral[:per_kind]
    log(
        f"self-training: {len(found):,} sentences of {len(reviews):,} unlabelled reviews; "
        f"sure {len(pos):,} positive, {len(neg):,} negative, {2 * k:,} kept; "
        f"{len(neutral):,} without evidence"
    )
    return Taught(
        Split([found[j] for j in kept], np.array([1] * k + [0] * k, np.int64)),
        [found[j] for j in neutral],
    )


def _read(
    export: keras.Model, head: Head, read: Encoded
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float64]]:
    """The model's outputs and P(positive) of each row."""
    assert read.known is not None, "encoded with known=True: the head depends on the count"
    outputs = keras_outputs(export, read.inputs)
    return outputs, head.probabilities(outputs, read.known)


def _no_evidence(sentence: list[str], ngram_logit: float, lexicon: Mapping[str, float]) -> bool:
    return abs(ngram_logit) < NO_EVIDENCE and not any(
        t in lexicon or negates(t) or t in ("!", "?") for t in sentence
    )
