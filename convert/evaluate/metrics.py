"""How the results are scored: accuracy and F1 through `sklearn.metrics`, agreement between two
models, calibration error and reliability, accuracy by review length."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from sklearn.metrics import accuracy_score, f1_score

from handler.constants import THRESHOLD

Probs = npt.NDArray[np.floating]
Labels = npt.NDArray[np.int64]
CALIBRATION_BINS = 10
# Review lengths in words (stopwords included) for the accuracy-by-length table.
LENGTH_EDGES = (0, 20, 50, 100, 200, 400, 800)


def predicted(probs: Probs) -> Labels:
    return (np.asarray(probs) >= THRESHOLD).astype(np.int64)


@dataclass(frozen=True)
class Scores:
    accuracy: float
    macro_f1: float

    @classmethod
    def of(cls, probs: Probs, labels: Labels) -> Scores:
        pred = predicted(probs)
        return cls(
            float(accuracy_score(labels, pred)),
            float(f1_score(labels, pred, average="macro", zero_division=0)),
        )


def agreement(a: Probs, b: Probs) -> dict[str, float]:
    """How closely two models' probabilities agree on the same reviews."""
    delta = np.abs(np.asarray(a, np.float64) - np.asarray(b, np.float64))
    return {
        "label_agreement": float(np.mean(predicted(a) == predicted(b))),
        "mean_abs_dp": float(delta.mean()),
        "max_abs_dp": float(delta.max()),
    }


def reliability(
    probs: Probs, labels: Labels, bins: int = CALIBRATION_BINS
) -> list[dict[str, float]]:
    """Equal-width bins of P(positive): count, mean probability and share positive in each."""
    p = np.asarray(probs, np.float64)
    idx = np.minimum((p * bins).astype(int), bins - 1)
    rows = []
    for b in range(bins):
        m = idx == b
        if m.any():
            rows.append(
                {
                    "low": b / bins,
                    "count": int(m.sum()),
                    "mean_probability": float(p[m].mean()),
                    "positive_share": float(np.mean(labels[m])),
                }
            )
    return rows


def expected_calibration_error(probs: Probs, labels: Labels, bins: int = CALIBRATION_BINS) -> float:
    """Mean |P(positive) - share positive| over equal-width bins, weighted by their counts."""
    rows = reliability(probs, labels, bins)
    n = sum(r["count"] for r in rows)
    return float(
        sum(r["count"] * abs(r["mean_probability"] - r["positive_share"]) for r in rows) / n
    )


def summary(probs: Probs, labels: Labels) -> dict[str, float]:
    """Accuracy, macro F1, calibration error and the share of answers within 0.1 of 0.5."""
    p = np.asarray(probs, np.float64)
    s = Scores.of(p, labels)
    return {
        "n": len(p),
        "accuracy": s.accuracy,
        "macro_f1": s.macro_f1,
        "ece": expected_calibration_error(p, labels),
        "near_half": float(np.mean(np.abs(p - 0.5) < 0.1)),
    }


def accuracy_by_length(
    probs: Probs, labels: Labels, lengths: Sequence[int], edges: Sequence[int] = LENGTH_EDGES
) -> list[dict[str, Any]]:
    """Accuracy within each length bucket [edges[i], edges[i+1]), the last one open-ended."""
    n = np.asarray(lengths)
    correct = predicted(probs) == labels
    bounds = [*edges, None]
    rows = []
    for low, high in itertools.pairwise(bounds):
        m = (n >= low) & (n < high) if high is not None else n >= low
        if m.any():
            rows.append(
                {
                    "low": low,
                    "high": high or 0,
                    "count": int(m.sum()),
                    "accuracy": float(correct[m].mean()),
                }
            )
    return rows
