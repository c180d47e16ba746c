"""`python -m handler.bulk INPUT OUTPUT`: answer every review of a JSONL or CSV file, on all cores.

INPUT is `.jsonl`/`.ndjson` (one `{"id": ..., "text": ...}` a line) or `.csv` (a header with a
`text` column, optionally `id`). OUTPUT gets one answer line per record, in order: the lines an
AWS bulk job writes. Interrupted (Ctrl-C), the same command carries on where it stopped. A text
may have up to 100,000 characters by default (SENTIMENT_BULK_MAX_TEXT_CHARS); the rules are
in docs/api-contract.md, "Bulk jobs".
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from handler.bulk.local import ResumeError, complete_lines, count_records, run
from handler.bulk.names import CHUNK
from handler.bulk.records import FormatError, format_of
from handler.errors import StartupError

EXIT_INTERRUPTED = 130


class Meter:
    """A one-line progress meter on stderr: done/total, rate, time left.

    Not tqdm: that is a training dependency, and this command must run on the image's packages.
    """

    def __init__(self, total: int, done: int, stream: TextIO = sys.stderr) -> None:
        self.total, self.done, self.stream = total, done, stream
        self._start, self._base, self._shown = time.monotonic(), done, 0.0

    def __call__(self, lines: int) -> None:
        self.done += lines
        now = time.monotonic()
        if now - self._shown >= 0.5 or self.done >= self.total:
            self._shown = now
            rate = (self.done - self._base) / max(now - self._start, 1e-9)
            left = (self.total - self.done) / rate if rate else 0.0
            share = self.done / self.total if self.total else 1.0
            self.stream.write(
                f"\r{self.done:,}/{self.total:,} records {share:6.1%}  {rate:,.0f}/s  "
                f"{left:,.0f} s left "
            )
            self.stream.flush()

    def close(self) -> None:
        self.stream.write("\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m handler.bulk",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("input", type=Path, help="a .jsonl, .ndjson or .csv file")
    parser.add_argument("output", type=Path, help="the answers (JSONL); resumed if it exists")
    parser.add_argument("--workers", type=int, default=None, help="processes (default: all cores)")
    parser.add_argument(
        "--chunk", type=int, default=CHUNK, help="records per task, a multiple of 64 (%(default)s)"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress meter")
    args = parser.parse_args(argv)
    if not args.input.is_file():
        parser.error(f"{args.input}: no such file")
    try:
        fmt = format_of(args.input.name)
    except FormatError as exc:
        parser.error(str(exc))
    meter = Meter(count_records(args.input, fmt), complete_lines(args.output), sys.stderr)
    try:
        outcome = run(
            args.input,
            args.output,
            workers=args.workers,
            chunk=args.chunk,
            on_chunk=(lambda _: None) if args.quiet else meter,
        )
    except KeyboardInterrupt:
        meter.close()
        print("interrupted; run the same command again to carry on", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ResumeError, StartupError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.quiet:
        meter.close()
    print(
        f"{outcome.written:,} records answered, {outcome.skipped:,} already in {args.output}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
