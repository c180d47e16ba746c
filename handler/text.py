"""The one text pipeline: training (`convert/`) and serving (`handler/`) both import it.

A review becomes two fixed-length int32 arrays: word ids for the CNN branch and the ids of its
distinct uni/bi/trigrams for the n-gram branch. Everything here is pure Python plus numpy and is
deterministic across processes: ids come from vocabularies saved as JSON, never from `hash()`.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

PAD_ID = 0
OOV_ID = 1
_RESERVED = ("<pad>", "<oov>")

# Negations and intensifiers are deliberately absent: "not good" and "very bad" must survive.
STOPWORDS: frozenset[str] = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being
    below between both by can could did do does doing down during each few for from further
    had has have having he he'd he'll he's her here here's hers herself him himself his how how's
    i i'd i'll i'm i've if in into is it it's its itself let's me my myself of off on once only or
    other ought our ours ourselves out over own same she she'd she'll she's should some such than
    that that's the their theirs them themselves then there there's these they they'd they'll
    they're they've this those through to under until up was we we'd we'll we're we've were what
    what's when when's where where's which while who who's whom why why's with would you you'd
    you'll you're you've your yours yourself yourselves br s t just also film movie
    """.split()
)
NEGATIONS: frozenset[str] = frozenset(
    """
    no not nor never none nobody nothing nowhere neither cannot without ain't aren't can't
    couldn't didn't doesn't don't hadn't hasn't haven't isn't mightn't mustn't needn't shan't
    shouldn't wasn't weren't won't wouldn't
    """.split()
)
INTENSIFIERS: frozenset[str] = frozenset(
    "very too most more so really extremely quite absolutely totally".split()
)
assert not STOPWORDS & (NEGATIONS | INTENSIFIERS)

_LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Letters/digits with inner apostrophes, so "didn't" stays one (negating) token.
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise(text: str) -> str:
    """Strip HTML line breaks and lone surrogates, NFKC-normalise, lowercase, unify apostrophes."""
    text = LONE_SURROGATE.sub(" ", text)
    # NFKC again after lower(): lowering can produce sequences that NFKC composes differently.
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())
    text = text.translate(_APOSTROPHES)
    # Breaks go after NFKC (which turns a fullwidth "\uff1cbr\uff1e" into one), and until none is
    # left (removing the inner break of "<br<br>>" makes one): normalising twice changes nothing.
    found = 1
    while found:
        text, found = _LINE_BREAK.subn(" ", text)
    return text


def tokenize(text: str) -> list[str]:
    """Normalise, split into word tokens and drop stopwords (negations and intensifiers stay)."""
    return [t for t in _TOKEN.findall(normalise(text)) if t not in STOPWORDS]


