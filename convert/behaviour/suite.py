"""The whole suite, built the same way every time from a seed and the training sentences."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from convert.behaviour.cases import Test, rng_for
from convert.behaviour.fairness import fairness
from convert.behaviour.perturbed import ner, robustness
from convert.behaviour.roles import srl, temporal
from convert.behaviour.words import negation, vocabulary

SEED = 2020
CASES_PER_TEST = 250


def build(sentences: Sequence[str], seed: int = SEED, n: int = CASES_PER_TEST) -> list[Test]:
    """Every test, in capability order; `sentences` are real training sentences to perturb."""
    sentences = list(sentences)
    rng_for(seed, "sentences").shuffle(sentences)
    return [
        *vocabulary(seed, sentences, n),
        *negation(seed, sentences, n),
        *srl(seed, n),
        *temporal(seed, n),
        *robustness(seed, sentences, n),
        *ner(seed, sentences, n),
        *fairness(seed, sentences, n),
    ]


def fingerprint(tests: Sequence[Test]) -> str:
    """A hash of every test's name, kind and cases: recorded figures belong to one suite."""
    digest = hashlib.sha256()
    for test in tests:
        digest.update(f"{test.name}\0{test.kind}\0".encode())
        for case in test.cases:
            digest.update(
                f"{case.original}\0{case.text}\0{sorted(case.allowed)}\0{case.direction}\n".encode()
            )
    return digest.hexdigest()
