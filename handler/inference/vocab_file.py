"""The vocabulary file as arrays (`vocab.npz`): what a cold start reads instead of JSON.

An uncompressed numpy archive, written offline by `convert/` and hashed in the manifest: the
text settings as a small JSON document, the word vocabulary and the names of the n-gram index
(`handler.inference.grams`) as newline-joined UTF-8 (tokens never hold whitespace), the n-gram keys and
ids as int64/int32 arrays read without any per-string work, the placeholder aliases, and the
words the training reviews hold beyond the vocabulary (`seen`: none a slip is undone in).
No pickles: object arrays are refused, as `np.load(..., allow_pickle=False)` refuses them.
"""

from __future__ import annotations

import io
import json
import math
import struct
import zipfile
import zlib
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from handler.inference.grams import GramIndex

# Annotations only: numpy.typing costs a cold start about a millisecond to import.
if TYPE_CHECKING:
    import numpy.typing as npt

_MAGIC = b"PK\x03\x04"  # a zip archive, as numpy writes one


def is_arrays(data: bytes) -> bool:
    return data.startswith(_MAGIC)


def _blob(items: list[str] | tuple[str, ...]) -> npt.NDArray[np.uint8]:
    return np.frombuffer("\n".join(items).encode("utf-8"), np.uint8)


def _text(blob: npt.NDArray[np.uint8]) -> str:
    return str(blob.data, "utf-8")  # decoded from the array's buffer, not from a copy of it


def _items(blob: npt.NDArray[np.uint8]) -> list[str]:
    text = _text(blob)
    return text.split("\n") if text else []


def _aliases(tokens: npt.NDArray[np.uint8], values: npt.NDArray[np.uint8]) -> dict[str, str]:
    names, text = _items(tokens), _text(values)
    one = text.partition("\n")[0]
    # Every name and place has the one `_name_` placeholder: a string compare instead of
    # splitting tens of thousands of copies of it and zipping them in.
    if names and text == (one + "\n") * (len(names) - 1) + one:
        return dict.fromkeys(names, one)
    return dict(zip(names, text.split("\n") if text else [], strict=True))


class Contents(NamedTuple):
    """What the file holds; `handler.inference.encoder.Encoder` is built from it (this module knows no Encoder,
    so the encoder imports it and not the other way round)."""

    config: dict[str, Any]
    words: list[str]
    grams: GramIndex | None
    aliases: dict[str, str]
    seen: list[str]


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
    seen: Sequence[str] = (),
) -> bytes:
    """The archive's bytes (byte-stable: numpy writes fixed zip timestamps)."""
    aliased = sorted(aliases.items())
    arrays: dict[str, npt.NDArray[np.generic]] = {
        "config": np.frombuffer(canonical_json({"config": dict(config)}), np.uint8),
        "words": _blob(list(words)),
        "alias_tokens": _blob([k for k, _ in aliased]),
        "alias_values": _blob([v for _, v in aliased]),
    }
    if seen:
        arrays["seen"] = _blob(sorted(seen))
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


def parse(data: bytes, *, verified: bool = False) -> Contents:
    """The file's contents. `verified`: the caller has checked every byte against a sha256
    (the predictor, against the manifest), so the members' CRC-32s are not computed again."""
    z = _arrays(data, verified)
    config = json.loads(z["config"].tobytes())["config"]
    grams = None
    if "gram_keys" in z:
        grams = GramIndex(
            _items(z["gram_parts"]),
            z["gram_keys"].astype(np.int64, copy=False),
            z["gram_ids"].astype(np.int32, copy=False),
            int(z["gram_size"][0]),
        )
    aliases = _aliases(z["alias_tokens"], z["alias_values"])
    # Files written before the list existed hold none: their models undo no slips.
    seen = _items(z["seen"]) if "seen" in z else []
    return Contents(config, _items(z["words"]), grams, aliases, seen)


def _arrays(data: bytes, verified: bool) -> dict[str, npt.NDArray[Any]]:
    """The archive's arrays by name, each a read-only view of `data` unless it is misaligned.

    `np.load` would copy every member out through `zipfile`; a cold start reads 5 MB this way.
    What it checks is checked here too: stored members whose CRC-32 matches (unless a sha256
    of all the bytes did), a `.npy` header (format 1.0 or 2.0, as `np.savez` writes) whose
    shape fits the bytes, and no object arrays.
    """
    view, found = memoryview(data), {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            at, name = info.header_offset, info.filename
            stored = info.compress_type == zipfile.ZIP_STORED and len(data) >= at + 30
            if not (name.endswith(".npy") and stored and view[at : at + 4] == _MAGIC):
                raise ValueError(f"{name}: not a stored .npy member")
            # The data follows the local header, whose name and extra field have their own lengths.
            name_size, extra_size = struct.unpack_from("<HH", data, at + 26)
            start = at + 30 + name_size + extra_size
            member = view[start : start + info.file_size]
            if len(member) != info.file_size or (not verified and zlib.crc32(member) != info.CRC):
                raise ValueError(f"{name}: damaged (CRC-32 differs)")
            found[name.removesuffix(".npy")] = _npy(member, name)
    return found


def _npy(member: memoryview, name: str) -> npt.NDArray[Any]:
    major = member[6] if len(member) > 6 else 0
    if major not in (1, 2):
        raise ValueError(f"{name}: not a .npy file of format 1.0 or 2.0")
    width = 2 if major == 1 else 4  # of the header's length, which follows magic and version
    header_end = 8 + width + int.from_bytes(member[8 : 8 + width], "little")
    head = io.BytesIO(member[:header_end])
    fmt = np.lib.format
    read = (
        fmt.read_array_header_1_0 if fmt.read_magic(head) == (1, 0) else fmt.read_array_header_2_0
    )
    shape, fortran, dtype = read(head)
    count = math.prod(shape)
    if dtype.hasobject or count * dtype.itemsize != len(member) - header_end:
        raise ValueError(f"{name}: an object array, or a shape that does not fit its bytes")
    array = np.frombuffer(member, dtype, count, header_end).reshape(
        shape, order="F" if fortran else "C"
    )
    # A member starts wherever the zip put it: numpy would copy a misaligned array on every
    # `searchsorted` (0.3 ms a call for the n-gram keys), so such an array is copied once here.
    return array if array.flags.aligned else array.copy()
