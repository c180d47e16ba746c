"""`python -m convert unlabelled --previous DIR`: two models on the same unlabelled reviews.

No labels, so nothing here is an accuracy. What it shows is a lean: a model that gives most
reviews a lower probability than another, where both scored the same on validation, has moved
its answers, not learnt more. It flagged, with no test review read, the half-count antonym
model that leant negative on the test set (README "What next"; the runs quoted there are
reports/unlabelled/). The unlabelled reviews are training data (word vectors, self-training),
never the test set.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from convert.data.imdb import Review
from convert.data.prepare import Split
from convert.evaluate import shipped
from handler import constants
from handler.inference.manifest import Manifest
from handler.inference.predictor import LitePredictor

REVIEWS = 3_000
SEED = 5


def sample(unsup: Sequence[Review], n: int = REVIEWS, seed: int = SEED) -> list[str]:
    """`n` unlabelled reviews, the same ones whatever order the archive was read in."""
    ordered = sorted(unsup, key=lambda r: r.id)
    return [r.text for r in random.Random(seed).sample(ordered, min(n, len(ordered)))]


def probabilities(model_dir: Path, texts: Sequence[str]) -> npt.NDArray[np.float64]:
    """The int8 model's answers, as the service gives them."""
    unlabelled = Split.of_texts(texts, [-1] * len(texts))
    return np.asarray(shipped.probabilities(LitePredictor.load(model_dir), unlabelled), np.float64)


def version(model_dir: Path) -> str:
    return Manifest.read(model_dir / constants.MANIFEST_FILE).model_version


def lean(previous: npt.NDArray[np.float64], model: npt.NDArray[np.float64]) -> dict[str, Any]:
    """How `model`'s answers sit against `previous`'s on the same texts."""
    eps = 1e-6

    def logits(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        q = np.clip(p, eps, 1 - eps)
        return np.asarray(np.log(q / (1 - q)))

    return {
        "texts": len(model),
        "positive_share": {
            "previous": float(np.mean(previous >= 0.5)),
            "model": float(np.mean(model >= 0.5)),
        },
        "mean_probability": {"previous": float(previous.mean()), "model": float(model.mean())},
        "median_logit_shift": float(np.median(logits(model) - logits(previous))),
        "model_lower": float(np.mean(model < previous)),
        "model_higher": float(np.mean(model > previous)),
        "label_agreement": float(np.mean((model >= 0.5) == (previous >= 0.5))),
    }
