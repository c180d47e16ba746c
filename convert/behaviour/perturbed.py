"""Robustness and NER: real review sentences changed in ways that must not change the answer."""

from __future__ import annotations

import random
from collections.abc import Sequence

from convert.behaviour import lexicon as lx
from convert.behaviour import perturb
from convert.behaviour.cases import Test, groups, perturbed, render, rng_for
from convert.behaviour.slots import SLOTS

VARIANTS = 3  # variants per original sentence, where a change has more than one


def _aside(rng: random.Random) -> str:
    template = rng.choice(lx.NEUTRAL_ASIDES)
    return render(
        template, {k: rng.choice(SLOTS[k]) for k in ("day", "platform", "venue", "relative")}
    )


def robustness(seed: int, sentences: Sequence[str], n: int) -> list[Test]:
    def typo_test(count: int) -> Test:
        name = f"{count} typo{'s' * (count > 1)}"
        rng = rng_for(seed, name)
        return Test(name, "Robustness", "INV", f"{count} pair(s) of neighbouring letters swapped in a real sentence",
                    perturbed(sentences, lambda s: [perturb.typos(s, rng, count) for _ in range(VARIANTS)], n))  # fmt: skip

    rng = rng_for(seed, "neutral aside")
    return [
        typo_test(1),
        typo_test(2),
        Test("contractions", "Robustness", "INV", "'did not' <-> 'didn't', 'I am' <-> 'I'm' in a real sentence",
             perturbed(sentences, lambda s: [perturb.contractions(s)], n)),
        Test("punctuation", "Robustness", "INV", "the end mark removed or added, the commas dropped",
             perturbed(sentences, perturb.punctuation, n)),
        Test("neutral aside", "Robustness", "INV", "'I saw it last Sunday.' put before or after a real sentence",
             perturbed(sentences, lambda s: [f"{_aside(rng)} {s}", f"{s} {_aside(rng)}"], n)),
    ]  # fmt: skip


_NAMED = (
    "{name} was {pos} as the {role}.", "{name} gave a {neg} performance.",
    "I {pos_verb} {name} in this {noun}.", "{name} plays the {role} and is {neg}.",
    "The {noun} was {pos}, and so was {name}.", "{name} is {neg} in every scene.",
)  # fmt: skip


def ner(seed: int, sentences: Sequence[str], n: int) -> list[Test]:
    def swap_test(name: str, words: Sequence[str], what: str) -> Test:
        rng = rng_for(seed, name)
        return Test(name, "NER", "INV", what, perturbed(sentences, lambda s: perturb.swap(s, rng, words, VARIANTS), n))  # fmt: skip

    years_rng, numbers_rng = rng_for(seed, "change a year"), rng_for(seed, "change a number")
    return [
        swap_test("change a first name", lx.FIRST_NAMES, "'John' -> 'Kwame' in a real sentence"),
        swap_test("change a last name", lx.LAST_NAMES, "'Smith' -> 'Okafor' in a real sentence"),
        swap_test("change a place", lx.PLACES, "'Paris' -> 'Lagos' in a real sentence"),
        Test("change a number", "NER", "INV", "'two hours' stays 'two hours' but '90 minutes' -> '75 minutes' (ratings left alone)",
             perturbed(sentences, lambda s: perturb.numbers(s, numbers_rng, VARIANTS), n)),
        Test("change a year", "NER", "INV", "'in 1985' -> 'in 1962' in a real sentence",
             perturbed(sentences, lambda s: perturb.years(s, years_rng, VARIANTS), n)),
        Test("change the name in an opinion", "NER", "INV", "'Emma was great as the doctor.' -> 'Kenji was great as the doctor.'",
             groups(rng_for(seed, "named opinion"), _NAMED, "name", lx.FIRST_NAMES, SLOTS, n)),
    ]  # fmt: skip
