"""Splits and vocabularies: what every model of reports/results.md is trained and chosen on.

Protocol: vocabularies and weights come from the `fit` part of train; choices are made on the
movie-disjoint validation split; the test set is met once per final model (`train.evaluate_once`).
Short spans cut from reviews teach the models what a person types into the page.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
from tqdm import tqdm

from convert.data.imdb import Review
from handler.inference.encoder import Encoder, Vocabulary
from handler.inference.features import TextConfig
from handler.inference.text import content, ngrams, plain, sentence_spans, sentence_words, words

SEED = 7
Labels = npt.NDArray[np.int64]

SPAN_MIN_WORDS = 3


@dataclass
class Split:
    """Reviews as token lists (stopwords kept), their labels, their movies and their sentences.

    `tokens` are each text's sentences one after another (`handler.inference.text.sentence_words`),
    and `lengths` the tokens per sentence, so that the sentence branch reads the sentences the
    service cuts; an empty `lengths` (built from bare token lists) is one sentence per text.
    """

    tokens: list[list[str]]
    labels: Labels
    movies: list[str] = field(default_factory=list)  # one per review; the review id if unknown
    lengths: list[list[int]] = field(default_factory=list)

    @classmethod
    def of(cls, reviews: Sequence[Review]) -> Split:
        found = cls.of_texts(
            [r.text for r in tqdm(reviews, desc="tokenize", unit=" reviews", leave=False)],
            [r.label for r in reviews],
        )
        found.movies = [r.movie or r.id for r in reviews]
        return found

    @classmethod
    def of_texts(cls, texts: Sequence[str], labels: Sequence[int] | npt.NDArray[np.int64]) -> Split:
        parts = [sentence_words(t) for t in texts]
        return cls(
            [[t for p in found for t in p] for found in parts],
            np.array(labels, dtype=np.int64),
            lengths=[[len(p) for p in found] for found in parts],
        )

    def __len__(self) -> int:
        return len(self.labels)

    def content_tokens(self) -> list[list[str]]:
        return [content(t) for t in self.tokens]

    def sentence_lengths(self) -> list[list[int]]:
        """Tokens per sentence of each text (the whole text as one where none were recorded)."""
        return self.lengths or [[len(t)] for t in self.tokens]

    def __add__(self, other: Split) -> Split:
        return Split(
            self.tokens + other.tokens,
            np.concatenate([self.labels, other.labels]),
            self.movies + other.movies,
            self.sentence_lengths() + other.sentence_lengths(),
        )


@dataclass
class Prepared:
    fit: Split
    val: Split
    test: Split

    @classmethod
    def of(cls, fit: Sequence[Review], val: Sequence[Review], test: Sequence[Review]) -> Prepared:
        """From the reviews of `Imdb.split_validation` (made once by the caller) and the test set."""
        return cls(Split.of(fit), Split.of(val), Split.of(test))


@dataclass
class Spans:
    """Short spans cut from the fit and validation reviews (`spans`); there is no test part."""

    fit: Split
    val: Split


@dataclass(frozen=True)
class Encoded:
    """One split through one encoder, done once and handed to every step that needs it.

    `known` (content words the model has a weight for, per row) is counted only when asked,
    since it costs another pass over the tokens and only the checked splits use it.
    """

    inputs: dict[str, npt.NDArray[np.int32]]
    labels: Labels
    known: npt.NDArray[np.int64] | None = None

    @classmethod
    def of(cls, encoder: Encoder, split: Split, known: bool = False) -> Encoded:
        counts = None
        if known:
            counts = np.array([len(encoder.known_words(t)) for t in split.tokens], dtype=np.int64)
        return cls(
            encoder.encode_words(split.tokens, split.sentence_lengths()), split.labels, counts
        )

    def __len__(self) -> int:
        return len(self.labels)

    def __add__(self, other: Encoded) -> Encoded:
        """Rows of both, in order: the same arrays as encoding the two splits added."""
        known = None
        if self.known is not None and other.known is not None:
            known = np.concatenate([self.known, other.known])
        inputs = {k: np.concatenate([v, other.inputs[k]]) for k, v in self.inputs.items()}
        return Encoded(inputs, np.concatenate([self.labels, other.labels]), known)


def sentences(text: str) -> list[str]:
    """The sentences of a review with at least SPAN_MIN_WORDS words, cut by the service's own
    splitter (`handler.inference.text.sentence_spans`), so training spans are what the page answers."""
    parts = [text[a:b] for a, b in sentence_spans(text)]
    return [s for s in parts if len(plain(words(s))) >= SPAN_MIN_WORDS]


def spans(
    reviews: Sequence[Review], per_review: int, max_sentences: int = 2, seed: int = SEED
) -> Split:
    """Random runs of 1..max_sentences sentences, each labelled as its review.

    The label is noisy (a positive review has its doubts), so training weights spans below whole
    reviews; what they teach is that one sentence is a complete input, as on the page.
    """
    rng = random.Random(seed)
    texts: list[str] = []
    labels: list[int] = []
    movies: list[str] = []
    for review in reviews:
        found = sentences(review.text)
        for _ in range(per_review if found else 0):
            start = rng.randrange(len(found))
            texts.append(" ".join(found[start : start + rng.randint(1, max_sentences)]))
            labels.append(review.label)
            movies.append(review.movie or review.id)
    split = Split.of_texts(texts, labels)
    split.movies = movies
    return split


def ngram_vocabulary(
    token_lists: Sequence[Sequence[str]],
    order: int,
    max_size: int,
    min_df: int = 2,
    groups: Sequence[str] | None = None,
) -> Vocabulary:
    """Rank n-grams by document frequency (features are binary), ties alphabetical.

    With `groups` (each review's movie), frequency counts distinct movies instead of reviews:
    an n-gram seen in many reviews of one film is mostly its title or cast, which says nothing
    about the unseen films of the test set (+0.6 validation points for the n-gram branch).
    """
    keys = groups if groups is not None else range(len(token_lists))
    seen: dict[str, set[object]] = defaultdict(set)
    rows = tqdm(
        zip(token_lists, keys, strict=True), total=len(token_lists), desc="n-grams", leave=False
    )
    for tokens, key in rows:
        for gram in set(ngrams(tokens, order)):
            seen[gram].add(key)
    df = {g: len(k) for g, k in seen.items() if len(k) >= min_df}
    ranked = sorted(df, key=lambda g: (-df[g], g))
    return Vocabulary(ranked[: max_size - 2])


def word_encoder(data: Prepared, vocab_size: int, seq_len: int) -> Encoder:
    """A words-only encoder over the fit part's content words."""
    return Encoder(
        TextConfig(seq_len=seq_len), Vocabulary.build(data.fit.content_tokens(), vocab_size)
    )
