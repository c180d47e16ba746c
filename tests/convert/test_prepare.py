"""Splits and vocabularies: the n-gram vocabulary rule and the short spans."""

from __future__ import annotations

from convert.data import Review
from convert.prepare import ngram_vocabulary, sentences, spans
from handler.text import plain


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
