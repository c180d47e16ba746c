"""Vocabulary and Negation: does the model know the words of an opinion, and what "not" does."""

from __future__ import annotations

import random
from collections.abc import Sequence
from functools import partial

from convert.behaviour import lexicon as lx
from convert.behaviour.cases import (
    DOWN,
    NEGATIVE,
    NEUTRAL,
    NOT_NEGATIVE,
    POSITIVE,
    UP,
    Test,
    mft,
    pairs,
    perturbed,
    rng_for,
)
from convert.behaviour.perturb import negate
from convert.behaviour.slots import SLOTS

_OPINION = (
    "The {noun} was {w}.", "The {noun} is {w}.", "What a {w} {noun}!", "It was a {w} {noun}.",
    "This {noun} is {w}.", "{w}.", "Simply {w}.", "I found the {noun} {w}.",
)  # fmt: skip
_NEUTRAL = (
    "The film was shot in {place}.", "I watched the movie on {day}.", "The movie is in {language}.",
    "It is a {genre} from {year}.", "{name} plays the {role}.", "The director is from {place}.",
    "I saw it at the {venue}.", "The film came out in {year}.", "I watched it on {platform}.",
)  # fmt: skip
_NEGATED_NEUTRAL = (
    "The film was not shot in {place}.", "I did not watch the movie on {day}.",
    "The movie is not in {language}.", "{name} does not play the {role}.",
    "It did not come out in {year}.", "The director is not from {place}.",
    "I didn't see it at the {venue}.",
)  # fmt: skip
_NEGATED = (
    "The {noun} was not {w}.", "The {noun} wasn't {w}.", "This is not a {w} {noun}.",
    "I didn't {v} the {noun}.", "I did not {v} the {noun}.", "The {noun} is not {w} at all.",
    "It was never {w}.", "The {noun} isn't {w}.",
)  # fmt: skip
_NEGATED_APART = (
    "I don't think the {noun} was {w}.", "I can't say that the {noun} was {w}.",
    "I would not say the {noun} was {w}.", "Nobody could call the {noun} {w}.",
    "I can't say I {vp} the {noun}.", "The {noun} was not, as far as I can tell, {w}.",
    "I don't feel that this {noun} is {w}.",
)  # fmt: skip
_NEGATED_LATE = (
    "I thought the {noun} would be {pos}, but it was not.", "I wanted to {pos_present} it. I didn't.",
    "I expected a {pos} {noun}. It wasn't.", "Everyone said the {noun} was {pos}. It is not.",
    "I hoped the {noun} would be {pos}. It was not.", "I was sure I would {pos_present} it, but no.",
)  # fmt: skip


def _with_codas(sentence: str, codas: Sequence[str], rng: random.Random) -> list[str]:
    return [f"{sentence} {coda}" for coda in rng.sample(list(codas), 2)]


def _negated(sentence: str, adjectives: Sequence[str]) -> list[str]:
    return [negate(sentence, adjectives)]


def _polar(templates: Sequence[str], polarity: str) -> list[str]:
    verb = "pos" if polarity == "pos" else "neg"
    return [
        t.replace("{w}", "{" + polarity + "}")
        .replace("{vp}", "{" + verb + "_verb}")
        .replace("{v}", "{" + verb + "_present}")
        for t in templates
    ]


def vocabulary(seed: int, sentences: Sequence[str], n: int) -> list[Test]:
    # Each test draws from its own seeded generator (rng_for), so building them in parts
    # changes no case.
    return [*_opinion_words(seed, n), *_degree_words(seed, n), *_codas(seed, sentences, n)]


def _opinion_words(seed: int, n: int) -> list[Test]:
    """Positive, negative and neutral words alone in short statements."""
    out = []
    for polarity, label, word in (("pos", POSITIVE, "positive"), ("neg", NEGATIVE, "negative")):
        name = f"{word} words in short opinions"
        out.append(
            Test(
                name,
                "Vocabulary",
                "MFT",
                f"'The plot was X.' with a {word} X: {word}",
                mft(
                    rng_for(seed, name), [(x, label) for x in _polar(_OPINION, polarity)], SLOTS, n
                ),
            )
        )
    name = "neutral statements"
    out.append(
        Test(
            name,
            "Vocabulary",
            "MFT",
            "'The film was shot in Rome.': neutral",
            mft(rng_for(seed, name), [(x, NEUTRAL) for x in _NEUTRAL], SLOTS, n),
        )
    )
    return out


