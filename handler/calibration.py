"""From the model's logit to the probability the API returns, in float.

The temperatures are fitted offline on held-out data (`convert/`) and stored in the manifest:
one for texts of at least `short_words` known words, one for shorter texts, whose logits come
from so few words that they are less reliable than their size suggests.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Calibration:
    temperature: float = 1.0
    short_temperature: float = 1.0
    short_words: int = 0  # texts with fewer known words use short_temperature

    @classmethod
    def of(cls, manifest: Mapping[str, Any]) -> Calibration:
        return cls(**manifest.get("calibration", {}))

    def temperature_for(self, known_words: int) -> float:
        return self.short_temperature if known_words < self.short_words else self.temperature

    def probabilities(
        self, logits: npt.NDArray[np.float32], known_words: npt.ArrayLike
    ) -> npt.NDArray[np.float64]:
        """sigmoid(logit / T), T chosen by each text's number of known words."""
        t = np.vectorize(self.temperature_for, otypes=[np.float64])(np.asarray(known_words))
        p: npt.NDArray[np.float64] = 1.0 / (1.0 + np.exp(-np.asarray(logits, np.float64) / t))
        return p
