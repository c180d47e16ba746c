"""handler.bulk.records: records found by byte offset, and each one's id and text or error."""

from __future__ import annotations

import io
import json

import pytest

from handler.bulk.heads import HEAD_BYTES, head_id
from handler.bulk.records import (
    FormatError,
    fields,
    format_of,
    header,
    layout,
    lines_of,
    scan,
)
from tests.handler.bulk_files import BLANK_AFTER, csv_file, jsonl


def _records(data: bytes, fmt):
    return list(scan(io.BytesIO(data), fmt))


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("a.jsonl", "jsonl"), ("in/B.NDJSON", "jsonl"), ("x.csv", "csv"), ("X.CSV", "csv")],
)
def test_format_comes_from_the_suffix(name: str, fmt: str) -> None:
    assert format_of(name) == fmt


def test_an_unknown_suffix_is_refused() -> None:
    with pytest.raises(FormatError, match=r"\.jsonl"):
        format_of("reviews.txt")


def test_jsonl_records_are_lines_with_their_bytes_and_line_numbers() -> None:
    data = b'{"text": "a"}\n\n  \n{"text": "b"}\r\n{"text": "c"}'
    found = _records(data, "jsonl")
    assert [r.n for r, _ in found] == [1, 4, 5]  # blank lines skipped, still counted
    for record, raw in found:
        assert data[record.start : record.end] == raw


def test_csv_records_end_outside_quotes_only() -> None:
    data = b'id,text\n1,"two\nlines, ""quoted"""\n\n2,plain\n'
    found = _records(data, "csv")
    assert [r.n for r, _ in found] == [0, 1, 2]  # the header is record 0
    assert found[1][1] == b'1,"two\nlines, ""quoted"""\n'
    assert fields(found[1][1], 1, "csv", ["id", "text"]).text == 'two\nlines, "quoted"'


def test_an_unclosed_quote_is_one_bad_record_not_a_lost_file() -> None:
    data = b'id,text\n1,ok\n2,"never closed\n3,lost?\n'
    found = _records(data, "csv")
    assert len(found) == 3
    assert fields(found[2][1], 2, "csv", ["id", "text"]).error == (
        "invalid_csv",
        "the row is not valid CSV",
    )


def test_offsets_agree_with_chunked_reading() -> None:
    data, _ = jsonl(200)
    whole = _records(data, "jsonl")
    for size in (1, 7, 4096):
        chunks = (data[i : i + size] for i in range(0, len(data), size))
        assert list(scan(lines_of(chunks), "jsonl")) == whole
    assert b"".join(lines_of([data[:5], data[5:]])) == data


def test_the_test_file_has_its_bad_lines_where_it_says() -> None:
    data, bad = jsonl(100)
    records = layout(io.BytesIO(data), "jsonl").records
    assert len(records) == 100
    assert BLANK_AFTER + 1 not in {r.n for r in records}  # the blank line
    for record in records:
        raw = data[record.start : record.end]
        found = fields(raw, record.n, "jsonl", [])
        if record.n not in bad:
            assert found.error is None
            assert found.text
        elif found.text is not None:  # read fine; the API's validation refuses it (scoring)
            assert len(found.text) > 10_000 or not found.text.strip()
        else:
            assert found.error is not None, record.n
            assert found.error[0] == bad[record.n], record.n


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b'{"id": 7, "text": "fine"}', (7, "fine", None)),
        (b'{"id": "a", "text": "fine", "other": [1]}', ("a", "fine", None)),
        (b'{"text": "fine"}', (9, "fine", None)),
        (b"nope", (9, None, ("invalid_json", "the line is not JSON"))),
        (b'"just a string"', (9, None, ("validation_error", "the line is not a JSON object"))),
        (b'{"id": "a"}', ("a", None, ("validation_error", "text: field required"))),
        (b'{"id": "a", "text": null}', ("a", None, ("validation_error", "text: must be a string"))),
        (
            b'{"id": true, "text": "x"}',
            (9, None, ("validation_error", "id: must be a string or an integer")),
        ),
        (
            b'{"id": "", "text": "x"}',
            (9, None, ("validation_error", "id: must be 1 to 256 characters")),
        ),
        (
            b'{"id": 9007199254740993, "text": "x"}',
            (9, None, ("validation_error", "id: integer out of range")),
        ),
        (b"\xc3\x28", (9, None, ("invalid_json", "not UTF-8"))),
    ],
)
def test_jsonl_fields(line: bytes, expected: tuple) -> None:
    assert tuple(fields(line, 9, "jsonl", [])) == expected


