"""`python -m convert unlabelled --previous DIR`: two models on the same unlabelled reviews;
`python -m convert evidence-free`: a model on their sentences that hold no opinion word.

No labels, so nothing here is an accuracy. What it shows is a lean: a model that gives most
reviews a lower probability than another, where both scored the same on validation, has moved
its answers, not learnt more. It flagged, with no test review read, the half-count antonym
model that leant negative on the test set (README "What next"; the runs quoted there are
reports/unlabelled/). The unlabelled reviews are training data (word vectors, self-training),
never the test set.

The evidence-free sentences measure the issue's "a text without evidence stays near the prior"
on many sentences rather than one ("I watched it on Tuesday."). Evidence is a word of VADER's
lexicon or a word that leans in the labelled training reviews (found in twice the share of one
label's reviews as of the other's: "dreck", "timeless", "poorly", which VADER lacks). That is a
proxy for no opinion, not a label: a phrase can hold one that none of its words does, so the
figure to read is the spread over a thousand sentences, not any one answer.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from convert.data.imdb import Imdb, Review
from convert.data.lexicons import vader_lexicon
from convert.data.prepare import Split
from convert.evaluate import shipped
from handler import constants
from handler.inference.manifest import Manifest
from handler.inference.marks import negates
from handler.inference.predictor import LitePredictor
from handler.inference.text import plain, sentence_spans, words

REVIEWS = 3_000
SEED = 5
EVIDENCE_FREE = 1_000  # sentences scored, drawn from those of the REVIEWS sampled reviews
SENTENCE_WORDS = (4, 25)  # a one-line statement, not a fragment and not a paragraph
NEAR_PRIOR = 0.1  # within this of 0.5 (the training prior) counts as "near the prior"
CONFIDENT = 0.2  # at or below this, or at or above 1 minus it: what a clear opinion should get
ODDS = 2.0  # a word in this many times the share of one label's reviews as the other's leans
MIN_REVIEWS = 10  # rarer words are not counted as evidence either way


def measured(unsup: Sequence[Review], n: int = REVIEWS, seed: int = SEED) -> list[Review]:
    """`n` unlabelled reviews, the same ones whatever order the archive was read in. Training
    that reads unlabelled reviews' sentences (self-training) leaves these out, so what these
    measures read stays unseen."""
    ordered = sorted(unsup, key=lambda r: r.id)
    return random.Random(seed).sample(ordered, min(n, len(ordered)))


def sample(unsup: Sequence[Review], n: int = REVIEWS, seed: int = SEED) -> list[str]:
    """The texts of `measured`'s reviews."""
    return [r.text for r in measured(unsup, n, seed)]


def leaning_words(reviews: Iterable[Review]) -> set[str]:
    """Words of at least MIN_REVIEWS labelled reviews whose share of one label's reviews is at
    least ODDS times their share of the other's (add-one smoothed)."""
    found: dict[int, Counter[str]] = {0: Counter(), 1: Counter()}
    totals = Counter[int]()
    for review in reviews:
        found[review.label].update(set(plain(words(review.text))))
        totals[review.label] += 1
    leaning = set()
    for word in found[0].keys() | found[1].keys():
        neg, pos = found[0][word], found[1][word]
        if neg + pos < MIN_REVIEWS:
            continue
        ratio = ((pos + 1) / (totals[1] + 1)) / ((neg + 1) / (totals[0] + 1))
        if not 1 / ODDS < ratio < ODDS:
            leaning.add(word)
    return leaning


def evidence_free(
    texts: Sequence[str], lexicon: Collection[str], n: int = EVIDENCE_FREE, seed: int = SEED
) -> list[str]:
    """Up to `n` distinct sentences of `texts` (cut by the service's splitter) of 4 to 25 words,
    with no word of `lexicon`, no negation, no number, and no "!" or "?"."""
    found: set[str] = set()
    for text in texts:
        for start, end in sentence_spans(text):
            tokens = words(text[start:end])
            kept = plain(tokens)
            if not SENTENCE_WORDS[0] <= len(kept) <= SENTENCE_WORDS[1] or {"!", "?"} & set(tokens):
                continue
            if not any(t in lexicon or negates(t) or t.isdecimal() for t in kept):
                found.add(text[start:end])
    ordered = sorted(found)
    return random.Random(seed).sample(ordered, min(n, len(ordered)))


def evidence_free_of(imdb: Imdb, n: int = EVIDENCE_FREE) -> list[str]:
    """The evidence-free sentences of the REVIEWS sampled unlabelled reviews, evidence being
    VADER's words and those that lean in `imdb`'s labelled training reviews."""
    return evidence_free(sample(imdb.unsup), vader_lexicon().keys() | leaning_words(imdb.train), n)


def spread(p: npt.NDArray[np.float64]) -> dict[str, Any]:
    """Where a model puts texts that should sit near the prior."""
    return {
        "texts": len(p),
        "median": float(np.median(p)),
        "quantiles_10_90": [float(np.quantile(p, 0.1)), float(np.quantile(p, 0.9))],
        "near_prior": float(np.mean(np.abs(p - constants.THRESHOLD) <= NEAR_PRIOR)),
        "confident": float(np.mean((p <= CONFIDENT) | (p >= 1 - CONFIDENT))),
        "positive_share": float(np.mean(p >= constants.THRESHOLD)),
    }


def probabilities(model_dir: Path, texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """The int8 model's answers, as the service gives them."""
    unlabelled = Split.of_texts(texts, [-1] * len(texts))
    return np.asarray(shipped.probabilities(LitePredictor.load(model_dir), unlabelled), np.float64)


def version(model_dir: Path) -> str:
    return Manifest.read(model_dir / constants.MANIFEST_FILE).model_version


def lean(previous: npt.NDArray[np.float64], model: npt.NDArray[np.float64]) -> dict[str, Any]:
    """How `model`'s answers sit against `previous`'s on the same texts."""
    eps = 1e-6

    def logits(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        q = np.clip(p, eps, 1 - eps)
        return np.asarray(np.log(q / (1 - q)))

    return {
        "texts": len(model),
        "positive_share": {
            "previous": float(np.mean(previous >= constants.THRESHOLD)),
            "model": float(np.mean(model >= constants.THRESHOLD)),
        },
        "mean_probability": {"previous": float(previous.mean()), "model": float(model.mean())},
        "median_logit_shift": float(np.median(logits(model) - logits(previous))),
        "model_lower": float(np.mean(model < previous)),
        "model_higher": float(np.mean(model > previous)),
        "label_agreement": float(
            np.mean((model >= constants.THRESHOLD) == (previous >= constants.THRESHOLD))
        ),
    }
