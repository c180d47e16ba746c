"""The graphs behind the headline numbers: the export graph computes what the trained graph
computes, and the branches answer the same at any input length (short spans train short)."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from convert.export.predict import keras_outputs, keras_predict
from convert.train import models, nblr

VOCAB, GRAMS, SEQ, NGRAM = 50, 80, 30, 40
rng = np.random.default_rng(0)


def _branches() -> tuple[keras.Model, keras.Model]:
    """Branches with random (not trained) weights: the equivalence must hold for any."""
    ratios = rng.normal(0, 0.3, GRAMS).astype(np.float32)  # logits mostly inside the +-8 clip
    ratios[:2] = 0
    cnn = models.cnn_branch(VOCAB, embed_dim=6, filters=4, widths=(2, 3), seed=1)
    return cnn, models.ngram_branch(ratios, bias=-0.3)


def _inputs(n: int, seq: int = SEQ, ngram: int = NGRAM) -> dict[str, np.ndarray]:
    words = rng.integers(2, VOCAB, (n, seq)).astype(np.int32)
    words[:, : seq // 3] = 0  # pre-padding, as the encoder writes it
    grams = np.zeros((n, ngram), np.int32)
    for row in grams:
        k = rng.integers(1, ngram)
        row[:k] = rng.choice(np.arange(2, GRAMS), size=k, replace=False)
    return {"words": words, "ngrams": grams}


def test_export_graph_computes_the_branches_logits(monkeypatch: pytest.MonkeyPatch) -> None:
    # With the clips out of reach, the re-laid graph must be the same functions exactly.
    monkeypatch.setattr(models, "NGRAM_WEIGHT_QUANTILE", 1.0)
    monkeypatch.setattr(models, "NGRAM_LOGIT_LIMIT", 1e9)
    cnn, ngram = _branches()
    x = _inputs(64)
    exported = models.for_export(cnn, ngram)
    out = keras_outputs(exported, x).astype(np.float64)
    assert out.shape == (64, len(models.OUTPUTS))
    # Compared as probabilities: a float32 sigmoid near 0 or 1 has no precise logit to compare.
    np.testing.assert_allclose(1 / (1 + np.exp(-out[:, 0])), keras_predict(cnn, x), atol=2e-6)
    np.testing.assert_allclose(1 / (1 + np.exp(-out[:, 1])), keras_predict(ngram, x), atol=2e-6)


def test_export_clips_only_the_extremes() -> None:
    cnn, ngram = _branches()
    x = _inputs(64)
    p = keras_predict(ngram, x).astype(np.float64)
    logit = np.log(p / (1 - p))
    got = keras_outputs(models.for_export(cnn, ngram), x)[:, 1]
    # Clipping the top 0.1% of n-gram weights moves a logit a little, never its sign here.
    assert np.mean(np.abs(got - logit)) < 0.05
    assert np.mean(np.sign(got) == np.sign(logit)) > 0.95


def test_branches_answer_the_same_at_any_padded_length() -> None:
    cnn, ngram = _branches()
    short = _inputs(16, seq=12, ngram=10)
    long = {
        "words": np.pad(short["words"], ((0, 0), (SEQ - 12, 0))),
        "ngrams": np.pad(short["ngrams"], ((0, 0), (0, NGRAM - 10))),
    }
    for branch in (cnn, ngram):
        np.testing.assert_allclose(
            keras_predict(branch, short), keras_predict(branch, long), atol=1e-6
        )


def test_nb_ratios_are_smoothed_log_count_ratios() -> None:
    ids = np.array([[2, 3, 0], [2, 2, 0], [4, 1, 0]], np.int32)
    labels = np.array([1, 1, 0])
    x = nblr.binary_matrix(ids, 5)
    # Binary: the repeated id 2 in row 1 counts once; pad (0) and oov (1) are dropped.
    assert x.toarray().tolist() == [[0, 0, 1, 1, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 1]]
    r = nblr.log_count_ratios(x, labels, alpha=1.0)
    p = np.array([1, 1, 3, 2, 1], float)  # alpha + positive counts, ids 0..4
    q = np.array([1, 1, 1, 1, 2], float)
    np.testing.assert_allclose(r, np.log((p / p.sum()) / (q / q.sum())), rtol=1e-6)
    assert r[2] > 0 > r[4]  # seen only in positive / only in negative reviews


def test_the_ngram_branch_is_the_nb_lr_model_exactly() -> None:
    ids = _inputs(200)["ngrams"]
    labels = (ids[:, 0] % 2).astype(np.int64)
    x = nblr.binary_matrix(ids, GRAMS)
    nb = nblr.fit(x, labels, c=1.0)
    branch = models.ngram_branch(nblr.keras_table(nb), nb.bias)
    np.testing.assert_allclose(
        keras_predict(branch, {"ngrams": ids}), nb.probabilities(x), atol=1e-5
    )
