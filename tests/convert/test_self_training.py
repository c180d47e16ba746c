"""Self-training: which unlabelled sentences are kept as sure, which as without evidence."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from convert.data.imdb import Review
from convert.train import self_training, served
from handler.inference.calibration import Head
from handler.inference.encoder import Encoder, Vocabulary
from handler.inference.features import TextConfig

# (CNN logit, n-gram logit) each word adds, as in a linear stand-in for the exported graph.
VALUES = {"great": (3.0, 1.0), "awful": (-3.0, -1.0), "meh": (0.0, 0.4), "tuesday": (0.0, 0.05)}
LEXICON = {"great": 3.1, "awful": -2.0}


VOCABULARY = Vocabulary([*VALUES, "film", "saw", "it", "on", "i", "the", "was", "."])
ENCODER = Encoder(TextConfig(seq_len=64, ngram_len=0), VOCABULARY)


@pytest.fixture
def teach(monkeypatch: pytest.MonkeyPatch):
    table = np.zeros((len(VOCABULARY.tokens) + 2, 2), np.float32)
    for i, token in enumerate(VOCABULARY.tokens):
        table[i + 2] = VALUES.get(token, (0.0, 0.0))

    def outputs(model, inputs):
        return table[inputs["words"]].sum(axis=1)

    monkeypatch.setattr(self_training, "keras_outputs", outputs)
    monkeypatch.setattr(self_training, "vader_lexicon", lambda: LEXICON)

    def run(reviews: list[str], per_kind: int = 10, sure: bool = True) -> self_training.Taught:
        found = [Review(t, 0, 0, str(i)) for i, t in enumerate(reviews)]
        return self_training.teach(None, Head(), ENCODER, ENCODER, found, per_kind, 0, sure)

    return run


def test_a_sure_sentence_is_kept_only_when_its_review_is_sure_on_the_same_side(teach) -> None:
    taught = teach(
        [
            "The film was great. I saw it on Tuesday.",
            "The film was awful. It was awful.",
            "It was great. The film was awful. The film was awful.",  # a negative review
        ]
    )
    # One sure positive sentence, so one of each side: "it was great" would have made two.
    assert len(taught.sure) == 2
    positive, negative = (taught.sure.tokens[taught.sure.labels.tolist().index(y)] for y in (1, 0))
    assert positive == ["the", "film", "was", "great", "."]
    assert "awful" in negative


def test_sure_sentences_are_balanced_and_capped(teach) -> None:
    many = ["It was great. The film was great. I saw it great."] * 3 + ["It was awful."]
    taught = teach(many, per_kind=10)
    assert taught.sure.labels.tolist().count(1) == taught.sure.labels.tolist().count(0) == 1
    assert len(teach(many * 4, per_kind=2).sure) == 2


def test_without_the_sure_kind_only_the_sentences_without_evidence_are_kept(teach) -> None:
    reviews = ["The film was great. I saw it on Tuesday.", "The film was awful."]
    both, neutral_only = teach(reviews), teach(reviews, sure=False)
    assert len(both.sure) == 2
    assert len(neutral_only.sure) == 0
    assert neutral_only.neutral == both.neutral == [["i", "saw", "it", "on", "tuesday", "."]]
    (only,) = neutral_only.parts(ENCODER, "words", weight=0.5)
    assert only.y.tolist() == [self_training.NEUTRAL_LABEL]


def test_a_sentence_without_evidence_is_one_with_no_lexicon_word_mark_or_ngram_weight(
    teach,
) -> None:
    taught = teach(
        [
            "I saw it on Tuesday. I saw it on Tuesday? The film was meh. I saw it! It was great. "
            "I never saw it on Tuesday. I didn't see it on Tuesday."
        ]
    )
    assert taught.neutral == [["i", "saw", "it", "on", "tuesday", "."]]


def test_sentences_from_min_to_max_tokens_are_read_and_no_others(teach) -> None:
    def film(n: int) -> str:
        return " ".join(["film"] * (n - 1)) + "."  # n tokens with the full stop

    low, high = self_training.MIN_TOKENS, self_training.MAX_TOKENS
    taught = teach([" ".join(film(n) for n in (low - 1, low, high, high + 1))], per_kind=10)
    assert sorted(map(len, taught.neutral)) == [low, high]
    nothing = teach([film(low - 1) + " " + film(high + 1)])
    assert nothing.neutral == []
    assert len(nothing.sure) == 0


def test_each_kind_becomes_a_part_with_its_targets_and_an_empty_kind_none(teach) -> None:
    both = teach(["The film was great. I saw it on Tuesday.", "The film was awful."])
    sure, neutral = both.parts(ENCODER, "words", weight=0.5)
    assert sorted(sure.y.tolist()) == [0, 1]
    assert neutral.y.tolist() == [self_training.NEUTRAL_LABEL]
    assert (sure.weight, neutral.weight, len(neutral.x)) == (0.5, 0.5, 1)
    (only,) = teach(["I saw it on Tuesday."]).parts(ENCODER, "words", weight=0.5)
    assert only.y.tolist() == [self_training.NEUTRAL_LABEL]


def test_training_refuses_self_training_without_unlabelled_reviews() -> None:
    on = dataclasses.replace(served.SERVED, self_taught=10)
    with pytest.raises(ValueError, match="no unlabelled reviews"):
        served.train(None, None, None, None, None, None, None, (), on)
