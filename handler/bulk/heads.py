"""The id of a record too long to read, from its first bytes alone.

A record over the byte limit is refused without being decoded or parsed, but its answer should
still carry the id it gives, so it can be joined back to the input. Most writers put a short id
before the text (`{"id": ..., "text": ...}`, an `id` column before `text`), so the record's first
`HEAD_BYTES` bytes hold it; an id that starts or ends beyond them is not looked for, and the
record is then named by its `n`, as a record without an id is.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Final

from handler.bulk.records import ID, MAX_ID_CHARS, Format, valid_id

# Room for the longest id (every character a 12-byte escaped surrogate pair) and a few short
# fields before it; the same on AWS (one ranged GET) and on one machine.
HEAD_BYTES: Final = 12 * MAX_ID_CHARS + 1024
_WHITESPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace, no more
_DECODER = json.JSONDecoder()


def head_id(head: bytes, n: int, fmt: Format, columns: Sequence[str]) -> int | str:
    """The id that `head` (a record's first bytes) shows in full and that is valid, else `n`."""
    # Not final: a character cut in two by the head's end is left out, not an error.
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head[:HEAD_BYTES], final=False)
    except UnicodeDecodeError:
        return n
    found = _json_id(text) if fmt == "jsonl" else _csv_id(text, columns)
    ident, problem = valid_id(found, n)
    return n if problem else ident


def _json_id(text: str) -> object:
    """The value of the object's first `id` member, if it and every member before it end in `text`."""
    at = _skip(text, 0)
    if not text.startswith("{", at):
        return None
    at += 1
    try:
        while True:
            key, at = _DECODER.raw_decode(text, _skip(text, at))
            at = _skip(text, at)
            if not isinstance(key, str) or not text.startswith(":", at):
                return None
            value, at = _DECODER.raw_decode(text, _skip(text, at + 1))
            at = _skip(text, at)
            # What follows must be in the head too: `12` cut from `123` parses as well.
            if key == ID:
                return value if text[at : at + 1] in {",", "}"} else None
            if not text.startswith(",", at):
                return None
            at += 1
    except (ValueError, RecursionError):  # not JSON, or cut short by the head's end
        return None


def _skip(text: str, at: int) -> int:
    match = _WHITESPACE.match(text, at)
    assert match is not None  # the pattern matches the empty string
    return match.end()


def _csv_id(text: str, columns: Sequence[str]) -> object:
    """The `id` field, if the head holds it and the delimiter after it (it is not the last)."""
    if ID not in columns:
        return None
    index = columns.index(ID)
    try:
        # Not strict: the head ends inside a field (the text, as a rule), which strict refuses.
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=False))
    except csv.Error:
        return None
    if len(rows) != 1 or len(rows[0]) <= index + 1:
        return None
    return rows[0][index] or None