def _degree_words(seed: int, n: int) -> list[Test]:
    """Intensifiers and reducers must not move an opinion the wrong way."""
    out = []
    name = "intensifiers"
    out.append(
        Test(
            name,
            "Vocabulary",
            "DIR",
            "'good' -> 'very good' is not less positive ('bad' -> 'very bad' not less negative)",
            pairs(
                rng_for(seed, name),
                [
                    ("The {noun} was {pos}.", "The {noun} was {intens} {pos}.", UP),
                    ("It was a {pos} {noun}.", "It was a {intens} {pos} {noun}.", UP),
                    ("The {noun} was {neg}.", "The {noun} was {intens} {neg}.", DOWN),
                    ("It was a {neg} {noun}.", "It was a {intens} {neg} {noun}.", DOWN),
                ],
                SLOTS,
                n,
            ),
        )
    )
    name = "reducers"
    out.append(
        Test(
            name,
            "Vocabulary",
            "DIR",
            "'good' -> 'somewhat good' is not more positive ('bad' -> 'somewhat bad' not more negative)",
            pairs(
                rng_for(seed, name),
                [
                    ("The {noun} was {pos}.", "The {noun} was {reducer} {pos}.", DOWN),
                    ("The {noun} was {neg}.", "The {noun} was {reducer} {neg}.", UP),
                ],
                SLOTS,
                n,
            ),
        )
    )
    return out


def _codas(seed: int, sentences: Sequence[str], n: int) -> list[Test]:
    """A clearly positive or negative sentence added to a real review sentence."""
    out = []
    for codas, direction, word in (
        (lx.POSITIVE_CODAS, UP, "positive"),
        (lx.NEGATIVE_CODAS, DOWN, "negative"),
    ):
        name = f"a {word} sentence added to a review sentence"
        rng = rng_for(seed, name)
        out.append(
            Test(
                name,
                "Vocabulary",
                "DIR",
                f"a real sentence + '{codas[0]}': P(positive) does not move {'down' if direction == UP else 'up'}",
                perturbed(
                    sentences,
                    partial(_with_codas, codas=codas, rng=rng),
                    n,
                    direction,
                ),
            )
        )
    return out


def negation(seed: int, sentences: Sequence[str], n: int) -> list[Test]:
    out = []
    for name, kind_templates, label, desc in (
        (
            "negated positive",
            _polar(_NEGATED, "pos"),
            NEGATIVE,
            "'The plot was not good.': negative",
        ),
        (
            "negated negative",
            _polar(_NEGATED, "neg"),
            NOT_NEGATIVE,
            "'The plot was not bad.': not negative",
        ),
        (
            "negated neutral",
            list(_NEGATED_NEUTRAL),
            NEUTRAL,
            "'The film was not shot in Rome.': neutral",
        ),
        (
            "negated positive, words in between",
            _polar(_NEGATED_APART, "pos"),
            NEGATIVE,
            "'I don't think the plot was good.': negative",
        ),
        (
            "negated negative, words in between",
            _polar(_NEGATED_APART, "neg"),
            NOT_NEGATIVE,
            "'I don't think the plot was bad.': not negative",
        ),
        (
            "negation at the end",
            list(_NEGATED_LATE),
            NEGATIVE,
            "'I thought it would be great, but it was not.': negative",
        ),
    ):
        out.append(
            Test(
                name,
                "Negation",
                "MFT",
                desc,
                mft(rng_for(seed, name), [(t, label) for t in kind_templates], SLOTS, n),
            )
        )
    for words, direction, word in (
        (lx.POSITIVE_ADJECTIVES, DOWN, "positive"),
        (lx.NEGATIVE_ADJECTIVES, UP, "negative"),
    ):
        name = f"'not' put before a {word} adjective in a review sentence"
        out.append(
            Test(
                name,
                "Negation",
                "DIR",
                f"'was {words[0]}' -> 'was not {words[0]}' in a real sentence: P(positive) does not move {'up' if direction == DOWN else 'down'}",
                perturbed(sentences, partial(_negated, adjectives=words), n, direction),
            )
        )
    return out
