"""From the model's outputs to the probability the API returns, in float.

The int8 graph ends in two partial logits (the CNN's and the n-gram regression's). The head mixes
them and calibrates the result in one logistic step, `sigmoid(w . outputs + b)`, with one set of
weights for texts of at least `short_words` known words and one for shorter texts: a sentence
rests on a handful of words, and the branches deserve other weights there than on a review.
The weights are fitted offline on held-out data (`convert/`) and stored in the manifest.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

# Annotations only: numpy.typing costs a cold start about a millisecond to import.
if TYPE_CHECKING:
    import numpy.typing as npt


@dataclass(frozen=True)
class Head:
    weights: tuple[float, ...] = (1.0,)  # one per model output, for texts of short_words or more
    bias: float = 0.0
    short_weights: tuple[float, ...] = (1.0,)
    short_bias: float = 0.0
    short_words: int = 0  # texts with fewer known words use the short weights

    @classmethod
    def of(cls, manifest: Mapping[str, Any]) -> Head:
        found = dict(manifest.get("head", {}))
        for key in ("weights", "short_weights"):
            if key in found:
                found[key] = tuple(found[key])
        return cls(**found)

    def logits(self, outputs: npt.ArrayLike, known_words: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """The calibrated log-odds of each row of `outputs` (rows x model outputs)."""
        out = np.asarray(outputs, np.float64)
        out = out.reshape(len(out), -1)
        short = np.asarray(known_words).reshape(-1) < self.short_words
        long_z = (
            out @ np.broadcast_to(np.asarray(self.weights, np.float64), out.shape[1:]) + self.bias
        )
        short_z = (
            out @ np.broadcast_to(np.asarray(self.short_weights, np.float64), out.shape[1:])
            + self.short_bias
        )
        z: npt.NDArray[np.float64] = np.where(short, short_z, long_z)
        return z

    def probabilities(
        self, outputs: npt.ArrayLike, known_words: npt.ArrayLike
    ) -> npt.NDArray[np.float64]:
        p: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-self.logits(outputs, known_words)))
        return p

    def resolution(self, steps: tuple[float, ...], known_words: int) -> float:
        """The largest logit change one int8 step of any single output can cause."""
        w = self.short_weights if known_words < self.short_words else self.weights
        weights = np.broadcast_to(np.asarray(w, np.float64), (len(steps),))
        return float(max((abs(x) * s for x, s in zip(weights, steps, strict=True)), default=0.0))
