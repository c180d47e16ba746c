"""SRL and Temporal: whose opinion counts, what a question's answer says, and which time wins."""

from __future__ import annotations

from collections.abc import Sequence

from convert.behaviour.cases import (
    DOWN,
    NEGATIVE,
    NOT_NEGATIVE,
    POSITIVE,
    UP,
    Label,
    Test,
    mft,
    pairs,
    render,
    rng_for,
)
from convert.behaviour.slots import SLOTS

_FIRST = {slot: words[0] for slot, words in SLOTS.items()}  # for descriptions

# {a}/{b}: the adjective that loses and the one that wins; {av}/{bv}: past verbs; {ap}/{bp}: present.
_MINE_WINS = (
    "{other} {av} the {noun}, but I {bv} it.",
    "{other} found the {noun} {a}, but I thought it was {b}.",
    "I {bv} the {noun}, even though {other} {av} it.",
    "{other} said the {noun} was {a}. I found it {b}.",
    "While {other} thought it was {a}, I found the {noun} {b}.",
    "Some say this {noun} is {a}; to me it is {b}.",
)
_USED_TO = (
    "I used to {ap} the {noun}, but now I {bp} it.",
    "I used to think the {noun} was {a}, now I think it is {b}.",
    "The {noun} used to seem {a} to me, but now I find it {b}.",
    "At first the {noun} seemed {a}, but in the end it was {b}.",
    "It starts out {a}, but by the end it is {b}.",
    "Years ago I found this {noun} {a}; today I find it {b}.",
)
_EXPECTED = (
    "I expected the {noun} to be {a}, but it turned out {b}.",
    "I thought it would be {a}, but it was {b}.",
    "I was ready to {ap} the {noun}, but I {bv} it.",
    "I went in expecting something {a} and got something {b}.",
    "Everyone warned me it was {a}. It was {b}.",
)
_NO_LONGER = (
    ("I {vp} the {noun}.", "I used to {vp} the {noun}, but not anymore."),
    ("The {noun} was {w}.", "I used to find the {noun} {w}, but not anymore."),
    ("I think the {noun} is {w}.", "I once thought the {noun} was {w}; I no longer do."),
)


def _turn(templates: Sequence[str], winner: str) -> list[str]:
    """Templates with the losing opinion first and the `winner` ("pos"/"neg") second."""
    loser = "neg" if winner == "pos" else "pos"
    names = {"a": loser, "b": winner, "av": f"{loser}_verb", "bv": f"{winner}_verb"}
    names |= {"ap": f"{loser}_present", "bp": f"{winner}_present"}
    out = []
    for t in templates:
        for short, slot in names.items():
            t = t.replace("{" + short + "}", "{" + slot + "}")
        out.append(t)
    return out


def _fill(template: str, polarity: str) -> str:
    return template.replace("{vp}", "{" + polarity + "_present}").replace(
        "{w}", "{" + polarity + "}"
    )


def _both(templates: Sequence[str]) -> tuple[list[tuple[str, frozenset[Label]]], ...]:
    return (
        [(t, POSITIVE) for t in _turn(templates, "pos")],
        [(t, NEGATIVE) for t in _turn(templates, "neg")],
    )


_QUESTIONS = {
    ("pos", "yes"): (
        ("Did I {pos_present} the {noun}? Yes, I did.", "Was the {noun} {pos}? Yes.",
         "Was it {pos}? Yes, it was.", "Did I {pos_present} it? Absolutely.",
         "Is this {noun} {pos}? Yes, very."),
        POSITIVE,
    ),
    ("pos", "no"): (
        ("Did I {pos_present} the {noun}? Not at all.", "Was the {noun} {pos}? No.",
         "Was it {pos}? No, it was not.", "Did I {pos_present} it? No.",
         "Is this {noun} {pos}? Not really."),
        NEGATIVE,
    ),
    ("neg", "yes"): (
        ("Was the {noun} {neg}? Yes.", "Did I {neg_present} it? Yes, I did.",
         "Was it {neg}? Yes, very.", "Is this {noun} {neg}? Yes, it is."),
        NEGATIVE,
    ),
    ("neg", "no"): (
        ("Was the {noun} {neg}? No.", "Did I {neg_present} the {noun}? Not at all.",
         "Was it {neg}? No, not at all.", "Is this {noun} {neg}? No, it isn't."),
        NOT_NEGATIVE,
    ),
}  # fmt: skip


def srl(seed: int, n: int) -> list[Test]:
    pos, neg = _both(_MINE_WINS)
    out = [
        Test("others negative, mine positive", "SRL", "MFT",
             "'Some critics hated it, but I loved it.': positive", mft(rng_for(seed, "mine+"), pos, SLOTS, n)),
        Test("others positive, mine negative", "SRL", "MFT",
             "'Some critics loved it, but I hated it.': negative", mft(rng_for(seed, "mine-"), neg, SLOTS, n)),
    ]  # fmt: skip
    for (polarity, answer), (templates, label) in _QUESTIONS.items():
        word = "positive" if polarity == "pos" else "negative"
        name = f"question about a {word} word, answered {answer}"
        expect = "not negative" if label == NOT_NEGATIVE else next(iter(label))
        out.append(
            Test(name, "SRL", "MFT", f"'{render(templates[0], _FIRST)}': {expect}",
                 mft(rng_for(seed, name), [(t, label) for t in templates], SLOTS, n))
        )  # fmt: skip
    return out


def temporal(seed: int, n: int) -> list[Test]:
    out = []
    for family, templates, what in (
        ("used to ... now", _USED_TO, "'I used to hate it, but now I love it.'"),
        ("expected ... turned out", _EXPECTED, "'I expected it to be dull, but it turned out great.'"),
    ):  # fmt: skip
        pos, neg = _both(templates)
        out.append(Test(f"{family}: negative then positive", "Temporal", "MFT", f"{what}: positive",
                        mft(rng_for(seed, family + "+"), pos, SLOTS, n)))  # fmt: skip
        out.append(Test(f"{family}: positive then negative", "Temporal", "MFT", "the reverse: negative",
                        mft(rng_for(seed, family + "-"), neg, SLOTS, n)))  # fmt: skip
    no_longer = [
        (_fill(a, polarity), _fill(b, polarity), DOWN if polarity == "pos" else UP)
        for polarity in ("pos", "neg")
        for a, b in _NO_LONGER
    ]
    name = "an opinion no longer held"
    out.append(Test(name, "Temporal", "DIR",
                    "'I love the plot.' -> 'I used to love the plot, but not anymore.': P(positive) does not go up (down for a negative opinion)",
                    pairs(rng_for(seed, name), no_longer, SLOTS, n)))  # fmt: skip
    return out
