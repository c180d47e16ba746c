"""Each text is marked once: a prediction reads its words, n-grams and known words from one pass,
and an explanation marks each of its variants once."""

from __future__ import annotations

import pytest

from handler.inference import features as features_module
from handler.inference.encoder import Encoder
from handler.inference.predictor import LitePredictor
from handler.inference.text import words

REVIEW = "Not a bad film, but the plot was dull. I didn't hate the acting, though."


@pytest.fixture
def marked(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Every token list `mark()` is called on, in order."""
    calls: list[tuple[str, ...]] = []
    original = features_module.mark

    def counted(tokens, aliases, stopwords):  # type: ignore[no-untyped-def]
        calls.append(tuple(tokens))
        return original(tokens, aliases, stopwords)

    monkeypatch.setattr(features_module, "mark", counted)
    return calls


def test_the_shipped_model_marks(predictor: LitePredictor) -> None:
    # Without marks the counts below would be 0 and say nothing.
    assert predictor._encoder.config.marks


def as_read(encoder: Encoder, tokens: list[str]) -> tuple[str, ...]:
    """What `mark()` gets: each typed token as the model reads it ("didn't" as "did not")."""
    return tuple(r for t in tokens for r in encoder.read(t))


def test_a_prediction_marks_each_text_once(predictor: LitePredictor, marked) -> None:
    texts = [REVIEW, "a wonderful film", REVIEW]
    predictor.predict(texts)
    assert marked == [as_read(predictor._encoder, words(t)) for t in texts]


def test_an_explanation_marks_the_text_and_each_variant_once(
    predictor: LitePredictor, marked
) -> None:
    _, weights = predictor.explain(REVIEW)
    tokens = words(REVIEW)
    # Each variant deletes a word as typed ("didn't" among them), then is read again.
    variants = [as_read(predictor._encoder, [t for t in tokens if t != w]) for w, _ in weights]
    assert len(weights) > 3
    assert "didn't" in dict(weights)
    assert marked == [as_read(predictor._encoder, tokens), *variants]


def test_the_encoders_per_feature_methods_agree_with_one_pass(predictor: LitePredictor) -> None:
    # convert/ calls these one at a time; they must read what the one pass reads.
    encoder: Encoder = predictor._encoder
    tokens = words(REVIEW)
    found = encoder.featurize(tokens)
    assert encoder.features(tokens) == (found.words, found.marked)
    assert encoder.content_features(tokens) == found.content
    assert encoder.known_words(tokens) == encoder.known(found)
    encoded = encoder.encode_features([found])
    assert encoded["sentences"].tolist() == [encoder.sentence_ids(tokens)]
    assert encoded["ngrams"].tolist() == [encoder.ngram_ids(tokens)]
    assert {k: v.tolist() for k, v in encoder.encode_words([tokens]).items()} == {
        k: v.tolist() for k, v in encoded.items()
    }
