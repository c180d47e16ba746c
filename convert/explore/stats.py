"""The numbers behind the exploration report, computed through the shared text pipeline.

Everything is counted on the training split unless a name says otherwise, because that is what
vocabularies and models are built from. Every ranking breaks ties alphabetically, so two runs on
the same data produce the same report byte for byte.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from convert.data.imdb import Imdb, Review
from handler.inference.text import ngrams, normalise, tokenize

NGRAM_ORDER = 3
TOP_K = 20
LENGTH_LIMITS = (200, 400, 800)
VOCAB_SIZES = (1_000, 5_000, 10_000, 20_000, 50_000, 100_000)
SMOOTHING = 1.0  # the alpha of Wang & Manning's NBSVM log-count ratio
# An n-gram seen in a handful of reviews gets an extreme ratio by chance; demand 0.2% of reviews.
MIN_DOCS_SHARE = 0.002
CLOUD_MIN_RATIO = 1.5

IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ClassStats:
    """One class of the training split."""

    words: IntArray  # words per review as written (after stripping HTML line breaks)
    tokens: IntArray  # tokens per review after the pipeline, i.e. what the model is fed
    grams: Counter[str]  # occurrences of every 1..NGRAM_ORDER-gram
    docs: Counter[str]  # number of reviews containing each n-gram


@dataclass(frozen=True)
class Coverage:
    size: int
    train: float  # share of training-token occurrences inside the top-`size` vocabulary
    test: float  # the same vocabulary on test reviews: what the model sees at evaluation


@dataclass(frozen=True)
class Stats:
    counts: dict[str, tuple[int, int]]  # split -> (negative, positive)
    ratings: dict[str, tuple[Counter[int], Counter[int]]]  # split -> per label: stars -> reviews
    classes: tuple[ClassStats, ClassStats]  # indexed by label
    distinct_tokens: int
    coverage: list[Coverage]
    ratios: dict[str, float]  # log-count ratio per n-gram; > 0 leans positive
    min_docs: int  # n-grams in fewer reviews than this have no ratio


def compute(imdb: Imdb) -> Stats:
    """Count everything the report shows; a few seconds per 10k reviews."""
    train = [(r, tokenize(r.text)) for r in imdb.train]
    neg, pos = (_class_stats([(r, t) for r, t in train if r.label == label]) for label in (0, 1))
    train_counts = Counter(t for _, tokens in train for t in tokens)
    test_counts = Counter(t for r in imdb.test for t in tokenize(r.text))
    min_docs = max(2, math.ceil(MIN_DOCS_SHARE * len(imdb.train)))
    splits = {"train": imdb.train, "test": imdb.test}
    return Stats(
        counts={split: _class_counts(reviews) for split, reviews in splits.items()},
        ratings={split: _ratings(reviews) for split, reviews in splits.items()},
        classes=(neg, pos),
        distinct_tokens=len(train_counts),
        coverage=coverage(train_counts, test_counts, VOCAB_SIZES),
        ratios=log_count_ratios(neg.docs, pos.docs, min_docs),
        min_docs=min_docs,
    )


def _class_counts(reviews: Sequence[Review]) -> tuple[int, int]:
    return sum(r.label == 0 for r in reviews), sum(r.label == 1 for r in reviews)


def _ratings(reviews: Sequence[Review]) -> tuple[Counter[int], Counter[int]]:
    neg, pos = Counter[int](), Counter[int]()
    for r in reviews:
        (pos if r.label == 1 else neg)[r.rating] += 1
    return neg, pos


def _class_stats(reviews: Sequence[tuple[Review, list[str]]]) -> ClassStats:
    grams: Counter[str] = Counter()
    docs: Counter[str] = Counter()
    for _, tokens in reviews:
        found = ngrams(tokens, NGRAM_ORDER)
        grams.update(found)
        docs.update(set(found))
    return ClassStats(
        words=np.array([len(normalise(r.text).split()) for r, _ in reviews], dtype=np.int64),
        tokens=np.array([len(t) for _, t in reviews], dtype=np.int64),
        grams=grams,
        docs=docs,
    )


def ranked(items: Iterable[tuple[str, float]], k: int) -> list[tuple[str, float]]:
    """The k largest values, ties broken alphabetically."""
    return heapq.nsmallest(k, items, key=lambda kv: (-kv[1], kv[0]))


def top_ngrams(grams: Counter[str], order: int, k: int = TOP_K) -> list[tuple[str, int]]:
    """The k most frequent n-grams with exactly `order` words."""
    spaces = order - 1
    top = ranked(((g, c) for g, c in grams.items() if g.count(" ") == spaces), k)
    return [(g, int(c)) for g, c in top]


def log_count_ratios(neg: Counter[str], pos: Counter[str], min_docs: int) -> dict[str, float]:
    """NBSVM's r = log((p/|p|_1) / (q/|q|_1)) with p, q the smoothed per-class document counts.

    Document counts rather than occurrences: the model's n-gram branch sees each n-gram once per
    review, so one rant repeating a phrase should not make it look discriminative.
    """
    vocab = neg.keys() | pos.keys()
    p_norm = math.log(sum(pos.values()) + SMOOTHING * len(vocab))
    q_norm = math.log(sum(neg.values()) + SMOOTHING * len(vocab))
    return {
        g: math.log(pos[g] + SMOOTHING) - p_norm - math.log(neg[g] + SMOOTHING) + q_norm
        for g in sorted(vocab)  # a set's order changes with the process's hash seed
        if pos[g] + neg[g] >= min_docs
    }


def discriminative(ratios: dict[str, float], label: int, k: int = TOP_K) -> list[tuple[str, float]]:
    """Up to k n-grams leaning hardest towards `label`, with their signed ratios."""
    sign = 1.0 if label == 1 else -1.0
    leaning = ((g, sign * r) for g, r in ratios.items() if sign * r > 0)
    return [(g, sign * r) for g, r in ranked(leaning, k)]


def coverage(train: Counter[str], test: Counter[str], sizes: Sequence[int]) -> list[Coverage]:
    """Share of token occurrences a top-n training vocabulary keeps (the rest become OOV)."""
    # Same order as handler.inference.encoder.Vocabulary.build, so these are the vocabularies training gets.
    order = sorted(train, key=lambda t: (-train[t], t))
    train_total, test_total = sum(train.values()) or 1, sum(test.values()) or 1
    out = []
    for size in sizes:
        kept = order[:size]
        out.append(
            Coverage(
                size,
                sum(train[t] for t in kept) / train_total,
                sum(test[t] for t in kept) / test_total,
            )
        )
    return out


def share_within(lengths: IntArray, limit: int) -> float:
    """Share of reviews whose whole text fits in `limit` tokens."""
    return float(np.mean(lengths <= limit)) if lengths.size else 0.0


def cloud_terms(stats: Stats, label: int, min_ratio: float = CLOUD_MIN_RATIO) -> dict[str, int]:
    """In-class occurrences of the uni- and bigrams at least `min_ratio` times likelier there.

    Plain frequencies would draw two near-identical clouds ("one", "like", "good" top both).
    Falls back to plain unigram counts when too little data leans either way.
    """
    grams = stats.classes[label].grams
    sign = 1.0 if label == 1 else -1.0
    cutoff = math.log(min_ratio)
    terms = [
        (g, grams[g])
        for g, r in stats.ratios.items()
        if sign * r >= cutoff and g.count(" ") < 2 and grams[g]
    ]
    terms = terms or [(g, c) for g, c in grams.items() if " " not in g]
    # WordCloud places equal frequencies in input order, so fix that order.
    return dict(sorted(terms, key=lambda gc: (-gc[1], gc[0])))
