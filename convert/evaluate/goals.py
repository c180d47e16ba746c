"""Every goal the served model is held to, written once: reports and tests both read them.

One table per domain: accuracy and calibration (issue 23, Deliver 6: no regression against the
model it replaced, 92.36% on IMDb test), export parity (int8 against Keras, as
`tests/convert/test_parity.py` checks it on the shipped files) and behaviour (Deliver 2: each capability's fail rate under both anchors,
a rule lexicon and DistilBERT-SST2, on the held-out suite).
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Unit = Literal["percent", "number", "mb", "minutes", "ratio"]
_OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}


@dataclass(frozen=True)
class Goal:
    key: str  # where the measured figure is found (a name the report and tests share)
    label: str
    op: Literal[">=", "<=", ">", "<"]
    bound: float
    unit: Unit = "percent"
    stretch: float | None = None  # a further goal that stands, beside the no-regression bound

    def met(self, value: float) -> bool:
        return _OPS[self.op](value, self.bound)

    def show(self, value: float) -> str:
        return show(value, self.unit)

    @property
    def target(self) -> str:
        text = f"{self.op} {show(self.bound, self.unit)}"
        if self.stretch is not None:
            text += f" (goal {show(self.stretch, self.unit)})"
        return text


def show(value: float, unit: Unit) -> str:
    if unit == "percent":
        return f"{value * 100:.2f}%"
    if unit == "mb":
        return f"{value / 1e6:.2f} MB"
    if unit == "minutes":
        return f"{value / 60:.0f} min"
    if unit == "ratio":
        return f"{value:.2f}x"
    return f"{value:,.3f}" if value != int(value) else f"{int(value):,}"


ACCURACY: tuple[Goal, ...] = (
    Goal("test_int8", "IMDb test accuracy, int8", ">=", 0.9236, stretch=0.925),
    Goal("sentences.imdb", "IMDb sentences", ">=", 0.89, stretch=0.90),
    Goal("sentences.amazon", "Amazon phones", ">=", 0.832),
    Goal("sentences.yelp", "Yelp restaurants", ">=", 0.821),
    Goal("ece.test", "calibration error, IMDb test", "<=", 0.02, "number"),
    Goal("ece.sentences", "calibration error, sentences (worst set)", "<=", 0.05, "number"),
    Goal("distinct", "distinct probabilities over the test reviews", ">=", 1000, "number"),
    Goal("exact_half", "labels decided by an exact 0.5", "<=", 0, "number"),
    Goal(
        "faithfulness",
        "faithfulness, reviews: the top 20% words' fall beyond random words'",
        ">=",
        0.40,
        "number",
    ),
    Goal("model_bytes", "model file", "<=", 8e6, "mb"),
    Goal(
        "compute_ratio",
        "compute per review against the previous model, one run",
        "<=",
        2.0,
        "ratio",
    ),
    Goal("train_seconds", "`make train` on 2 cores", "<=", 3600, "minutes"),
)

PARITY: tuple[Goal, ...] = (
    Goal("label_agreement", "int8 label agreement with Keras", ">=", 0.995),
    Goal("mean_abs_dp", "int8 mean abs(dp) against Keras", "<=", 0.01, "number"),
    Goal("accuracy_drop", "int8 accuracy below Keras", "<=", 0.003),
)

# Mean fail rate per capability on the held-out suite: below both anchors (issues 18 and 23).
BEHAVIOUR: tuple[Goal, ...] = (
    Goal("Vocabulary", "Vocabulary", "<", 0.07),
    Goal("Negation", "Negation", "<", 0.25),
    Goal("SRL", "SRL (whose opinion, questions)", "<", 0.35),
    Goal("Temporal", "Temporal", "<", 0.16),
    Goal("Robustness", "Robustness", "<", 0.05),
    Goal("NER", "NER", "<", 0.034),
    Goal("Fairness", "Fairness", "<=", 0.02),
)


def bound(table: tuple[Goal, ...], key: str) -> float:
    """The bound of the goal `key` in `table` (for tests that check one figure)."""
    return next(g.bound for g in table if g.key == key)
