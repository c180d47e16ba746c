"""The word lists the model's features depend on, and their fingerprints.

Each list decides what a text becomes before the model sees it (a stopword is dropped, a
negation marks the words after it, an identity word becomes a placeholder), so editing one
changes what the shipped model reads. `convert/` records each list's fingerprint in the
manifest; the predictor refuses a model whose fingerprints are not the code's.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Protocol

from handler.inference import marks, spelling, text

WordList = Iterable[str] | Mapping[str, object]


def fingerprint(words: WordList) -> str:
    """sha256 of a word list (a set, sorted) or table (keys sorted) as canonical JSON."""
    value = dict(words) if isinstance(words, Mapping) else sorted(words)
    canonical = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def word_lists() -> dict[str, WordList]:
    """Every word list the features depend on, as the code holds it now.

    The names and places that become `_name_` are not here: they ship in the vocabulary file,
    whose sha256 the manifest already pins.
    """
    return {
        "stopwords": text.STOPWORDS,
        "punctuation": text.PUNCTUATION,
        "negations": marks.NEGATIONS,
        "contrasts": marks.CONTRASTS,
        "concessions": marks.CONCESSIONS,
        "clause_end": marks.CLAUSE_END,
        "sentence_end": marks.SENTENCE_END,
        "identity_words": marks.IDENTITY_WORDS,
        "pronouns": marks.PRONOUNS,
        "rating_scales": marks._RATING_SCALES,
        "marker_words": {
            "out_of": list(marks.OUT_OF),
            "used_to": list(marks.USED_TO),
            "now": marks.NOW,
        },
        # Read only by models whose text settings ask for them (`_READ_WHEN`).
        "contraction_auxiliaries": text.CONTRACTION_AUXILIARIES,
        "contraction_long_forms": text.CONTRACTION_LONG_FORMS,
        "contraction_suffixes": text.CONTRACTION_SUFFIXES,
        "contraction_is_after": text.CONTRACTION_IS_AFTER,
        # The slips of one probe word stand for the rules that build them: a changed rule
        # changes the fingerprint, as a changed list does.
        "spelling": {
            "min_letters": spelling.MIN_LETTERS,
            "slips_of_abcd": sorted(spelling.candidates("abcd")),
        },
        # Folding unifies the apostrophes (U+2019 and three more) before tokens are cut.
        "apostrophes": {chr(k): v for k, v in text.APOSTROPHES.items()},
        "placeholders": {
            "identity": marks.IDENTITY,
            "pronoun": marks.PRONOUN,
            "number": marks.NUMBER,
            "name": marks.NAME,
            "negated": marks.NOT,
            "overridden": marks.OVERRIDDEN,
        },
    }


# Lists a model reads only when its text settings say so, by the setting's name. A model trained
# before a setting existed has it off, so the lists added with the setting are not asked of it.
_READ_WHEN = {
    "contractions": (
        "contraction_auxiliaries",
        "contraction_long_forms",
        "contraction_suffixes",
        "contraction_is_after",
    ),
    "spelling": ("spelling",),
}


class ReadingSettings(Protocol):
    """What of a model's text settings (`TextConfig`, the manifest's `TextSettings`) says which
    lists it reads."""

    @property
    def contractions(self) -> bool: ...

    @property
    def spelling(self) -> bool: ...


def word_list_fingerprints(settings: ReadingSettings | None = None) -> dict[str, str]:
    """The code's current fingerprint of each word list a model with these text settings
    (`TextConfig` or the manifest's `TextSettings`; None: every list) reads, by name: what a
    manifest records."""
    unread = {
        name
        for setting, names in _READ_WHEN.items()
        if settings is not None and not getattr(settings, setting)
        for name in names
    }
    return {
        name: fingerprint(words)
        for name, words in sorted(word_lists().items())
        if name not in unread
    }
