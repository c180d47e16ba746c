"""Records to answer lines: the shared request contract (with bulk's own text limit), the answer
builder's model call, the API's fields.

Both the local CLI (`python -m handler.bulk`) and the AWS job's batch function call `Answerer.lines`,
so a record gets the same bytes wherever it is scored: one compact JSON object a line, keys in a
fixed order, probability rounded as the API rounds it (`handler.answers.prediction`).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from pydantic import ValidationError

from handler.answers import text_predictions
from handler.bulk.heads import head_id
from handler.bulk.names import SCORE_BATCH
from handler.bulk.records import Format, fields
from handler.constants import LABELS
from handler.inference.predictor import Predictor
from handler.inference.text import LONE_SURROGATE
from handler.requests import Limits, PredictRequest, describe, request_models
from handler.settings import Settings

# A record longer than this cannot hold a valid text (a code point is at most 6 bytes as a JSON
# escape, 12 as an escaped surrogate pair) and is refused before it is read or decoded.
SLACK_BYTES = 4096


class Entry(NamedTuple):
    """One record to answer: its position in the file's records, its `n`, its bytes (None: too long).

    A record too long to read has its first bytes (`heads.HEAD_BYTES`) in `head`, for its id.
    """

    position: int
    n: int
    raw: bytes | None
    head: bytes = b""


def limits_of(settings: Settings) -> Limits:
    """The API's request limits with these settings, but the bulk job's own text limit."""
    limits = Limits.of(settings, max_explained_words=0)
    return limits.model_copy(update={"max_text_chars": settings.bulk_max_text_chars})


def max_record_bytes(limits: Limits) -> int:
    return 12 * limits.max_text_chars + SLACK_BYTES


class Answerer:
    """Scores entries with one predictor and the API's request model for one text."""

    def __init__(self, predictor: Predictor, limits: Limits) -> None:
        self._predictor = predictor
        self._model: type[PredictRequest] = request_models(limits).predict
        self.max_bytes = max_record_bytes(limits)

    def lines(self, entries: Sequence[Entry], fmt: Format, columns: Sequence[str]) -> list[bytes]:
        """One answer line per entry, in order (each ends in a newline)."""
        out: list[dict[str, Any]] = []
        texts: dict[int, list[tuple[int, str]]] = {}  # score group -> (index in out, text)
        for entry in entries:
            if entry.raw is None:
                ident = head_id(entry.head, entry.n, fmt, columns)
                message = f"the record is over {self.max_bytes} bytes"
                out.append(_error(ident, "payload_too_large", message))
                continue
            found = fields(entry.raw, entry.n, fmt, columns)
            if found.error or found.text is None:
                code, message = found.error or ("validation_error", "text: field required")
                out.append(_error(found.id, code, message))
                continue
            try:
                text = self._model.model_validate({"text": found.text}).text
            except ValidationError as exc:
                out.append(_error(found.id, "validation_error", describe(exc.errors())))
                continue
            out.append({"id": found.id})
            texts.setdefault(entry.position // SCORE_BATCH, []).append((len(out) - 1, text))
        version = self._predictor.model_version
        for group in texts.values():
            scored = text_predictions(self._predictor, [text for _, text in group]).body
            for (index, _), answer in zip(group, scored, strict=True):
                out[index] |= {**answer, "model_version": version}
        return [encode(line) for line in out]


def _error(ident: int | str, code: str, message: str) -> dict[str, Any]:
    return {"id": ident, "error": {"code": code, "message": message}}


def encode(line: dict[str, Any]) -> bytes:
    """One answer as its line: compact JSON, UTF-8, keys in the order built, a newline."""
    ident = line.get("id")
    if isinstance(ident, str):  # an id may carry half a surrogate pair, which UTF-8 cannot hold
        line = {**line, "id": LONE_SURROGATE.sub("\ufffd", ident)}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


class Tally(NamedTuple):
    """Counts of answer lines: by label, and errors by code."""

    labels: Counter[str]
    errors: Counter[str]
    model_versions: Counter[str]


def tally(lines: Iterable[bytes]) -> Tally:
    """What a run of answer lines holds (the job summary's counts)."""
    labels: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    versions: Counter[str] = Counter()
    for line in lines:
        answer = json.loads(line)
        if "error" in answer:
            errors[answer["error"]["code"]] += 1
        else:
            labels[answer["label"]] += 1
            versions[answer["model_version"]] += 1
    return Tally(labels, errors, versions)


def summary(found: Tally, records: int, seconds: float) -> dict[str, Any]:
    """The job summary: counts by label and error, model version(s), duration, records missing."""
    answered = sum(found.labels.values()) + sum(found.errors.values())
    return {
        "records": records,
        "answered": answered,
        "missing": records - answered,
        "labels": {label: found.labels[label] for label in LABELS},
        "errors": dict(sorted(found.errors.items())),
        "model_version": ",".join(sorted(found.model_versions)),
        "duration_s": round(seconds, 3),
    }