def test_csv_fields_ids_and_header() -> None:
    data = csv_file(10)
    found = _records(data, "csv")
    columns = header(found[0][1])
    assert columns == ["id", "text", "source"]  # the byte-order mark is not part of a name
    row1 = fields(found[1][1], 1, "csv", columns)
    assert row1.id == "c1"
    assert row1.text.endswith('"quoted"\r\nline')
    assert fields(found[7][1], 7, "csv", columns).id == 7  # an empty id: the row number
    assert fields(b"1,only two\n", 3, "csv", columns).error == (
        "invalid_csv",
        "the row has 2 of 3 fields",
    )
    assert fields(b"1,x\n", 3, "csv", ["id", "review"]).error == (
        "validation_error",
        "text: the header has no text column",
    )


def test_no_error_message_quotes_the_record() -> None:
    secret = "SECRET-REVIEW-TEXT"
    for line in (
        f"{secret}".encode(),
        f'{{"id": true, "text": "{secret}"}}'.encode(),
        f'["{secret}"]'.encode(),
    ):
        found = fields(line, 1, "jsonl", [])
        assert found.error is not None
        assert secret not in " ".join(found.error)


_TEXT = b'"text": "' + b"x" * (2 * HEAD_BYTES) + b'"}\n'


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'{"id": "r7", ' + _TEXT, "r7"),
        (b'  {"stars": 9, "tags": ["a", {"b": null}], "id": -12, ' + _TEXT, -12),
        (b'{"id": "caf\\u00e9 \\ud83d\\ude00", ' + _TEXT, "café 😀"),
        (b'{"id" : "r7" }' + b" " * HEAD_BYTES, "r7"),  # as json.loads reads it
        (b"{" + _TEXT[:-2] + b', "id": "late"}', 42),  # only reading the whole line finds it
        (b'{"id": "' + b"i" * 257 + b'", ' + _TEXT, 42),  # an id the record may not have
        (b'{"id": true, ' + _TEXT, 42),
        (b'{"id": 1.5, ' + _TEXT, 42),
        (b'{"id": 2e400, ' + _TEXT, 42),
        (b'{"id": null, ' + _TEXT, 42),
        (b'["r7", ' + _TEXT, 42),
        (b'\xff{"id": "r7", ' + _TEXT, 42),
        (b'{"id": "r7"' + b" " * HEAD_BYTES + b', "text": "x"}', 42),  # no end in sight
        (b'{"note": "' + b"n" * HEAD_BYTES + b'", "id": "r7", ' + _TEXT, 42),
    ],
)
def test_an_over_size_jsonl_line_keeps_the_id_at_its_head(head: bytes, expected: object) -> None:
    assert head_id(head, 42, "jsonl", []) == expected


def test_an_id_cut_by_the_end_of_the_head_is_not_taken_for_a_shorter_one() -> None:
    for line in (b'{"id": 12345, "text": "x"}', b'{"id": "r12345", "text": "x"}'):
        comma = line.index(b",")
        assert head_id(line[: line.index(b"345")], 42, "jsonl", []) == 42
        assert head_id(line[:comma], 42, "jsonl", []) == 42  # the delimiter after it is out
        assert head_id(line[: comma + 1], 42, "jsonl", []) == json.loads(line)["id"]


@pytest.mark.parametrize(
    ("head", "columns", "expected"),
    [
        (b'c7,"a long, ""quoted""\nreview', ["id", "text"], "c7"),
        (b'"c,7",x,"a long review', ["id", "source", "text"], "c,7"),
        (b'imdb,c7,"a long review', ["source", "id", "text"], "c7"),
        (b',"a long review', ["id", "text"], 42),  # an empty id: no id, as a whole row reads it
        (b'"a long review', ["text", "id"], 42),
        (b'c7,"a long review', ["key", "text"], 42),
        (b"c7", ["id", "text"], 42),  # the id may go on after the head
    ],
)
def test_an_over_size_csv_row_keeps_the_id_at_its_head(
    head: bytes, columns: list[str], expected: object
) -> None:
    assert head_id(head, 42, "csv", columns) == expected
