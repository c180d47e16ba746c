"""A text's features as model inputs: vocabularies, the encoder's settings, and the `Encoder`.

The text pipeline (`handler.inference.text`) turns a text into tokens and sentences; this module
turns tokens into the two fixed-length int32 arrays the model reads, in one pass per text
(`Features`), with vocabularies saved in the vocabulary file, never built from `hash()`.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from handler.inference import spelling, vocab_file
from handler.inference.features import (
    Features,
    TextConfig,
    featurize,
    fit,
    ngram_source,
    read,
    sentence_source,
)
from handler.inference.grams import GramIndex
from handler.inference.sentences import pack, split
from handler.inference.text import ngrams, sentence_words, words
from handler.inference.vocab_file import canonical_json

# Annotations only: numpy.typing costs a cold start about a millisecond to import.
if TYPE_CHECKING:
    import numpy.typing as npt

OOV_ID = 1
_RESERVED = ("<pad>", "<oov>")


class Vocabulary:
    """A frozen token -> id map; ids 0 and 1 are padding and out-of-vocabulary."""

    def __init__(self, tokens: Sequence[str]) -> None:
        self.tokens: tuple[str, ...] = tuple(tokens)
        # dict(zip(...)) builds the index in C, a third faster than a comprehension: training
        # builds the n-gram vocabularies with it, and a cold start the word vocabulary.
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

    @property
    def index(self) -> Mapping[str, int]:
        """token -> id; ids are frequency ranks (`build`)."""
        return self._index

    def id(self, token: str) -> int:
        return self._index.get(token, OOV_ID)

    def ids(self, tokens: Iterable[str]) -> list[int]:
        get = self._index.get
        return [get(t, OOV_ID) for t in tokens]


class Encoder:
    """Turns text into the model's int32 inputs; the same object serves training and the API."""

    def __init__(
        self,
        config: TextConfig,
        words: Vocabulary,
        grams: Vocabulary | GramIndex | None = None,
        aliases: Mapping[str, str] | None = None,
        seen: Iterable[str] = (),
    ) -> None:
        if config.ngram_len and grams is None:
            raise ValueError("config asks for n-grams but no n-gram vocabulary was given")
        self.config, self.words, self.grams = config, words, grams
        self.aliases: Mapping[str, str] = dict(aliases or {})
        # Words of the training reviews outside the vocabulary: real words, never a slip.
        self.seen: tuple[str, ...] = tuple(sorted(seen))

    @property
    def input_names(self) -> tuple[str, ...]:
        first = "sentences" if self.config.sentences else "words"
        return (first, "ngrams") if self.config.ngram_len else (first,)

    @property
    def input_lengths(self) -> dict[str, int]:
        """Each input's length, by name, in `input_names` order."""
        c = self.config
        lengths = {
            "words": c.seq_len,
            "sentences": c.sentences * c.sentence_len,
            "ngrams": c.ngram_len,
        }
        return {name: lengths[name] for name in self.input_names}

    @property
    def input_units(self) -> dict[str, int]:
        """How a model that takes any length may cut each padded input (`TfliteModel`): the
        sentence input in whole rows, n-grams one by one; a words input (padded in front) not."""
        units = {"sentences": self.config.sentence_len, "ngrams": 1}
        return {name: units[name] for name in self.input_names if name in units}

    def featurize(self, tokens: Sequence[str], lengths: Sequence[int] = ()) -> Features:
        """Everything the model reads of `tokens`, from one pass (one `mark()` call)."""
        return featurize(tokens, self.config, self.aliases, lengths, self._spell)

    def read(self, token: str) -> tuple[str, ...]:
        """The tokens the model reads for one typed token (`handler.inference.features.read`)."""
        return tuple(read([token], self.config, (), self._spell)[0])

    @functools.cached_property
    def _spell(self) -> Callable[[str], str] | None:
        # Built on first use: `from_bytes` sets the aliases after construction.
        if not self.config.spelling:
            return None
        grams, seen = self.grams, frozenset(self.seen)
        return spelling.corrector(
            self.words.index,
            lambda w: w in seen or (grams is not None and grams.id(w) != OOV_ID),
            self.aliases,
        )

    def features(self, tokens: Sequence[str]) -> tuple[list[str], list[str]]:
        """(the words of `tokens`, one feature per word): the word itself, or marked."""
        found = self.featurize(tokens)
        return found.words, found.marked

    def content_features(self, tokens: Sequence[str]) -> list[str]:
        """The features of the content words: what a model with a words input reads."""
        return self.featurize(tokens).content

    def ngram_source(self, tokens: Sequence[str]) -> list[str]:
        """The features the n-gram branch forms its n-grams over."""
        return self._ngram_source(self.featurize(tokens))

    def word_ids(self, tokens: Sequence[str]) -> list[int]:
        """Ids of the content words among `tokens`, padded or cut to `seq_len` (a words input)."""
        return self._word_ids(self.featurize(tokens))

    def sentence_ids(self, tokens: Sequence[str], lengths: Sequence[int] = ()) -> list[int]:
        """Rows of token ids, one sentence per row (`handler.inference.sentences.pack`)."""
        return self._sentence_ids(self.featurize(tokens, lengths))

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
        return ngram_source(features, self.config)

    def _word_ids(self, features: Features) -> list[int]:
        c = self.config
        return fit(self.words.ids(features.content), c.seq_len, c.padding, c.truncating)

    def _sentence_ids(self, features: Features) -> list[int]:
        c = self.config
        ids = self.words.ids(sentence_source(features))
        return pack(list(split(ids, features.lengths)), c.sentences, c.sentence_len)

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
        first, length = next(iter(self.input_lengths.items()))
        rows = self._sentence_ids if self.config.sentences else self._word_ids
        out = {first: np.array([rows(f) for f in texts], dtype=np.int32).reshape(-1, length)}
        if self.config.ngram_len:
            out["ngrams"] = np.array([self._ngram_ids(f) for f in texts], dtype=np.int32).reshape(
                -1, self.config.ngram_len
            )
        return out

    def encode_words(
        self,
        word_lists: Sequence[Sequence[str]],
        lengths: Sequence[Sequence[int]] | None = None,
    ) -> dict[str, npt.NDArray[np.int32]]:
        """Texts already split by `words()` -> {input name: int32 array (len, length)}.

        `lengths`: each text's tokens per sentence (`text_words`), for the sentence branch.
        """
        found = lengths if lengths is not None else [()] * len(word_lists)
        return self.encode_features(
            [self.featurize(t, n) for t, n in zip(word_lists, found, strict=True)]
        )

    def text_words(self, text: str) -> tuple[list[str], list[int]]:
        """(a text's tokens, tokens per sentence): cut into sentences when the model reads them."""
        if not self.config.sentences:
            found = words(text)
            return found, [len(found)]
        parts = sentence_words(text)
        return [t for p in parts for t in p], [len(p) for p in parts]

    def encode(self, texts: Sequence[str]) -> dict[str, npt.NDArray[np.int32]]:
        """A batch of texts -> {input name: int32 array of shape (len(texts), length)}."""
        found = [self.text_words(t) for t in texts]
        return self.encode_words([w for w, _ in found], [n for _, n in found])

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
        if self.seen:
            obj["seen"] = list(self.seen)
        return obj

    def save(self, path: Path) -> str:
        """Write the vocabularies (arrays for a `.npz` path, else canonical JSON); returns the
        file's sha256."""
        if path.suffix == ".npz":
            grams = self.grams
            if isinstance(grams, Vocabulary):
                grams = GramIndex.of(grams.tokens)
            data = vocab_file.dump(
                asdict(self.config), self.words.tokens, grams, self.aliases, self.seen
            )
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
            obj.get("seen", ()),
        )

    @classmethod
    def from_bytes(cls, data: bytes, *, verified: bool = False) -> Encoder:
        """Either format `save` writes; `verified`: every byte was checked against a sha256."""
        if vocab_file.is_arrays(data):
            found = vocab_file.parse(data, verified=verified)
            encoder = cls(TextConfig(**found.config), Vocabulary(found.words), found.grams)
            encoder.aliases = found.aliases  # parsed for this encoder alone: no copy needed
            encoder.seen = tuple(found.seen)  # written sorted
            return encoder
        return cls.from_json(json.loads(data))

    @classmethod
    def load(cls, path: Path) -> Encoder:
        return cls.from_bytes(path.read_bytes())


def _gram_tokens(grams: Vocabulary | GramIndex | None) -> list[str] | None:
    if grams is None:
        return None
    return list(grams.tokens)
