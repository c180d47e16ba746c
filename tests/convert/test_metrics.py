"""Scores the reports rest on."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score

from convert.evaluate.metrics import (
    Scores,
    accuracy_by_length,
    agreement,
    expected_calibration_error,
    summary,
)
from handler.inference.calibration import Head

rng = np.random.default_rng(3)


def test_scores_match_sklearn_and_threshold_at_half() -> None:
    p = np.array([0.5, 0.49, 0.9, 0.1])
    y = np.array([1, 0, 0, 0])
    s = Scores.of(p, y)
    assert s.accuracy == 0.75
    assert s.macro_f1 == f1_score(y, [1, 0, 1, 0], average="macro")


def test_calibration_error_is_small_when_calibrated_and_large_when_not() -> None:
    p = rng.uniform(0, 1, 200_000)
    y = (rng.uniform(0, 1, p.size) < p).astype(np.int64)
    assert expected_calibration_error(p, y) < 0.01
    overconfident = np.where(p >= 0.5, 0.99, 0.01)
    assert expected_calibration_error(overconfident, y) > 0.2


def test_summary_counts_answers_near_half() -> None:
    s = summary(np.array([0.45, 0.55, 0.61, 0.05]), np.array([0, 1, 1, 0]))
    assert s["near_half"] == 0.5
    assert s["accuracy"] == 1.0


def test_agreement_and_length_buckets() -> None:
    a = agreement(np.array([0.2, 0.7]), np.array([0.6, 0.7]))
    assert a["label_agreement"] == 0.5
    assert abs(a["max_abs_dp"] - 0.4) < 1e-9
    rows = accuracy_by_length(
        np.array([0.9, 0.1, 0.9]), np.array([1, 1, 0]), [5, 30, 900], edges=(0, 20)
    )
    assert [(r["low"], r["count"], r["accuracy"]) for r in rows] == [(0, 1, 1.0), (20, 2, 0.0)]


def test_head_mixes_the_outputs_with_the_short_weights_below_its_word_count() -> None:
    head = Head(
        weights=(2.0, 1.0), bias=0.5, short_weights=(0.5, 3.0), short_bias=-1.0, short_words=3
    )
    outputs = np.array([[1.0, 1.0], [1.0, 1.0]])
    z = head.logits(outputs, [2, 3])
    np.testing.assert_allclose(z, [0.5 + 3.0 - 1.0, 2.0 + 1.0 + 0.5])
    np.testing.assert_allclose(head.probabilities(outputs, [2, 3]), 1 / (1 + np.exp(-z)))
    # One int8 step of each output moves the logit by at most weight x step.
    assert head.resolution((0.1, 0.02), 5) == 0.2
    assert Head().logits(outputs, [0, 9]).tolist() == [2.0, 2.0]  # the default adds the outputs
