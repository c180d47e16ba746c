"""Counterfactuals of training sentences: the rule decides the label, and the words are real."""

from __future__ import annotations

import numpy as np
import pytest

from convert.data.imdb import Review
from convert.train import counterfactuals
from convert.train.counterfactuals import Generator, insert_negation

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


def generator_reviews() -> list[Review]:
    return [
        Review("The cast was brilliant. I loved it so much.", 1, 10, "a"),
        Review("The whole film was awful and dull. What a dull mess.", 0, 1, "b"),
        Review("It was great in the middle, honestly.", 1, 6, "c"),  # not confident: unused
    ]


@pytest.fixture
def generator(monkeypatch: pytest.MonkeyPatch) -> Generator:
    monkeypatch.setattr(counterfactuals, "vader_lexicon", lambda: LEXICON)
    return Generator(generator_reviews(), seed=0)


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


def test_all_is_a_split_with_sentence_lengths(generator) -> None:
    split = generator.all(5, {})
    assert len(split) == len(split.tokens) == len(split.lengths)
    assert all(sum(n) == len(t) for n, t in zip(split.lengths, split.tokens, strict=True))
    assert set(np.unique(split.labels)) <= {0, 1}


def test_every_opposite_is_a_lexicon_word_of_the_other_sign() -> None:
    from convert.data.lexicons import vader_lexicon

    lexicon = vader_lexicon()
    for word, opposite in counterfactuals.OPPOSITE.items():
        assert lexicon[word] * lexicon[opposite] < 0, (word, opposite)
        assert counterfactuals.OPPOSITE[opposite] == word


def test_an_antonym_swap_changes_every_opinion_word_or_none() -> None:
    swap = counterfactuals.swap_opposites
    assert swap("the script was brilliant .".split(), LEXICON) == "the script was awful .".split()
    assert swap("a great , dull plot".split(), LEXICON) == "a terrible , exciting plot".split()
    # "loved" has an opposite but "moving" none: a half swap would keep the old label's say.
    assert swap("i loved it , so moving".split(), {**LEXICON, "moving": 2.0}) is None
    assert swap("the script .".split(), LEXICON) is None
    # "boring" is weaker than `STRONG`, but left as it is it would argue for the old label.
    lexicon = {**LEXICON, "boring": -1.3}
    swapped = swap("it was awful and boring".split(), lexicon)
    assert swapped == "it was brilliant and interesting".split()


def test_antonym_pairs_flip_the_label_and_keep_every_other_word(generator) -> None:
    pairs = generator.antonyms(4)
    assert [label for _, label in pairs] == [0, 1, 0, 1, 1, 0, 1, 0]  # two of each label
    for ((original,), _), ((swapped,), _) in zip(pairs[::2], pairs[1::2], strict=True):
        changed = [(a, b) for a, b in zip(original, swapped, strict=True) if a != b]
        assert changed
        assert all(counterfactuals.OPPOSITE[a] == b for a, b in changed)


def test_the_antonym_kind_adds_to_the_others_without_changing_them(generator) -> None:
    without = generator.all(5, {})
    also = Generator(generator_reviews(), seed=0).all(5, {}, antonyms=True)
    assert len(also) > len(without)
    kept = {tuple(t) for t in without.tokens}
    assert kept <= {tuple(t) for t in also.tokens}


def test_the_antonym_share_draws_that_share_of_the_pairs(generator) -> None:
    def count(share: float) -> int:
        split = Generator(generator_reviews(), seed=0).all(
            4, {}, antonyms=True, antonym_share=share
        )
        return len(split)

    without = len(Generator(generator_reviews(), seed=0).all(4, {}))
    assert count(1.0) - without == 2 * (count(0.5) - without) > 0


def test_negated_antonym_pairs_add_each_sentence_negated_with_its_label_flipped(generator) -> None:
    found = generator.antonyms(4, negated=True)
    negated = [(s, label) for (s,), label in found if {"not", "wasn't", "didn't"} & set(s)]
    assert negated
    for sentence, label in negated:
        # "it was not brilliant" is negative, "it was not awful" leans positive.
        assert label == (0 if {"brilliant", "love", "exciting", "great"} & set(sentence) else 1)
