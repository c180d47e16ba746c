"""Where each word of a text is: code-point offsets into the text as the client sent it.

`handler.inference.text.words` reads a normalised text (NFKC, lowercase, unified apostrophes,
`<br />` breaks removed), which can be longer or shorter than the original: a ligature becomes
two letters, a decomposed accent one. Here the text is normalised piece by piece, each piece
remembering the span it came from, so every word `words()` finds gets the offsets of the
characters it was read from (the same words, in the same order: `tests/handler/test_offsets.py`).

A piece is a character with the combining marks after it; where normalising the pieces one by
one would not give what normalising their whitespace-free run gives (Hangul jamo composing, a
final sigma), the whole run is one piece. Whitespace ends every piece, since no normalisation
step reads across it.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict

import numpy as np

from handler.inference.text import LINE_BREAK, LONE_SURROGATE, TOKEN, fold

Span = tuple[int, int]
# Whitespace-free runs, and in the whitespace between them ASCII stretches and single other
# characters. Plain scans: a pattern that searched for a run around a non-ASCII character
# backtracked over every ASCII run, quadratic in its length.
_RUN = re.compile(r"\S+")
_GAP = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]")


class _Folded:
    """A normalised text, and for each of its characters the span of the original it came from."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []

    def add(self, folded: str, start: int, end: int) -> None:
        self.parts.append(folded)
        self.starts.extend([start] * len(folded))
        self.ends.extend([end] * len(folded))

    def add_ascii(self, text: str, at: int) -> None:
        """ASCII folds one character for one: lower() and the apostrophes only."""
        self.parts.append(fold(text))
        self.starts.extend(range(at, at + len(text)))
        self.ends.extend(range(at + 1, at + len(text) + 1))

    def add_gap(self, gap: str, at: int) -> None:
        """What lies between two non-ASCII runs: ASCII, and whitespace beyond it (U+00A0, ...)."""
        if gap.isascii():
            self.add_ascii(gap, at)
            return
        for part in _GAP.finditer(gap):
            if part.group().isascii():
                self.add_ascii(part.group(), at + part.start())
            else:
                self.add_run(part.group(), at + part.start())

    def add_run(self, run: str, at: int) -> None:
        cuts = [i for i, c in enumerate(run) if i == 0 or not unicodedata.combining(c)]
        pieces = [run[a:b] for a, b in zip(cuts, [*cuts[1:], len(run)], strict=True)]
        each = [fold(p) for p in pieces]
        if "".join(each) != fold(run):
            self.add(fold(run), at, at + len(run))
            return
        for cut, piece, text in zip(cuts, pieces, each, strict=True):
            self.add(text, at + cut, at + cut + len(piece))


def word_spans(text: str) -> list[tuple[str, Span]]:
    """Each token of `words(text)`, in order, with the (start, end) code-point offsets in `text`
    of the characters it was read from."""
    safe = LONE_SURROGATE.sub(" ", text)  # one for one, as `normalise` does
    found, last = _Folded(), 0
    for run in _RUN.finditer(safe):
        if run.group().isascii():
            continue  # folded with the ASCII around it
        found.add_gap(safe[last : run.start()], last)
        found.add_run(run.group(), run.start())
        last = run.end()
    found.add_gap(safe[last:], last)
    folded = "".join(found.parts)
    starts, ends = np.array(found.starts, np.int64), np.array(found.ends, np.int64)
    if folded != fold(safe):  # a guard only: every word then spans the whole text
        folded = fold(safe)
        starts, ends = np.zeros(len(folded), np.int64), np.full(len(folded), len(text), np.int64)
    # As `normalise`, until none is left (removing "<br>" from "<br<br>>" makes one). Each round
    # keeps a break's first character, as the space it becomes, spanning the whole break.
    while breaks := [brk.span() for brk in LINE_BREAK.finditer(folded)]:
        keep = np.ones(len(folded), bool)
        for a, b in breaks:
            keep[a + 1 : b] = False
            ends[a] = ends[b - 1]
        folded = LINE_BREAK.sub(" ", folded)
        starts, ends = starts[keep], ends[keep]
    return [
        (m.group(), (int(starts[m.start()]), int(ends[m.end() - 1])))
        for m in TOKEN.finditer(folded)
    ]


def occurrences(text: str) -> dict[str, list[Span]]:
    """word -> the spans of its every copy in `text`, in text order."""
    found: defaultdict[str, list[Span]] = defaultdict(list)
    for word, span in word_spans(text):
        found[word].append(span)
    return dict(found)
