"""The sentence branch: a review's logit is an attention pooling of its sentences' scores."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from convert.export.predict import keras_predict
from convert.train.sentence_cnn import export_branch, sentence_branch

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


def test_embedding_decay_fades_a_word_never_read_and_nothing_else_by_decay() -> None:
    """A row no batch touches keeps its place under Adam and shrinks by exactly the decay
    under AdamW; the convolutions' and dense layers' weights are never decayed."""
    x = np.stack([_sentence(4) % 20 + 1 for _ in range(8)])  # ids 1..20: row 40 is never read
    y = np.arange(8) % 2
    unread = 40
    rows = {}
    for decay in (0.0, 10.0):
        model = sentence_branch(50, T, embed_dim=8, filters=8, attention_units=4, seed=2,
                                embedding_decay=decay)  # fmt: skip
        before = model.get_layer("word_embedding").get_weights()[0][unread].copy()
        model.fit(x, y, batch_size=8, epochs=3, verbose=0)
        rows[decay] = before, model.get_layer("word_embedding").get_weights()[0][unread]
        if decay:
            decayed = [v for v in model.trainable_variables if model.optimizer._use_weight_decay(v)]
            assert [v.name for v in decayed] == ["embeddings"]
    np.testing.assert_allclose(rows[0.0][1], rows[0.0][0])
    np.testing.assert_allclose(rows[10.0][1], rows[10.0][0] * (1 - 1e-3 * 10.0) ** 3, rtol=1e-4)


def test_unattended_sentences_are_pulled_toward_no_opinion_and_a_lone_sentence_is_not() -> None:
    """The pull is the mean over a text's sentences of (1 - attention weight) * logit^2: zero
    for a one-sentence text, whatever its logit; the export graph is unchanged by it."""
    plain = _model()
    pulled = sentence_branch(50, T, embed_dim=8, filters=8, attention_units=4, seed=2,
                             unattended_shrink=0.5)  # fmt: skip
    lone = _sentence(4).reshape(1, -1)
    two = np.concatenate([_sentence(4), _sentence(5)]).reshape(1, -1)
    for rows in (lone, two):
        np.testing.assert_allclose(_logit(plain, rows), _logit(pulled, rows), atol=1e-5)
        exported = keras_predict(export_branch(pulled, T), {"sentences": rows})
        np.testing.assert_allclose(exported.ravel(), _logit(plain, rows), atol=1e-4)

    def pull(rows: np.ndarray) -> float:
        pulled(keras.ops.convert_to_tensor(rows))
        return float(keras.ops.convert_to_numpy(pulled.losses[0]))

    assert pull(lone) == 0.0
    parts = keras.Model(pulled.input, [pulled.get_layer(n).output for n in
                                        ("sentence_logits", "attention")])  # fmt: skip
    logits, scores = (
        keras.ops.convert_to_numpy(v)[0] for v in parts(keras.ops.convert_to_tensor(two))
    )
    weights = np.exp(scores) / np.exp(scores).sum()
    expected = 0.5 * np.mean((1 - weights) * logits**2)
    assert pull(two) == pytest.approx(expected, rel=1e-4)
    assert expected > 0
