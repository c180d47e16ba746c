"""Splits and vocabularies: the n-gram vocabulary rule, the short spans, encoded splits."""

from __future__ import annotations

import numpy as np

from convert.data.imdb import Review
from convert.data.prepare import Encoded, Split, ngram_vocabulary, sentences, spans
from convert.export.tiny import synthetic_reviews
from handler.inference.encoder import Encoder, Vocabulary
from handler.inference.features import TextConfig
from handler.inference.text import plain


def test_ngram_vocabulary_counts_movies_not_reviews() -> None:
    tokens = [["great", "cast"], ["great", "cast"], ["great", "plot"], ["dull", "plot"]]
    movies = ["m1", "m1", "m2", "m3"]
    vocab = ngram_vocabulary(tokens, 1, 100, min_df=2, groups=movies)
    # "cast" is in two reviews of one movie: one movie, below min_df.
    assert vocab.tokens == ("great", "plot")
    by_review = ngram_vocabulary(tokens, 1, 100, min_df=2)
    assert set(by_review.tokens) == {"great", "cast", "plot"}


def test_ngram_vocabulary_ranks_by_frequency_then_alphabet_and_caps() -> None:
    tokens = [["b", "a", "c"], ["a", "c"], ["c"]]
    vocab = ngram_vocabulary(tokens, 2, 2 + 3, min_df=1)
    assert vocab.tokens == ("c", "a", "a c")  # 3, 2, then ties alphabetical; capped
    assert len(vocab) == 5


def test_sentences_split_on_end_marks_and_breaks() -> None:
    text = "A fine film. Truly very moving!<br /><br />Not for kids? Ok."
    assert sentences(text) == ["A fine film.", "Truly very moving!", "Not for kids?"]


def test_spans_are_seeded_and_labelled_as_their_review() -> None:
    reviews = [
        Review("One two three. Four five six! Seven eight nine.", 1, 9, "train/pos/0", "m1"),
        Review("Bad bad bad. Worse than ever.", 0, 1, "train/neg/0"),
    ]
    a, b = spans(reviews, 3, seed=5), spans(reviews, 3, seed=5)
    assert a.tokens == b.tokens
    assert len(a) == 6
    assert list(a.labels) == [1, 1, 1, 0, 0, 0]
    assert a.movies[:3] == ["m1"] * 3
    assert a.movies[3] == "train/neg/0"
    assert all(1 <= len(plain(t)) <= 6 for t in a.tokens)  # words; punctuation aside


def _encoder() -> Encoder:
    fit = Split.of_texts(*synthetic_reviews(60, 0))
    return Encoder(
        TextConfig(seq_len=12, ngram_len=20, ngram_stopwords=True),
        Vocabulary.build(fit.content_tokens(), 40),
        ngram_vocabulary(fit.tokens, 3, 200, min_df=1),
    )


def test_encoded_holds_what_the_encoder_gives_for_the_split() -> None:
    encoder, split = _encoder(), Split.of_texts(*synthetic_reviews(30, 1))
    encoded = Encoded.of(encoder, split, known=True)
    direct = encoder.encode_words(split.tokens)
    assert encoded.inputs.keys() == direct.keys() == {"words", "ngrams"}
    for name, array in direct.items():
        np.testing.assert_array_equal(encoded.inputs[name], array)
    np.testing.assert_array_equal(encoded.labels, split.labels)
    assert encoded.known is not None
    assert list(encoded.known) == [len(encoder.known_words(t)) for t in split.tokens]
    assert Encoded.of(encoder, split).known is None  # counted only when asked
    assert len(encoded) == len(split) == 30


def test_encoded_splits_added_are_the_added_splits_encoded() -> None:
    # The refit on fit + validation reuses both encodings: the same arrays as encoding again.
    encoder = _encoder()
    a, b = Split.of_texts(*synthetic_reviews(20, 2)), Split.of_texts(*synthetic_reviews(9, 3))
    joined = Encoded.of(encoder, a, known=True) + Encoded.of(encoder, b, known=True)
    again = Encoded.of(encoder, a + b, known=True)
    assert joined.inputs.keys() == again.inputs.keys()
    for name, array in again.inputs.items():
        np.testing.assert_array_equal(joined.inputs[name], array)
    np.testing.assert_array_equal(joined.labels, again.labels)
    assert joined.known is not None
    assert again.known is not None
    np.testing.assert_array_equal(joined.known, again.known)
    assert (Encoded.of(encoder, a) + Encoded.of(encoder, b, known=True)).known is None
