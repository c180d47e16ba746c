"""The vocabulary file as arrays (`vocab.npz`): what a cold start reads instead of JSON.

An uncompressed numpy archive, written offline by `convert/` and hashed in the manifest: the
text settings as a small JSON document, the word vocabulary and the names of the n-gram index
(`handler.grams`) as newline-joined UTF-8 (tokens never hold whitespace), the n-gram keys and
ids as int64/int32 arrays read without any per-string work, and the placeholder aliases.
No pickles: `np.load(..., allow_pickle=False)` reads plain arrays only.
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from handler.grams import GramIndex

if TYPE_CHECKING:
    from handler.text import Encoder

_MAGIC = b"PK\x03\x04"  # a zip archive, as numpy writes one


def is_arrays(data: bytes) -> bool:
    return data.startswith(_MAGIC)


def _blob(items: list[str] | tuple[str, ...]) -> npt.NDArray[np.uint8]:
    return np.frombuffer("\n".join(items).encode("utf-8"), np.uint8)


def _items(blob: npt.NDArray[np.uint8]) -> list[str]:
    text = blob.tobytes().decode("utf-8")
    return text.split("\n") if text else []


def dump(encoder: Encoder) -> bytes:
    """The archive's bytes (byte-stable: numpy writes fixed zip timestamps)."""
    from dataclasses import asdict

    from handler.text import Vocabulary, canonical_json

    grams = encoder.grams
    if isinstance(grams, Vocabulary):
        grams = GramIndex.of(grams.tokens)
    aliases = sorted(encoder.aliases.items())
    arrays: dict[str, npt.NDArray[np.generic]] = {
        "config": np.frombuffer(canonical_json({"config": asdict(encoder.config)}), np.uint8),
        "words": _blob(encoder.words.tokens),
        "alias_tokens": _blob([k for k, _ in aliases]),
        "alias_values": _blob([v for _, v in aliases]),
    }
    if grams is not None:
        arrays |= {
            "gram_parts": _blob(grams.parts),
            "gram_keys": grams.keys,
            "gram_ids": grams._ids,
            "gram_size": np.array([len(grams)], np.int64),
        }
    out = io.BytesIO()
    np.savez(out, allow_pickle=False, **arrays)
    return out.getvalue()


def parse(data: bytes) -> Encoder:
    from handler.text import Encoder, TextConfig, Vocabulary

    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        config = TextConfig(**json.loads(z["config"].tobytes())["config"])
        grams = None
        if "gram_keys" in z:
            grams = GramIndex(
                _items(z["gram_parts"]),
                z["gram_keys"].astype(np.int64, copy=False),
                z["gram_ids"].astype(np.int32, copy=False),
                int(z["gram_size"][0]),
            )
        aliases = dict(zip(_items(z["alias_tokens"]), _items(z["alias_values"]), strict=True))
        return Encoder(config, Vocabulary(_items(z["words"])), grams, aliases)
