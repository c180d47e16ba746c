"""What a behavioural test is: a capability, a kind, and cases that each say how they fail.

The three kinds of Ribeiro et al. 2020 (CheckList): a minimum functionality test (MFT) names the
labels a case may get; an invariance test (INV) pairs a text with a variant that must keep its
label; a directional test (DIR) pairs them and says which way P(positive) may not move.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

Kind = Literal["MFT", "INV", "DIR"]
Label = Literal["negative", "neutral", "positive"]

CAPABILITIES = ("Vocabulary", "Negation", "SRL", "Temporal", "Robustness", "NER", "Fairness")
KINDS: tuple[Kind, ...] = ("MFT", "INV", "DIR")

POSITIVE: frozenset[Label] = frozenset({"positive"})
NEGATIVE: frozenset[Label] = frozenset({"negative"})
NEUTRAL: frozenset[Label] = frozenset({"neutral"})
NOT_NEGATIVE: frozenset[Label] = frozenset({"neutral", "positive"})
NOT_POSITIVE: frozenset[Label] = frozenset({"neutral", "negative"})

UP, DOWN = 1, -1  # a DIR case fails when P(positive) moves against this by more than the tolerance


@dataclass(frozen=True)
class Case:
    """One checked answer. MFT: `text` and `allowed`; INV and DIR: `original` -> `text`."""

    text: str
    original: str = ""
    allowed: frozenset[Label] = frozenset()
    direction: int = 0


@dataclass(frozen=True)
class Test:
    name: str
    capability: str
    kind: Kind
    description: str
    cases: tuple[Case, ...]

    def texts(self) -> Iterable[str]:
        for case in self.cases:
            yield case.text
            if case.original:
                yield case.original


def rng_for(seed: int, name: str) -> random.Random:
    """One generator per test: adding or changing a test never reshuffles another's cases."""
    # A str seed is hashed with SHA-512 by `random`, the same in every process.
    return random.Random(f"{seed}:{name}")


_SLOT = re.compile(r"\{(\w+)\}")
# "a" before a vowel sound, except the listed words that start with a consonant sound.
_AN = re.compile(r"\b([Aa]) (?=[aeiouAEIOU])(?!(?:uni|use|usu|eu|Eu|one)\w*)")


def render(template: str, fill: Mapping[str, str]) -> str:
    """The template with its slots filled, "a" made "an" where it must be, first letter capital."""
    text = _AN.sub(r"\1n ", _SLOT.sub(lambda m: fill[m.group(1)], template))
    return text[:1].upper() + text[1:]


def fill(rng: random.Random, template: str, slots: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """A random word for each slot of the template."""
    return {name: rng.choice(slots[name]) for name in dict.fromkeys(_SLOT.findall(template))}


def _draw(
    rng: random.Random, n: int, draw: Callable[[int], Sequence[Case]], key: Callable[[Case], str]
) -> tuple[Case, ...]:
    """Up to `n` distinct cases from repeated draws; draw `i` takes template i mod count."""
    cases: dict[str, Case] = {}
    for i in range(n * 30):
        if len(cases) >= n:
            break
        for case in draw(i):
            cases.setdefault(key(case), case)
    chosen = list(cases.values())[:n]
    rng.shuffle(chosen)
    return tuple(chosen)


def mft(
    rng: random.Random,
    templates: Sequence[tuple[str, frozenset[Label]]],
    slots: Mapping[str, Sequence[str]],
    n: int,
) -> tuple[Case, ...]:
    """`n` cases spread evenly over the templates, each with its template's expected labels."""

    def draw(i: int) -> list[Case]:
        template, allowed = templates[i % len(templates)]
        return [Case(render(template, fill(rng, template, slots)), allowed=allowed)]

    return _draw(rng, n, draw, lambda c: c.text)


def pairs(
    rng: random.Random,
    templates: Sequence[tuple[str, str, int]],
    slots: Mapping[str, Sequence[str]],
    n: int,
    variants: int = 3,
) -> tuple[Case, ...]:
    """DIR cases from (original, variant, direction) templates: each filled original gets up to
    `variants` variants that differ only in the variant's own slots."""

    def draw(i: int) -> list[Case]:
        original, variant, direction = templates[i % len(templates)]
        base = fill(rng, original, slots)
        text = render(original, base)
        return [
            Case(render(variant, {**fill(rng, variant, slots), **base}), text, direction=direction)
            for _ in range(variants)
        ]

    return _draw(rng, n, draw, lambda c: c.original + "\0" + c.text)


def groups(
    rng: random.Random,
    templates: Sequence[str],
    slot: str,
    words: Sequence[str],
    slots: Mapping[str, Sequence[str]],
    n: int,
    size: int = 5,
) -> tuple[Case, ...]:
    """INV cases: a filled template with `size` different words in `slot`; each later word's text
    is a variant of the first's. `n` counts the variants."""

    def draw(i: int) -> list[Case]:
        template = templates[i % len(templates)]
        base = fill(rng, template.replace("{" + slot + "}", ""), slots)
        picked = rng.sample(list(words), size)
        first = render(template, {**base, slot: picked[0]})
        return [Case(render(template, {**base, slot: w}), first) for w in picked[1:]]

    return _draw(rng, n, draw, lambda c: c.original + "\0" + c.text)


def perturbed(
    sentences: Sequence[str],
    make: Callable[[str], Sequence[str]],
    n: int,
    direction: int = 0,
) -> tuple[Case, ...]:
    """Up to `n` cases (original sentence -> each variant `make` gives), in the sentences' order.

    The suite shuffles the sentences once, so tests whose change fits any sentence share their
    originals: fewer texts to score, and their fail rates compare on the same sentences.
    """
    cases: list[Case] = []
    for original in sentences:
        if len(cases) >= n:
            break
        cases += [
            Case(v, original, direction=direction) for v in make(original) if v and v != original
        ]
    return tuple(cases[:n])
