"""Scores the reports rest on."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score

from convert.metrics import (
    Scores,
    accuracy_by_length,
    agreement,
    expected_calibration_error,
    summary,
)
from handler.calibration import Calibration

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


def test_calibration_uses_the_short_temperature_below_its_word_count() -> None:
    c = Calibration(temperature=2.0, short_temperature=0.5, short_words=3)
    p = c.probabilities(np.array([1.0, 1.0]), [2, 3])
    np.testing.assert_allclose(p, 1 / (1 + np.exp(-np.array([2.0, 0.5]))))
