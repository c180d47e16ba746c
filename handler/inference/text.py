"""The one text pipeline: training (`convert/`) and serving (`handler/`) both import it.

A review becomes two fixed-length int32 arrays: ids of its content words (stopwords dropped) for
the CNN branch, and the ids of its distinct uni/bi/trigrams for the n-gram branch, which may keep
the stopwords ("waste of", "at all" and "not the best" carry sentiment that their words alone do
not). Everything here is pure Python plus numpy and is
deterministic across processes: ids come from vocabularies saved as JSON, never from `hash()`.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from handler.inference import vocab_file
from handler.inference.grams import GramIndex
from handler.inference.marks import mark
from handler.inference.vocab_file import canonical_json

# Annotations only: numpy.typing costs a cold start about a millisecond to import.
if TYPE_CHECKING:
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

LINE_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
# Letters/digits with inner apostrophes, so "didn't" stays one (negating) token; and the
# punctuation that ends a clause (or writes a rating, "7/10"), which scopes negations.
TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)*|[.,;:!?()/]")
PUNCTUATION: frozenset[str] = frozenset(".,;:!?()/")
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'"})
LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def normalise(text: str) -> str:
    """Strip HTML line breaks and lone surrogates, NFKC-normalise, lowercase, unify apostrophes."""
    text = fold(LONE_SURROGATE.sub(" ", text))
    # Breaks go after NFKC (which turns a fullwidth "\uff1cbr\uff1e" into one), and until none is
    # left (removing the inner break of "<br<br>>" makes one): normalising twice changes nothing.
    found = 1
    while found:
        text, found = LINE_BREAK.subn(" ", text)
    return text


def fold(text: str) -> str:
    """NFKC-normalise, lowercase and unify apostrophes: `normalise` short of its line breaks."""
    # NFKC again after lower(): lowering can produce sequences that NFKC composes differently.
    text = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).lower())
    return text.translate(_APOSTROPHES)


def words(text: str) -> list[str]:
    """Normalise and split into tokens: words, stopwords included, and clause punctuation."""
    return TOKEN.findall(normalise(text))


def plain(tokens: Iterable[str]) -> list[str]:
    """`tokens` without punctuation: the words alone."""
    return [t for t in tokens if t not in PUNCTUATION]


def content(tokens: Iterable[str]) -> list[str]:
    """The words of `tokens` without stopwords (negations and intensifiers are not stopwords)."""
    return [t for t in tokens if t not in STOPWORDS and t not in PUNCTUATION]


def tokenize(text: str) -> list[str]:
    """The content words of `text`: what the word branch reads."""
    return content(words(text))


# Characters that end a sentence inside a bracket or quote: "(It was long.) But fun." is two.
# So do repeated marks before the pronoun "I", which sentencex 1.0.32 alone leaves joined
# ("Good fun!! I loved it." was one sentence in an IMDb review).
_CLOSED_END = re.compile(r"(?<=[.!?][)\]\"'\u201d])\s+(?=\S)|(?<=[!?][!?])\s+(?=I\b)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Each sentence of `text` as (start, end) code-point offsets, in order, whitespace trimmed.

    Every non-blank character of `text` lies in exactly one span. `<br />` breaks always end a
    sentence (reviews use them as paragraphs); within a paragraph the rule-based splitter of
    Wikimedia's `sentencex` decides (abbreviations, decimals, ellipses, a missing space after a
    full stop), plus one rule it lacks: an end mark closed by a bracket or quote ends a sentence.
    """
    # Imported here: only per-sentence answers and training need it, not every cold start.
    import sentencex

    # The splitter is Rust and refuses lone surrogates; one stand-in code point keeps offsets.
    safe = LONE_SURROGATE.sub("\ufffd", text)
    spans: list[tuple[int, int]] = []
    paragraph = 0
    for brk in [*LINE_BREAK.finditer(safe), None]:
        stop = brk.start() if brk else len(safe)
        at = paragraph
        for piece in sentencex.segment("en", safe[paragraph:stop]):
            cut = at
            for part in [*_CLOSED_END.finditer(piece), None]:
                end = at + (part.start() if part else len(piece))
                start = cut + len(safe[cut:end]) - len(safe[cut:end].lstrip())
                end -= len(safe[start:end]) - len(safe[start:end].rstrip())
                if end > start:
                    spans.append((start, end))
                cut = at + part.end() if part else cut
            at += len(piece)
        paragraph = brk.end() if brk else stop
    return spans


