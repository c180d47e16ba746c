"""Naive-Bayes-weighted logistic regression (Wang & Manning 2012) over binary n-gram features.

One implementation serves the baseline (over scikit-learn's vectorizer) and the served model's
n-gram branch (over the encoder's ids): a weight per n-gram, r_j * w_j, that a Keras embedding
holds exactly, so the branch in the graph is this model and not an approximation of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from handler.inference.encoder import OOV_ID
from handler.inference.features import PAD_ID

C_GRID = (0.1, 0.3, 1.0)


def binary_matrix(ids: npt.NDArray[np.int32], size: int) -> sparse.csr_matrix:
    """Padded id rows (the encoder's n-gram input) -> a binary CSR matrix; pad and oov dropped."""
    rows, cols = np.nonzero(ids > OOV_ID)
    data = np.ones(len(rows), np.float32)
    m = sparse.csr_matrix((data, (rows, ids[rows, cols])), shape=(len(ids), size))
    m.data[:] = 1.0  # an id repeated in a row still counts once
    return m


def log_count_ratios(
    x: Any, labels: npt.NDArray[np.int64], alpha: float = 1.0
) -> npt.NDArray[np.float64]:
    """r = log((p/|p|) / (q/|q|)) with add-alpha smoothing, over binary feature columns."""
    pos = np.asarray(x[labels == 1].sum(0)).ravel() + alpha
    neg = np.asarray(x[labels == 0].sum(0)).ravel() + alpha
    r: npt.NDArray[np.float64] = np.log((pos / pos.sum()) / (neg / neg.sum()))
    return r


@dataclass(frozen=True)
class NbLr:
    ratios: npt.NDArray[np.float64]
    model: LogisticRegression

    @property
    def weights(self) -> npt.NDArray[np.float32]:
        """Per-feature weight r_j * w_j: the logit is their sum over a text's features + bias."""
        w: npt.NDArray[np.float32] = (self.ratios * self.model.coef_.ravel()).astype(np.float32)
        return w

    @property
    def bias(self) -> float:
        return float(self.model.intercept_[0])

    def logits(self, x: Any) -> npt.NDArray[np.float64]:
        return np.asarray(self.model.decision_function(x @ sparse.diags(self.ratios)))

    def probabilities(self, x: Any) -> npt.NDArray[np.float64]:
        return 1.0 / (1.0 + np.exp(-self.logits(x)))


def fit(
    x: Any,
    labels: npt.NDArray[np.int64],
    c: float,
    ratio_rows: int | None = None,
    sample_weight: npt.ArrayLike | None = None,
) -> NbLr:
    """Ratios from the first `ratio_rows` rows (whole reviews, not spans), then an L2 fit."""
    n = ratio_rows or x.shape[0]
    r = log_count_ratios(x[:n], labels[:n])
    clf = LogisticRegression(C=c, solver="liblinear", max_iter=2000)
    clf.fit(x @ sparse.diags(r), labels, sample_weight=sample_weight)
    return NbLr(r, clf)


def keras_table(nb: NbLr) -> npt.NDArray[np.float32]:
    """The weights as an embedding table: rows for pad and oov are zero."""
    table = nb.weights.copy()
    table[[PAD_ID, OOV_ID]] = 0.0
    return table
