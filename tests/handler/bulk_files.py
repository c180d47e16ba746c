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
        21: (b'{"id": "x21", "text": "' + b"a" * 10_001 + b'"}', "validation_error"),
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
