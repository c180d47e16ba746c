"""Bulk input files for the tests: real-shaped JSONL and CSV with bad records in known places."""

from __future__ import annotations

import csv
import io
import json
import random

BLANK_AFTER = 40
WORDS = (
    "a moving, beautifully acted film; the best of the year",
    "dull, predictable and far too long",
    "not bad at all, though the ending drags",
    "awful script, wooden acting, a waste of time",
    "Dr. Smith vs. the U.S. army... 8.5/10!",
    "Le film était magnifique 😀",
    "I didn't like it.<br /><br />Not one bit",
)


def texts(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.choice(WORDS)} {rng.choice(WORDS)} ({i})" for i in range(count)]


def jsonl(count: int) -> tuple[bytes, dict[int, str]]:
    """`count` lines, bad ones among them, and a blank line after line 40.

    Returns the file and {line number in the file: error code} for the bad lines.
    """
    bad = {
        3: (b"not json at all", "invalid_json"),
        5: (b'{"id": "x5", "text": 42}', "validation_error"),
        8: (b"[1, 2]", "validation_error"),
        13: (b'{"id": "x13"}', "validation_error"),
        # Over the bulk text limit (100,000), not just the API's (10,000).
        21: (b'{"id": "x21", "text": "' + b"a" * 100_001 + b'"}', "validation_error"),
        34: (b'{"id": {"a": 1}, "text": "fine"}', "validation_error"),
        55: (b'{"text": "   "}', "validation_error"),
        89: (b'\xff\xfe{"text": "latin-1"}', "invalid_json"),
    }
    lines, expected = [], {}
    for n, text in enumerate(texts(count), start=1):
        if n in bad:
            lines.append(bad[n][0])
            expected[n if n <= BLANK_AFTER else n + 1] = bad[n][1]
        elif n % 10 == 0:
            lines.append(json.dumps({"text": text}).encode())  # no id: the line number
        else:
            lines.append(json.dumps({"id": f"r{n}", "text": text, "stars": n % 5}).encode())
    lines.insert(BLANK_AFTER, b"")  # a blank line: skipped, but still counted as a line
    return b"\n".join(lines) + b"\n", expected


def csv_file(count: int) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["id", "text", "source"])
    for n, text in enumerate(texts(count, seed=11), start=1):
        # Quoted line breaks, commas and quotes inside the text: one row still.
        writer.writerow(["" if n % 7 == 0 else f"c{n}", f'{text},\n"quoted"\r\nline', "imdb"])
    return ("\ufeff" + out.getvalue()).encode() + b'c-bad,"unclosed quote\n'


# Characters of the reviews `long_reviews` writes: over the API's limit, at the bulk limit, over it.
OVER_API, AT_BULK, OVER_BULK = 10_001, 100_000, 100_001
# Over `max_record_bytes` at the default bulk limit (12 bytes a character, plus slack).
OVER_SIZE = 1_300_000


def review(chars: int, seed: int = 3) -> str:
    """A full-length review of exactly `chars` characters, real-shaped words all through."""
    rng, parts, size = random.Random(seed), [], 0
    while size < chars:
        parts.append(rng.choice(WORDS) + ". ")
        size += len(parts[-1])
    return "".join(parts)[:chars]


def long_reviews() -> tuple[bytes, dict[str, str]]:
    """JSONL of long reviews and over-size lines, and {id: what it gets ("label" or a code)}.

    Line 6 is over the byte limit with its id after the text, where no bounded read finds it:
    it is named by its line, 6.
    """
    huge = review(OVER_SIZE)
    lines = [
        {"id": "short", "text": "A moving, beautifully acted film."},
        {"id": "over-api", "text": review(OVER_API)},
        {"id": "at-bulk", "text": review(AT_BULK)},
        {"id": "over-bulk", "text": review(OVER_BULK)},
        {"id": 1234, "stars": 9, "text": huge},
        {"text": huge, "id": "late"},
        {"id": "huge", "text": huge},
    ]
    data = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
    expected = {
        "short": "label",
        "over-api": "label",
        "at-bulk": "label",
        "over-bulk": "validation_error",
        "1234": "payload_too_large",
        "6": "payload_too_large",
        "huge": "payload_too_large",
    }
    return data, expected


def long_csv() -> tuple[bytes, dict[str, str]]:
    """CSV (id column first) of a long review and over-size rows; as `long_reviews`."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(["id", "text"])
    writer.writerow(["c-long", review(AT_BULK)])
    writer.writerow(["c-huge", review(OVER_SIZE)])
    writer.writerow(["", review(OVER_SIZE)])  # no id: its data row, 3
    expected = {"c-long": "label", "c-huge": "payload_too_large", "3": "payload_too_large"}
    return out.getvalue().encode(), expected
