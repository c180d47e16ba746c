"""A bulk input file as records: where each one lies in the file, and what it holds.

One JSON object a line (JSONL), or a CSV file whose header names a `text` column (and optionally
`id`). Records are found by byte offsets, so a job on AWS can hand each batch a byte range of the
file, and the local CLI and the AWS job read exactly the same records from the same bytes.
A record that cannot be read becomes an error in its place; nothing here stops on bad input, and
no message ever quotes the file's content.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

Format = Literal["jsonl", "csv"]
SUFFIXES: dict[str, Format] = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
TEXT, ID = "text", "id"
# Ids are echoed back, so they are bounded like everything else the service returns.
MAX_ID_CHARS = 256


class Record(NamedTuple):
    """A record's place: `n` is its 1-based line (JSONL) or data row (CSV), `start:end` its bytes."""

    n: int
    start: int
    end: int


class Fields(NamedTuple):
    """What a record says: its id and text, or why it cannot be scored (code, message)."""

    id: int | str
    text: str | None
    error: tuple[str, str] | None = None


class FormatError(ValueError):
    """The file's name does not say which of the formats it is in."""


def format_of(name: str) -> Format:
    """The format a file name's suffix names (`.jsonl`, `.ndjson`, `.csv`, any case)."""
    lowered = name.lower()
    for suffix, fmt in SUFFIXES.items():
        if lowered.endswith(suffix):
            return fmt
    raise FormatError(f"the file name must end in one of {', '.join(SUFFIXES)}")


@dataclass
class Layout:
    """A file's records in order, and for CSV its header's columns (empty for JSONL)."""

    records: list[Record]
    columns: list[str]


def scan(lines: Iterable[bytes], fmt: Format) -> Iterator[tuple[Record, bytes]]:
    """Each record with its raw bytes, from the file's lines (as `io.BufferedReader` yields them).

    Blank lines are skipped but still counted, so a JSONL record's `n` is its line in the file.
    A CSV record ends at the first line end outside quotes (RFC 4180: a quote inside a field is
    doubled, so the quotes seen so far are even there); the header is record 0, yielded first.
    """
    offset, n = 0, 0 if fmt == "csv" else 1
    pending, start, quotes = b"", 0, 0
    for line in lines:
        if not pending:
            start = offset
        offset += len(line)
        if fmt == "jsonl":
            if line.strip():
                yield Record(n, start, offset), line
            n += 1
            continue
        pending += line
        quotes += line.count(b'"')
        if quotes % 2:
            continue
        if pending.strip():
            yield Record(n, start, offset), pending
            n += 1
        pending, quotes = b"", 0
    if pending.strip():  # an unclosed quote runs to the end of the file: one (bad) record
        yield Record(n, start, offset), pending


def lines_of(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a byte stream given in chunks of any size, each with its line end."""
    pieces: list[bytes] = []  # of a line not yet ended (joined once, however long it grows)
    for chunk in chunks:
        parts = chunk.split(b"\n")
        if len(parts) == 1:
            pieces.append(chunk)
            continue
        yield b"".join([*pieces, parts[0], b"\n"])
        for part in parts[1:-1]:
            yield part + b"\n"
        pieces = [parts[-1]] if parts[-1] else []
    if pieces:
        yield b"".join(pieces)


def layout(lines: Iterable[bytes], fmt: Format) -> Layout:
    """Every record of the file; for CSV, the header's columns (not a record itself)."""
    records, columns = [], []
    for record, raw in scan(lines, fmt):
        if fmt == "csv" and record.n == 0:
            columns = header(raw)
            continue
        records.append(record)
    return Layout(records, columns)


def header(raw: bytes) -> list[str]:
    """A CSV header's column names (a UTF-8 byte-order mark at the start is not part of one)."""
    row = _csv_row(raw.decode("utf-8-sig", errors="replace"))
    return [name.strip() for name in row]


def fields(raw: bytes, n: int, fmt: Format, columns: Sequence[str]) -> Fields:
    """The id and text of one record, or the error that takes its place.

    Without a usable id, a record's id is its `n`.
    """
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return Fields(n, None, ("invalid_json" if fmt == "jsonl" else "invalid_csv", "not UTF-8"))
    if fmt == "jsonl":
        return _json_fields(line, n)
    return _csv_fields(line, n, columns)


def _json_fields(line: str, n: int) -> Fields:
    try:
        value: Any = json.loads(line)
    except (ValueError, RecursionError):
        return Fields(n, None, ("invalid_json", "the line is not JSON"))
    if not isinstance(value, dict):
        return Fields(n, None, ("validation_error", "the line is not a JSON object"))
    ident, problem = valid_id(value.get(ID), n)
    if problem:
        return Fields(ident, None, problem)
    if TEXT not in value:
        return Fields(ident, None, ("validation_error", "text: field required"))
    text = value[TEXT]
    if not isinstance(text, str):
        return Fields(ident, None, ("validation_error", "text: must be a string"))
    return Fields(ident, text)


def _csv_fields(line: str, n: int, columns: Sequence[str]) -> Fields:
    if TEXT not in columns:
        return Fields(n, None, ("validation_error", "text: the header has no text column"))
    try:
        row = _csv_row(line)
    except csv.Error:
        return Fields(n, None, ("invalid_csv", "the row is not valid CSV"))
    if len(row) != len(columns):
        return Fields(n, None, ("invalid_csv", f"the row has {len(row)} of {len(columns)} fields"))
    values = dict(zip(columns, row, strict=True))
    ident, problem = valid_id(values.get(ID) or None, n)
    return Fields(ident, None, problem) if problem else Fields(ident, values[TEXT])


def _csv_row(text: str) -> list[str]:
    # strict: a stray quote inside an unquoted field is an error, not a silently merged field.
    # newline="": only \n and \r end lines, as in the file (str.splitlines would split on more).
    rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    if len(rows) != 1:
        raise csv.Error("not one row")
    return rows[0]


def valid_id(value: object, n: int) -> tuple[int | str, tuple[str, str] | None]:
    """A record's id (`n` when it has none) and the problem with the one it has, if any."""
    if value is None:
        return n, None
    if isinstance(value, bool) or not isinstance(value, int | str):
        return n, ("validation_error", "id: must be a string or an integer")
    if isinstance(value, str) and not 0 < len(value) <= MAX_ID_CHARS:
        return n, ("validation_error", f"id: must be 1 to {MAX_ID_CHARS} characters")
    if isinstance(value, int) and abs(value) >= 2**53:  # beyond what JSON readers keep exact
        return n, ("validation_error", "id: integer out of range")
    return value, None
