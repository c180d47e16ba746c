"""Scoring the suite's texts with a model and reading the answers as Ribeiro et al. 2020 do.

A binary model's P(positive) is read as three labels: at most 1/3 negative, at least 2/3
positive, neutral between. The scorer is any callable texts -> P(positive), so the tests use a
fake; `lite_scorer` is the shipped service's own batch path on a model folder.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from statistics import mean
from typing import Any

from convert.behaviour.cases import CAPABILITIES, Case, Label, Test

Scorer = Callable[[Sequence[str]], Sequence[float]]

NEGATIVE_MAX, POSITIVE_MIN = 1 / 3, 2 / 3
# A DIR case fails when P(positive) moves the wrong way by more than this (CheckList's value).
DIR_TOLERANCE = 0.1
BATCH = 256  # texts per model call: one interpreter resize, then the same shape every call
EXAMPLES = 3


def read_label(p: float) -> Label:
    if p <= NEGATIVE_MAX:
        return "negative"
    return "positive" if p >= POSITIVE_MIN else "neutral"


def score_all(tests: Sequence[Test], scorer: Scorer, batch: int = BATCH) -> dict[str, float]:
    """P(positive) of every distinct text of the suite, each scored once."""
    texts = sorted({t for test in tests for t in test.texts()})
    out: dict[str, float] = {}
    for i in range(0, len(texts), batch):
        chunk = texts[i : i + batch]
        probs = scorer(chunk)
        if len(probs) != len(chunk):
            raise ValueError(f"the scorer gave {len(probs)} answers for {len(chunk)} texts")
        out.update(zip(chunk, (float(p) for p in probs), strict=True))
    return out


def severity(case: Case, probs: dict[str, float]) -> float:
    """How far a case is from passing (0 when it passes): the failing examples shown are the worst."""
    p = probs[case.text]
    if case.original and case.direction:
        return max(0.0, -case.direction * (p - probs[case.original]) - DIR_TOLERANCE)
    if case.original:
        return (
            abs(p - probs[case.original])
            if read_label(p) != read_label(probs[case.original])
            else 0.0
        )
    if read_label(p) in case.allowed:
        return 0.0
    # Distance to the nearest allowed band, plus a little so a case on a border still fails.
    bands = {
        "negative": (0.0, NEGATIVE_MAX),
        "neutral": (NEGATIVE_MAX, POSITIVE_MIN),
        "positive": (POSITIVE_MIN, 1.0),
    }
    return 1e-9 + min(max(lo - p, p - hi, 0.0) for lo, hi in (bands[label] for label in case.allowed))  # fmt: skip


@dataclass
class TestResult:
    name: str
    capability: str
    kind: str
    description: str
    cases: int
    failures: int
    examples: list[dict[str, Any]] = field(default_factory=list)

    @property
    def fail_rate(self) -> float:
        return self.failures / self.cases if self.cases else 0.0


def evaluate(test: Test, probs: dict[str, float]) -> TestResult:
    scored = [(severity(c, probs), i, c) for i, c in enumerate(test.cases)]
    failed = sorted((s for s in scored if s[0] > 0), key=lambda s: (-s[0], s[1]))
    examples = []
    for _, _, case in failed[:EXAMPLES]:
        example: dict[str, Any] = {"text": case.text, "p": round(probs[case.text], 4)}
        if case.original:
            example = {
                "original": case.original,
                "p_original": round(probs[case.original], 4),
            } | example
        else:
            example["expected"] = sorted(case.allowed)
        examples.append(example)
    return TestResult(test.name, test.capability, test.kind, test.description, len(test.cases), len(failed), examples)  # fmt: skip


def run(tests: Sequence[Test], scorer: Scorer) -> list[TestResult]:
    probs = score_all(tests, scorer)
    return [evaluate(t, probs) for t in tests]


def capability_rates(results: Sequence[TestResult]) -> dict[str, float]:
    """Each capability's fail rate: the mean of its tests' fail rates, as the paper reports it."""
    return {
        cap: mean(r.fail_rate for r in results if r.capability == cap)
        for cap in CAPABILITIES
        if any(r.capability == cap for r in results)
    }


def lite_scorer(model_dir: Path) -> tuple[Scorer, str]:
    """The service's predictor on a model folder (its batch path) and the model's version."""
    from handler.inference.predictor import LitePredictor

    predictor = LitePredictor.load(model_dir)

    def score(texts: Sequence[str]) -> list[float]:
        return [a.probability for a in predictor.predict(texts)]

    return score, predictor.model_version
