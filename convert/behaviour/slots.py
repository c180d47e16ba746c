"""The slot names templates use, each bound to a word list of `lexicon`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from convert.behaviour import lexicon as lx

SLOTS: Mapping[str, Sequence[str]] = {
    "pos": lx.POSITIVE_ADJECTIVES,
    "neg": lx.NEGATIVE_ADJECTIVES,
    "noun": lx.NOUNS,
    "pos_verb": lx.POSITIVE_VERBS,
    "neg_verb": lx.NEGATIVE_VERBS,
    "pos_present": tuple(lx.PRESENT[v] for v in lx.POSITIVE_VERBS),
    "neg_present": tuple(lx.PRESENT[v] for v in lx.NEGATIVE_VERBS),
    "intens": lx.INTENSIFIERS,
    "reducer": lx.REDUCERS,
    "other": lx.OTHERS,
    "name": lx.FIRST_NAMES,
    "last": lx.LAST_NAMES,
    "place": lx.PLACES,
    "day": lx.DAYS,
    "language": lx.LANGUAGES,
    "genre": lx.GENRES,
    "role": lx.ROLES,
    "venue": lx.VENUES,
    "platform": lx.PLATFORMS,
    "relative": lx.RELATIVES,
    "profession": lx.PROFESSIONS,
    "year": tuple(str(y) for y in range(1935, 2020, 3)),
}
