"""The vocabulary file as arrays (`vocab.npz`): what a cold start reads instead of JSON.

An uncompressed numpy archive, written offline by `convert/` and hashed in the manifest: the
text settings as a small JSON document, the word vocabulary and the names of the n-gram index
(`handler.inference.grams`) as newline-joined UTF-8 (tokens never hold whitespace), the n-gram keys and
ids as int64/int32 arrays read without any per-string work, and the placeholder aliases.
No pickles: `np.load(..., allow_pickle=False)` reads plain arrays only.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from handler.inference.grams import GramIndex

_MAGIC = b"PK\x03\x04"  # a zip archive, as numpy writes one


def is_arrays(data: bytes) -> bool:
    return data.startswith(_MAGIC)


def _blob(items: list[str] | tuple[str, ...]) -> npt.NDArray[np.uint8]:
    return np.frombuffer("\n".join(items).encode("utf-8"), np.uint8)


def _items(blob: npt.NDArray[np.uint8]) -> list[str]:
    text = blob.tobytes().decode("utf-8")
    return text.split("\n") if text else []


class Contents(NamedTuple):
    """What the file holds; `handler.inference.text.Encoder` is built from it (this module knows no Encoder,
    so the text pipeline imports it and not the other way round)."""

    config: dict[str, Any]
    words: list[str]
    grams: GramIndex | None
    aliases: dict[str, str]


def canonical_json(obj: Any) -> bytes:
    """Byte-stable JSON, so a file's hash depends on its content alone."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
        "utf-8"
    )


def dump(
    config: Mapping[str, Any],
    words: Sequence[str],
    grams: GramIndex | None,
    aliases: Mapping[str, str],
) -> bytes:
    """The archive's bytes (byte-stable: numpy writes fixed zip timestamps)."""
    aliased = sorted(aliases.items())
    arrays: dict[str, npt.NDArray[np.generic]] = {
        "config": np.frombuffer(canonical_json({"config": dict(config)}), np.uint8),
        "words": _blob(list(words)),
        "alias_tokens": _blob([k for k, _ in aliased]),
        "alias_values": _blob([v for _, v in aliased]),
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


def parse(data: bytes) -> Contents:
    with np.load(io.BytesIO(data), allow_pickle=False) as z:
        config = json.loads(z["config"].tobytes())["config"]
        grams = None
        if "gram_keys" in z:
            grams = GramIndex(
                _items(z["gram_parts"]),
                z["gram_keys"].astype(np.int64, copy=False),
                z["gram_ids"].astype(np.int32, copy=False),
                int(z["gram_size"][0]),
            )
        aliases = dict(zip(_items(z["alias_tokens"]), _items(z["alias_values"]), strict=True))
        return Contents(config, _items(z["words"]), grams, aliases)
