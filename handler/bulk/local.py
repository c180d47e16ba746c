"""A bulk job on this machine: every core scores chunks of the file, written in order, resumable.

The output is the AWS job's answers concatenated: the same lines, byte for byte. It is written
one whole chunk at a time and flushed, so after an interruption it holds the answers to the
file's first N records and nothing else; a rerun counts those lines, skips as many records and
carries on, so no record is scored twice and none is lost.
"""

from __future__ import annotations

import os
import signal
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from handler.bulk.heads import HEAD_BYTES
from handler.bulk.names import CHUNK, SCORE_BATCH
from handler.bulk.records import Format, format_of, header, scan
from handler.bulk.scoring import Answerer, Entry, limits_of, max_record_bytes
from handler.inference.predictor import LitePredictor
from handler.settings import load_settings

# Chunks in flight per worker: keeps every core busy without reading the whole file ahead.
AHEAD = 3


class ResumeError(RuntimeError):
    """The output cannot be the answers to this input (it has more lines than it has records)."""


@dataclass(frozen=True)
class Outcome:
    records: int  # in the input
    skipped: int  # already answered in the output when the run began
    written: int  # answered by this run


_answerer: Answerer | None = None


def _start_worker() -> None:
    # Ctrl-C reaches the whole process group; the parent alone decides what happens then.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _answerer
    settings = load_settings()
    _answerer = Answerer(LitePredictor.load(settings.model_dir), limits_of(settings))


def _score(entries: Sequence[Entry], fmt: Format, columns: Sequence[str]) -> bytes:
    assert _answerer is not None, "the worker was not started"
    return b"".join(_answerer.lines(entries, fmt, columns))


def complete_lines(output: Path) -> int:
    """Whole lines in `output` (0 if absent); a partly written last line is cut off."""
    if not output.exists():
        return 0
    with output.open("r+b") as f:
        data = f.read()
        end = data.rfind(b"\n") + 1
        if end != len(data):
            f.truncate(end)
    return data.count(b"\n", 0, end)


def count_records(path: Path, fmt: Format) -> int:
    with path.open("rb") as f:
        return sum(1 for record, _ in scan(f, fmt) if fmt == "jsonl" or record.n > 0)


def _entries(path: Path, fmt: Format, skip: int, limit: int) -> Iterator[tuple[list[str], Entry]]:
    """(header columns, entry) for each record after the first `skip`."""
    columns: list[str] = []
    position = 0
    with path.open("rb") as f:
        for record, raw in scan(f, fmt):
            if fmt == "csv" and record.n == 0:
                columns = header(raw)
                continue
            if position >= skip and len(raw) <= limit:
                yield columns, Entry(position, record.n, raw)
            elif position >= skip:
                yield columns, Entry(position, record.n, None, raw[:HEAD_BYTES])
            position += 1


def _chunks(
    path: Path, fmt: Format, skip: int, limit: int, size: int
) -> Iterator[tuple[list[str], list[Entry]]]:
    chunk: list[Entry] = []
    columns: list[str] = []
    for columns, entry in _entries(path, fmt, skip, limit):
        chunk.append(entry)
        # Chunks end on multiples of their size, so a resumed run's chunks match a fresh one's.
        if (entry.position + 1) % size == 0:
            yield columns, chunk
            chunk = []
    if chunk:
        yield columns, chunk


def run(
    source: Path,
    output: Path,
    *,
    workers: int | None = None,
    chunk: int = CHUNK,
    on_chunk: Callable[[int], None] = lambda _: None,
) -> Outcome:
    """Answer every record of `source` not yet answered in `output`; `on_chunk(lines)` per write.

    `chunk` (records per task) must be a multiple of SCORE_BATCH. KeyboardInterrupt propagates
    once the chunk being written is whole on disk.
    """
    if chunk <= 0 or chunk % SCORE_BATCH:
        raise ValueError(f"chunk must be a positive multiple of {SCORE_BATCH}")
    fmt = format_of(source.name)
    total = count_records(source, fmt)
    done = complete_lines(output)
    if done > total:
        raise ResumeError(f"{output} has {done} lines but {source} has only {total} records")
    workers = workers or len(os.sched_getaffinity(0))
    limit = max_record_bytes(limits_of(load_settings()))
    written = 0
    pending: deque[Future[bytes]] = deque()
    with (
        output.open("ab") as out,
        ProcessPoolExecutor(workers, initializer=_start_worker) as pool,
    ):
        try:
            for columns, entries in _chunks(source, fmt, done, limit, chunk):
                pending.append(pool.submit(_score, entries, fmt, columns))
                while len(pending) >= workers * AHEAD:
                    written += _write(out, pending.popleft(), on_chunk)
            while pending:
                written += _write(out, pending.popleft(), on_chunk)
        except BaseException:
            for future in pending:
                future.cancel()
            raise
    return Outcome(records=total, skipped=done, written=written)


def _write(out: BinaryIO, future: Future[bytes], on_chunk: Callable[[int], None]) -> int:
    data = future.result()
    lines = data.count(b"\n")
    # One write of whole lines, then flush: an interruption lands between chunks, not in one.
    out.write(data)
    out.flush()
    on_chunk(lines)
    return lines
