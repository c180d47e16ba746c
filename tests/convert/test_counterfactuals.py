"""Counterfactuals of training sentences: the rule decides the label, and the words are real."""

from __future__ import annotations

import numpy as np
import pytest

from convert.data.imdb import Review
from convert.train import counterfactuals
from convert.train.counterfactuals import (
    NEUTRAL,
    Generator,
    insert_negation,
    remove_evidence,
    remove_negation,
)

LEXICON = {"brilliant": 3.0, "awful": -3.0, "great": 3.1, "dull": -1.7, "loved": 2.9}


def test_negation_goes_after_the_copula_or_before_the_liking() -> None:
    assert (
        insert_negation("it was brilliant .".split(), LEXICON) == "it was not brilliant .".split()
    )
    assert insert_negation("i loved it .".split(), LEXICON) == "i did not love it .".split()
    assert insert_negation("the plot .".split(), LEXICON) is None
    assert insert_negation("it was brilliant .".split(), LEXICON, contracted=True) == [
        "it", "wasn't", "brilliant", ".",
    ]  # fmt: skip
    assert insert_negation("i loved it".split(), LEXICON, contracted=True)[1] == "didn't"


def test_a_negation_taken_out_is_labelled_by_the_word_it_negated() -> None:
    assert remove_negation("it was not brilliant .".split(), LEXICON) == (
        "it was brilliant .".split(),
        1,
    )
    assert remove_negation("the plot isn't very dull".split(), LEXICON) == (
        "the plot is very dull".split(),
        0,
    )
    # Decided by more than the negation, or not a negated strong word: left alone.
    assert remove_negation("it was not brilliant but awful .".split(), LEXICON) is None
    assert remove_negation("it was not the point .".split(), LEXICON) is None
    assert remove_negation("no , it was not brilliant .".split(), LEXICON) is None


def test_evidence_taken_out_leaves_the_topic_words() -> None:
    assert remove_evidence("a brilliant script !".split(), LEXICON) == "a script .".split()
    assert remove_evidence("the cast was very great .".split(), LEXICON) == (
        "the cast was .".split()
    )
    assert remove_evidence("the plot .".split(), LEXICON) is None  # nothing to take out
    assert remove_evidence("brilliant .".split(), LEXICON) is None  # nothing left
    long = "a brilliant film about a man who walks from one town to the next".split()
    assert remove_evidence(long, LEXICON) is None  # a long remainder may hold evidence


@pytest.fixture
def generator(monkeypatch: pytest.MonkeyPatch) -> Generator:
    monkeypatch.setattr(counterfactuals, "vader_lexicon", lambda: LEXICON)
    reviews = [
        Review("The cast was brilliant. I loved it so much.", 1, 10, "a"),
        Review("The whole film was awful and dull. What a dull mess.", 0, 1, "b"),
        Review("It was great in the middle, honestly.", 1, 6, "c"),  # not confident: unused
    ]
    return Generator(reviews, seed=0)


def test_pools_hold_confident_sentences_that_agree_with_their_review(generator) -> None:
    assert generator.pool[1] == [
        ["the", "cast", "was", "brilliant", "."],
        ["i", "loved", "it", "so", "much", "."],
    ]
    assert generator.pool[0] == [
        ["the", "whole", "film", "was", "awful", "and", "dull", "."],
        ["what", "a", "dull", "mess", "."],
    ]


def test_a_negation_flips_the_label_beside_its_original(generator) -> None:
    pairs = generator.negations(8)
    assert pairs
    for ((original,), label), ((negated,), flipped) in zip(pairs[::2], pairs[1::2], strict=True):
        assert flipped == 1 - label
        assert len(negated) - len(original) in (0, 1, 2)
        assert {"not", "wasn't", "didn't"} & set(negated)


def test_the_clause_after_the_contrast_decides(generator) -> None:
    for sentences, label in generator.contrasts(20):
        last = sentences[-1]  # the fixture's sentences hold no comma: the last one opens b
        cut = max(i for i, t in enumerate(last) if t in {"but", ","})
        words = set(last[cut + 1 :])
        assert (label == 1) == bool(words & {"brilliant", "loved"})


def test_unseen_names_keep_the_label(generator) -> None:
    found = generator.unseen_names(4, {"cast": "_name_"})
    assert [label for _, label in found] == [1, 1]
    (first,), (second,) = (s for s, _ in found)
    assert first != second
    assert len(first) == len(second)


def test_an_aspect_swapped_for_another_keeps_the_label(generator) -> None:
    found = generator.aspects_swapped(8)
    assert [label for _, label in found] == [0, 1]  # "the whole film ...", "the cast ..."
    for (sentence,), label in found:
        original = next(s for s in generator.pool[label] if len(s) == len(sentence))
        changed = [(a, b) for a, b in zip(original, sentence, strict=True) if a != b]
        assert len(changed) == 1
        ((before, after),) = changed
        assert any({before, after} <= group for group in counterfactuals.ASPECTS)


def test_evidence_removed_is_neutral(generator) -> None:
    found = generator.evidence_removed(8)
    assert found
    for (sentence,), label in found:
        assert label == NEUTRAL
        assert not set(sentence) & set(LEXICON)


def test_negations_removed_come_from_negated_sentences_of_confident_reviews(monkeypatch) -> None:
    monkeypatch.setattr(counterfactuals, "vader_lexicon", lambda: LEXICON)
    reviews = [
        Review("The ending was not brilliant. Avoid.", 0, 2, "a"),
        Review("It was not brilliant, sadly.", 1, 9, "b"),  # a positive review: no agreement
    ]
    found = Generator(reviews, seed=0).negations_removed(4)
    assert found == [
        ([["the", "ending", "was", "not", "brilliant", "."]], 0),
        ([["the", "ending", "was", "brilliant", "."]], 1),
    ]


def test_all_is_a_split_with_sentence_lengths(generator) -> None:
    split = generator.all(5, {})
    assert len(split) == len(split.tokens) == len(split.lengths)
    assert all(sum(n) == len(t) for n, t in zip(split.lengths, split.tokens, strict=True))
    assert set(np.unique(split.labels)) <= {0, NEUTRAL, 1}
    assert NEUTRAL in split.labels
