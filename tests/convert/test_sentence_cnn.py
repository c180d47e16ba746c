"""The sentence branch: a review's logit is an attention pooling of its sentences' scores."""

from __future__ import annotations

import keras
import numpy as np

from convert.export.predict import keras_predict
from convert.train.sentence_cnn import sentence_branch

T = 6
rng = np.random.default_rng(3)


def _model() -> keras.Model:
    return sentence_branch(50, T, embed_dim=8, filters=8, attention_units=4, seed=2)


def _logit(model: keras.Model, rows: np.ndarray) -> np.ndarray:
    p = keras_predict(model, {"sentences": rows}).astype(np.float64)
    return np.log(p / (1 - p))


def _sentence(n: int) -> np.ndarray:
    row = np.zeros(T, np.int32)
    row[:n] = rng.integers(2, 50, n)
    return row


def test_empty_slots_change_nothing() -> None:
    model = _model()
    sentences = np.stack([_sentence(4), _sentence(6), _sentence(2)])
    short = sentences.reshape(1, -1)
    long = np.concatenate([short, np.zeros((1, 5 * T), np.int32)], axis=1)
    np.testing.assert_allclose(_logit(model, short), _logit(model, long), atol=1e-5)


def test_a_reviews_answer_lies_between_its_sentences_answers() -> None:
    model = _model()
    a, b = _sentence(5), _sentence(3)
    alone = [_logit(model, s.reshape(1, -1))[0] for s in (a, b)]
    both = _logit(model, np.concatenate([a, b]).reshape(1, -1))[0]
    # Attention weights are a convex combination: the review lies between its sentences.
    assert min(alone) - 1e-5 <= both <= max(alone) + 1e-5


def test_the_sentences_order_does_not_change_the_pooled_answer_but_words_order_does() -> None:
    model = _model()
    a, b = _sentence(5), _sentence(4)
    ab = _logit(model, np.concatenate([a, b]).reshape(1, -1))
    ba = _logit(model, np.concatenate([b, a]).reshape(1, -1))
    np.testing.assert_allclose(ab, ba, atol=1e-5)
    reversed_words = np.concatenate([a[:5][::-1], a[5:]]).reshape(1, -1)
    assert abs(_logit(model, reversed_words)[0] - _logit(model, a.reshape(1, -1))[0]) > 1e-6