def ngrams(tokens: Sequence[str], order: int) -> list[str]:
    """All 1..order-grams of `tokens`, space-joined, in text order (duplicates kept)."""
    grams = list(tokens)
    for n in range(2, order + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


class Vocabulary:
    """A frozen token -> id map; ids 0 and 1 are padding and out-of-vocabulary."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens: tuple[str, ...] = tuple(tokens)
        self._index = {tok: i + len(_RESERVED) for i, tok in enumerate(self.tokens)}
        if len(self._index) != len(self.tokens):
            raise ValueError("vocabulary tokens must be unique")

    @classmethod
    def build(
        cls, token_lists: Iterable[Iterable[str]], max_size: int, min_count: int = 1
    ) -> Vocabulary:
        """Most frequent tokens first, ties broken alphabetically so the result is reproducible.

        Args:
            max_size: total ids including the two reserved ones.
        """
        counts: Counter[str] = Counter()
        for tokens in token_lists:
            counts.update(tokens)
        ranked = sorted(
            (t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t)
        )
        return cls(ranked[: max(0, max_size - len(_RESERVED))])

    def __len__(self) -> int:
        return len(self.tokens) + len(_RESERVED)

    def id(self, token: str) -> int:
        return self._index.get(token, OOV_ID)

    def ids(self, tokens: Iterable[str]) -> list[int]:
        get = self._index.get
        return [get(t, OOV_ID) for t in tokens]


Side = Literal["pre", "post"]


@dataclass(frozen=True)
class TextConfig:
    """How a review becomes model inputs; saved with the vocabularies and in the manifest."""

    seq_len: int = 400
    ngram_len: int = 0  # 0: the model has no n-gram input
    ngram_order: int = 3
    padding: Side = "pre"  # pre-padding keeps real tokens next to a recurrent layer's final state
    truncating: Side = "post"  # keep the beginning of over-long reviews


def fit(ids: Sequence[int], length: int, padding: Side, truncating: Side) -> list[int]:
    """Pad with PAD_ID or truncate `ids` to exactly `length` items."""
    if len(ids) > length:
        ids = ids[:length] if truncating == "post" else ids[len(ids) - length :]
    pad = [PAD_ID] * (length - len(ids))
    return [*pad, *ids] if padding == "pre" else [*ids, *pad]


class Encoder:
    """Turns text into the model's int32 inputs; the same object serves training and the API."""

    def __init__(
        self, config: TextConfig, words: Vocabulary, grams: Vocabulary | None = None
    ) -> None:
        if config.ngram_len and grams is None:
            raise ValueError("config asks for n-grams but no n-gram vocabulary was given")
        self.config, self.words, self.grams = config, words, grams

    @property
    def input_names(self) -> tuple[str, ...]:
        return ("words", "ngrams") if self.config.ngram_len else ("words",)

    def word_ids(self, tokens: Sequence[str]) -> list[int]:
        c = self.config
        return fit(self.words.ids(tokens), c.seq_len, c.padding, c.truncating)

    def ngram_ids(self, tokens: Sequence[str]) -> list[int]:
        """Distinct known n-grams in first-seen order (a set: NB-style features are binary)."""
        assert self.grams is not None
        seen = dict.fromkeys(
            i for i in self.grams.ids(ngrams(tokens, self.config.ngram_order)) if i != OOV_ID
        )
        return fit(list(seen), self.config.ngram_len, "post", "post")

    def encode_tokens(
        self, token_lists: Sequence[Sequence[str]]
    ) -> dict[str, npt.NDArray[np.int32]]:
        out = {
            "words": np.array([self.word_ids(t) for t in token_lists], dtype=np.int32).reshape(
                -1, self.config.seq_len
            )
        }
        if self.config.ngram_len:
            out["ngrams"] = np.array(
                [self.ngram_ids(t) for t in token_lists], dtype=np.int32
            ).reshape(-1, self.config.ngram_len)
        return out

    def encode(self, texts: Sequence[str]) -> dict[str, npt.NDArray[np.int32]]:
        """A batch of texts -> {input name: int32 array of shape (len(texts), length)}."""
        return self.encode_tokens([tokenize(t) for t in texts])

    # -- persistence -------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        return {
            "config": asdict(self.config),
            "words": list(self.words.tokens),
            "ngrams": list(self.grams.tokens) if self.grams is not None else None,
            "reserved": list(_RESERVED),
        }

    def save(self, path: Path) -> str:
        """Write the vocabularies as canonical JSON; returns the file's sha256."""
        data = canonical_json(self.to_json())
        path.write_bytes(data)
        return hashlib.sha256(data).hexdigest()

    @classmethod
    def from_json(cls, obj: dict[str, Any]) -> Encoder:
        grams = obj.get("ngrams")
        return cls(
            TextConfig(**obj["config"]),
            Vocabulary(obj["words"]),
            Vocabulary(grams) if grams is not None else None,
        )

    @classmethod
    def load(cls, path: Path) -> Encoder:
        return cls.from_json(json.loads(path.read_bytes()))


def canonical_json(obj: Any) -> bytes:
    """Byte-stable JSON, so a file's hash depends on its content alone."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )
