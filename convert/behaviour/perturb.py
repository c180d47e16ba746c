"""Changes to real review sentences: typos, contractions, punctuation, swapped names, places,
numbers and gender words, a negation put before an adjective.

Each function returns the variants of one sentence (an empty list when it does not apply), so a
test keeps only the sentences a change fits. Randomness comes from the caller's seeded generator.
"""

from __future__ import annotations

import functools
import random
import re
from collections.abc import Sequence

from convert.behaviour import lexicon


@functools.cache
def _words_pattern(words: tuple[str, ...], flags: int = 0) -> re.Pattern[str]:
    # Longest first, so "New York" wins over a shorter name inside it.
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"(?<![\w'-])(?:{alternatives})(?![\w'-])", flags)


_LETTERS = re.compile(r"[A-Za-z]{4,}")


def typos(text: str, rng: random.Random, count: int = 1) -> str:
    """`count` typos: two neighbouring letters swapped inside distinct words of 4+ letters."""
    spots = [m for m in _LETTERS.finditer(text)]
    if len(spots) < count:
        return ""
    chars = list(text)
    for m in rng.sample(spots, count):
        i = rng.randrange(m.start() + 1, m.end() - 1)
        if chars[i] == chars[i + 1]:
            i = m.start() if chars[m.start()] != chars[m.start() + 1] else i
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    out = "".join(chars)
    return out if out != text else ""


_EXPAND = {v.lower(): k for k, v in lexicon.CONTRACTIONS.items()}
_CONTRACTED = _words_pattern(tuple(_EXPAND), re.IGNORECASE)
_EXPANDABLE = _words_pattern(tuple(lexicon.CONTRACTIONS), re.IGNORECASE)
_CONTRACT = {k.lower(): v for k, v in lexicon.CONTRACTIONS.items()}


def _same_case(found: str, replacement: str) -> str:
    return replacement[:1].upper() + replacement[1:] if found[:1].isupper() else replacement


def contractions(text: str) -> str:
    """Every contraction expanded; where the sentence has none, every expandable phrase contracted."""
    text = text.replace("\u2019", "'")
    if _CONTRACTED.search(text):
        out = _CONTRACTED.sub(lambda m: _same_case(m.group(), _EXPAND[m.group().lower()]), text)
    else:
        out = _EXPANDABLE.sub(lambda m: _same_case(m.group(), _CONTRACT[m.group().lower()]), text)
    return out if out != text else ""


def punctuation(text: str) -> list[str]:
    """The end mark taken off (or a full stop added), and the commas dropped where there are any."""
    stripped = text.rstrip(" .!?")
    out = [stripped if stripped != text else text + "."]
    if "," in text:
        out.append(re.sub(r"\s*,", "", text))
    return [t for t in out if t and t != text]


def swap(text: str, rng: random.Random, words: Sequence[str], variants: int) -> list[str]:
    """The first listed word in `text` replaced by `variants` different other words of the list."""
    found = _words_pattern(tuple(words)).search(text)
    if found is None:
        return []
    others = [w for w in words if w != found.group()]
    return [
        text[: found.start()] + w + text[found.end() :]
        for w in rng.sample(others, min(variants, len(others)))
    ]


# A number that is not a rating ("7/10", "8 out of 10", "4 stars") and not part of a word.
_NUMBER = re.compile(r"(?<![\w/.,#$])(\d{1,3})(?![\w/%]|[.,]\d|\s*(?:out of|stars?|points?))")
_RATING_WORDS = re.compile(r"rat(?:e|ed|ing)|give|gave|score|vote|grade|/|out of|star", re.I)
_YEAR = re.compile(r"(?<![\w/.,$])(19[2-9]\d|200\d|201\d)(?![\w/%]|[.,]\d)")


def numbers(text: str, rng: random.Random, variants: int) -> list[str]:
    """A count (2..999, not a rating) replaced by other counts of the same number of digits."""
    if _RATING_WORDS.search(text):
        return []
    found = next((m for m in _NUMBER.finditer(text) if int(m.group(1)) >= 2), None)
    if found is None:
        return []
    digits = len(found.group(1))
    low, high = (2, 9) if digits == 1 else (10 ** (digits - 1), 10**digits - 1)
    picks = [str(v) for v in rng.sample(range(low, high + 1), min(variants + 1, high - low + 1))]
    picks = [p for p in picks if p != found.group(1)][:variants]
    return [text[: found.start(1)] + p + text[found.end(1) :] for p in picks]


def years(text: str, rng: random.Random, variants: int) -> list[str]:
    """A year (1920-2019) replaced by other years of the same decades' range."""
    found = _YEAR.search(text)
    if found is None:
        return []
    year = int(found.group(1))
    picks = [y for y in rng.sample(range(1930, 2020), variants + 1) if y != year][:variants]
    return [text[: found.start(1)] + str(y) + text[found.end(1) :] for y in picks]


_GENDER = {a: b for a, b in lexicon.GENDER_PAIRS} | {b: a for a, b in lexicon.GENDER_PAIRS}
_GENDER_WORDS = _words_pattern(tuple(_GENDER), re.IGNORECASE)


def gender(text: str) -> str:
    """Every gendered word swapped for its counterpart ("her" becomes "his" or "him")."""

    def repl(m: re.Match[str]) -> str:
        word = m.group().lower()
        if word == "her":
            after = text[m.end() :].lstrip()
            # "her" before a word is a possessive ("her role"); at a clause end an object.
            out = "him" if not after or not after[0].isalpha() else "his"
        else:
            out = _GENDER[word]
        return _same_case(m.group(), out)

    out = _GENDER_WORDS.sub(repl, text)
    return out if out != text else ""


_NEGATED = re.compile(
    r"n't|\b(?:" + "|".join(lexicon.NEGATIONS) + r"|hardly|barely|lack\w*)\b", re.IGNORECASE
)


@functools.cache
def _copula(adjectives: tuple[str, ...]) -> re.Pattern[str]:
    words = "|".join(adjectives)
    return re.compile(rf"\b(is|was|are|were)\s+((?:very |really |so |truly )?(?:{words}))\b", re.I)


def negate(text: str, adjectives: Sequence[str]) -> str:
    """ "was great" made "was not great", in a sentence with no negation yet; "" if none fits."""
    if _NEGATED.search(text):
        return ""
    out, found = _copula(tuple(adjectives)).subn(r"\1 not \2", text, count=1)
    return out if found else ""