def ngrams(tokens: Sequence[str], order: int) -> list[str]:
    """All 1..order-grams of `tokens`, space-joined, in text order (duplicates kept)."""
    grams = list(tokens)
    # zip over shifted views: about twice as fast as joining slices, the same strings.
    if order >= 2:
        grams.extend([f"{a} {b}" for a, b in itertools.pairwise(tokens)])
    if order >= 3:
        grams.extend(
            [f"{a} {b} {c}" for a, b, c in zip(tokens, tokens[1:], tokens[2:], strict=False)]
        )
    for n in range(4, order + 1):
        grams.extend(" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1))
    return grams


class Vocabulary:
    """A frozen token -> id map; ids 0 and 1 are padding and out-of-vocabulary."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens: tuple[str, ...] = tuple(tokens)
        # dict(zip(...)) builds the index in C: a third faster than a comprehension, which
        # matters at cold start with 300,000 n-grams.
        self._index = dict(
            zip(self.tokens, range(len(_RESERVED), len(self.tokens) + len(_RESERVED)), strict=True)
        )
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
    ngram_stopwords: bool = False  # n-grams over every word (True) or over content words only
    marks: bool = (
        False  # negation scope, overridden clauses and placeholders (handler.inference.marks)
    )


def fit(ids: Sequence[int], length: int, padding: Side, truncating: Side) -> list[int]:
    """Pad with PAD_ID or truncate `ids` to exactly `length` items."""
    if len(ids) > length:
        ids = ids[:length] if truncating == "post" else ids[len(ids) - length :]
    pad = [PAD_ID] * (length - len(ids))
    return [*pad, *ids] if padding == "pre" else [*ids, *pad]


@dataclass(frozen=True)
class Features:
    """One text as the model reads it, built once (`Encoder.featurize`): its tokens, its words,
    one feature per word (marked or not), and the content words with their features."""

    tokens: tuple[str, ...]  # as `words()` split them, clause punctuation included
    words: list[str]
    marked: list[str]
    content_words: list[str]
    content: list[str]  # the features of `content_words`: what the word branch reads

    def without(self, word: str) -> tuple[str, ...]:
        """The tokens with every copy of `word` deleted (an explanation's variant)."""
        return tuple(t for t in self.tokens if t != word)


class Encoder:
    """Turns text into the model's int32 inputs; the same object serves training and the API."""

    def __init__(
        self,
        config: TextConfig,
        words: Vocabulary,
        grams: Vocabulary | GramIndex | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        if config.ngram_len and grams is None:
            raise ValueError("config asks for n-grams but no n-gram vocabulary was given")
        self.config, self.words, self.grams = config, words, grams
        self.aliases: Mapping[str, str] = dict(aliases or {})

    @property
    def input_names(self) -> tuple[str, ...]:
        return ("words", "ngrams") if self.config.ngram_len else ("words",)

    def featurize(self, tokens: Sequence[str]) -> Features:
        """Everything the model reads of `tokens`, from one pass (one `mark()` call)."""
        found = plain(tokens)
        marked = mark(tokens, self.aliases, STOPWORDS) if self.config.marks else found
        content = [(w, f) for w, f in zip(found, marked, strict=True) if w not in STOPWORDS]
        return Features(
            tuple(tokens), found, marked, [w for w, _ in content], [f for _, f in content]
        )

    def features(self, tokens: Sequence[str]) -> tuple[list[str], list[str]]:
        """(the words of `tokens`, one feature per word): the word itself, or marked."""
        found = self.featurize(tokens)
        return found.words, found.marked

    def content_features(self, tokens: Sequence[str]) -> list[str]:
        """The features of the content words: what the word branch reads."""
        return self.featurize(tokens).content

    def ngram_source(self, tokens: Sequence[str]) -> list[str]:
        """The features the n-gram branch forms its n-grams over."""
        return self._ngram_source(self.featurize(tokens))

    def word_ids(self, tokens: Sequence[str]) -> list[int]:
        """Ids of the content words among `tokens`, padded or cut to `seq_len`."""
        return self._word_ids(self.featurize(tokens))

    def ngram_ids(self, tokens: Sequence[str]) -> list[int]:
        """Distinct known n-grams in first-seen order (a set: NB-style features are binary)."""
        return self._ngram_ids(self.featurize(tokens))

    def known_words(self, tokens: Sequence[str]) -> list[str]:
        """The content words the model has a weight for (word embedding or n-gram unigram)."""
        return self.known(self.featurize(tokens))

    def known(self, features: Features) -> list[str]:
        """The content words of `features` the model has a weight for (word or n-gram unigram)."""
        named = features.content
        in_words = self.words.ids(named)
        in_grams = self.grams.ids(named) if self.grams is not None else [OOV_ID] * len(named)
        return [
            w
            for w, a, b in zip(features.content_words, in_words, in_grams, strict=True)
            if a != OOV_ID or b != OOV_ID
        ]

    def _ngram_source(self, features: Features) -> list[str]:
        return features.marked if self.config.ngram_stopwords else features.content

    def _word_ids(self, features: Features) -> list[int]:
        c = self.config
        return fit(self.words.ids(features.content), c.seq_len, c.padding, c.truncating)

    def _ngram_ids(self, features: Features) -> list[int]:
        assert self.grams is not None
        source, order = self._ngram_source(features), self.config.ngram_order
        if isinstance(self.grams, GramIndex) and order <= 3:
            found = self.grams.gram_ids(source, order)
        else:
            found = self.grams.ids(ngrams(source, order))
        seen = dict.fromkeys(found)
        seen.pop(OOV_ID, None)
        return fit(list(seen), self.config.ngram_len, "post", "post")

    def encode_features(self, texts: Sequence[Features]) -> dict[str, npt.NDArray[np.int32]]:
        """Texts already featurized -> {input name: int32 array (len, length)}."""
        out = {
            "words": np.array([self._word_ids(f) for f in texts], dtype=np.int32).reshape(
                -1, self.config.seq_len
            )
        }
        if self.config.ngram_len:
            out["ngrams"] = np.array([self._ngram_ids(f) for f in texts], dtype=np.int32).reshape(
                -1, self.config.ngram_len
            )
        return out

    def encode_words(self, word_lists: Sequence[Sequence[str]]) -> dict[str, npt.NDArray[np.int32]]:
        """Texts already split by `words()` -> {input name: int32 array (len, length)}."""
        return self.encode_features([self.featurize(t) for t in word_lists])

    def encode(self, texts: Sequence[str]) -> dict[str, npt.NDArray[np.int32]]:
        """A batch of texts -> {input name: int32 array of shape (len(texts), length)}."""
        return self.encode_words([words(t) for t in texts])

    # -- persistence -------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        obj: dict[str, Any] = {
            "config": asdict(self.config),
            "words": list(self.words.tokens),
            "ngrams": _gram_tokens(self.grams),
            "reserved": list(_RESERVED),
        }
        if self.aliases:
            obj["aliases"] = dict(sorted(self.aliases.items()))
        return obj

    def save(self, path: Path) -> str:
        """Write the vocabularies (arrays for a `.npz` path, else canonical JSON); returns the
        file's sha256."""
        if path.suffix == ".npz":
            grams = self.grams
            if isinstance(grams, Vocabulary):
                grams = GramIndex.of(grams.tokens)
            data = vocab_file.dump(asdict(self.config), self.words.tokens, grams, self.aliases)
        else:
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
            obj.get("aliases"),
        )

    @classmethod
    def from_bytes(cls, data: bytes, *, verified: bool = False) -> Encoder:
        """Either format `save` writes; `verified`: every byte was checked against a sha256."""
        if vocab_file.is_arrays(data):
            found = vocab_file.parse(data, verified=verified)
            encoder = cls(TextConfig(**found.config), Vocabulary(found.words), found.grams)
            encoder.aliases = found.aliases  # parsed for this encoder alone: no copy needed
            return encoder
        return cls.from_json(json.loads(data))

    @classmethod
    def load(cls, path: Path) -> Encoder:
        return cls.from_bytes(path.read_bytes())


def _gram_tokens(grams: Vocabulary | GramIndex | None) -> list[str] | None:
    if grams is None:
        return None
    return list(grams.tokens)
