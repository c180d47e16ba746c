"""The n-gram vocabulary as sorted integer keys, so the service loads it without a dict.

A JSON list of 300,000 n-gram strings costs a cold start its parsing and hashing (most of the
gap to the import floor in reports/bench.md). Here an n-gram is a number instead: each of its
words has an id among the words that occur in the vocabulary (`parts`, a few tens of thousands),
and "a b c" is the key ((a * V) + b) * V + c. The keys are sorted offline; at load, numpy reads
them as they are, and a text's n-grams are looked up all at once with `searchsorted`, which
gives the same ids as the string lookup it replaces (`tests/handler/test_grams.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np

# Annotations only: numpy.typing costs a cold start about a millisecond to import.
if TYPE_CHECKING:
    import numpy.typing as npt

OOV_ID = 1
_RESERVED = 2


class GramIndex:
    """token or n-gram ("a b c") -> id; ids 0 and 1 are padding and out-of-vocabulary."""

    def __init__(
        self,
        parts: Sequence[str],
        keys: npt.NDArray[np.int64],
        ids: npt.NDArray[np.int32],
        size: int,
    ) -> None:
        self.parts = tuple(parts)
        self._part = dict(zip(self.parts, range(1, len(self.parts) + 1), strict=True))
        self._base = len(self.parts) + 1
        if self._base**3 >= 2**63:
            raise ValueError("too many words for 64-bit n-gram keys")
        self.keys, self._ids, self._size = keys, ids, size

    @classmethod
    def of(cls, tokens: Sequence[str]) -> GramIndex:
        """From the vocabulary's tokens in id order (id 2 first), as `Vocabulary` holds them."""
        parts = sorted({w for t in tokens for w in t.split(" ")})
        index = {w: i for i, w in enumerate(parts, start=1)}
        base = len(parts) + 1
        keys = np.array([_key([index[w] for w in t.split(" ")], base) for t in tokens], np.int64)
        order = np.argsort(keys, kind="stable")
        ids = (np.arange(len(tokens), dtype=np.int64) + _RESERVED)[order].astype(np.int32)
        return cls(parts, keys[order], ids, len(tokens) + _RESERVED)

    @property
    def tokens(self) -> list[str]:
        """The n-grams in id order (what `Vocabulary` was built from)."""
        out = [""] * (self._size - _RESERVED)
        for key, i in zip(self.keys.tolist(), self._ids.tolist(), strict=True):
            out[i - _RESERVED] = " ".join(self.parts[p - 1] for p in _split(key, self._base))
        return out

    def __len__(self) -> int:
        return self._size

    def id(self, token: str) -> int:
        return self.ids([token])[0]

    def ids(self, tokens: Iterable[str]) -> list[int]:
        get = self._part.get
        keys = []
        for t in tokens:
            found = [get(w, 0) for w in t.split(" ")]
            keys.append(_key(found, self._base) if all(found) and len(found) <= 3 else -1)
        return self._lookup(np.array(keys, np.int64))

    def gram_ids(self, tokens: Sequence[str], order: int) -> list[int]:
        """Ids of every 1..order-gram of `tokens` (order <= 3), in `handler.inference.text.ngrams` order."""
        get = self._part.get
        p = np.array([get(t, 0) for t in tokens], np.int64)
        found, b = [p], self._base
        if order >= 2:
            found.append(p[:-1] * b + p[1:])
            found[-1][(p[:-1] == 0) | (p[1:] == 0)] = -1
        if order >= 3:
            tri = (p[:-2] * b + p[1:-1]) * b + p[2:]
            tri[(p[:-2] == 0) | (p[1:-1] == 0) | (p[2:] == 0)] = -1
            found.append(tri)
        keys = np.concatenate(found)
        keys[keys == 0] = -1
        return self._lookup(keys)

    def _lookup(self, keys: npt.NDArray[np.int64]) -> list[int]:
        if not len(self.keys):
            return [OOV_ID] * len(keys)
        at = np.minimum(np.searchsorted(self.keys, keys), len(self.keys) - 1)
        hit = self.keys[at] == keys
        out: list[int] = np.where(hit, self._ids[at], OOV_ID).tolist()
        return out


def _key(parts: Sequence[int], base: int) -> int:
    key = 0
    for p in parts:
        key = key * base + p
    return key


def _split(key: int, base: int) -> list[int]:
    parts = []
    while key:
        key, p = divmod(key, base)
        parts.append(p)
    return parts[::-1]
