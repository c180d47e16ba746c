"""Self-training: which unlabelled sentences are kept as sure, which as without evidence."""

from __future__ import annotations

import numpy as np
import pytest

from convert.data.imdb import Review
from convert.train import self_training
from handler.inference.calibration import Head
from handler.inference.encoder import Encoder, Vocabulary
from handler.inference.features import TextConfig

# (CNN logit, n-gram logit) each word adds, as in a linear stand-in for the exported graph.
VALUES = {"great": (3.0, 1.0), "awful": (-3.0, -1.0), "meh": (0.0, 0.4), "tuesday": (0.0, 0.05)}
LEXICON = {"great": 3.1, "awful": -2.0}


@pytest.fixture
def teach(monkeypatch: pytest.MonkeyPatch):
    vocabulary = Vocabulary([*VALUES, "film", "saw", "it", "on", "i", "the", "was", "."])
    table = np.zeros((len(vocabulary.tokens) + 2, 2), np.float32)
    for i, token in enumerate(vocabulary.tokens):
        table[i + 2] = VALUES.get(token, (0.0, 0.0))

    def outputs(model, inputs):
        return table[inputs["words"]].sum(axis=1)

    monkeypatch.setattr(self_training, "keras_outputs", outputs)
    monkeypatch.setattr(self_training, "vader_lexicon", lambda: LEXICON)
    encoder = Encoder(TextConfig(seq_len=64, ngram_len=0), vocabulary)

    def run(reviews: list[str], per_kind: int = 10) -> self_training.Taught:
        found = [Review(t, 0, 0, str(i)) for i, t in enumerate(reviews)]
        return self_training.teach(None, Head(), encoder, encoder, found, per_kind, seed=0)

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


def test_a_sentence_without_evidence_is_one_with_no_lexicon_word_mark_or_ngram_weight(
    teach,
) -> None:
    taught = teach(
        ["I saw it on Tuesday. I saw it on Tuesday? The film was meh. I saw it! It was great."]
    )
    assert taught.neutral == [["i", "saw", "it", "on", "tuesday", "."]]
    assert self_training.neutral_targets(2).tolist() == [0.5, 0.5]


def test_fragments_and_run_on_sentences_are_not_read(teach) -> None:
    long = " ".join(["film"] * (self_training.MAX_TOKENS + 1)) + "."
    assert teach(["Film. " + long + " I saw it on Tuesday."]).neutral == [
        ["i", "saw", "it", "on", "tuesday", "."]
    ]
    nothing = teach(["Film. " + long])
    assert nothing.neutral == []
    assert len(nothing.sure) == 0
