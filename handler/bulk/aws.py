"""The bulk job's Lambda function (infra/bulk.py): plan, score a batch, summarise.

Same image as the API, another entry point (`handler.bulk.aws.handler`). The state machine calls
it three ways, named by the event's `action`:

- `plan`: read the file once and write `out/<job>/plan.jsonl`, one `{"i", "n", "s", "e"}` a
  record (position, line or row, byte range). The Distributed Map reads that plan, not the file:
  its own JSONL reader stops the whole run at the first line that is not JSON, and the same
  parser on both sides is what makes the AWS answers and the local CLI's the same bytes.
- `score`: one ItemBatcher batch (`{"Items": [{"job", "record"}, ...]}`, each item as the Map's
  ItemSelector makes it); reads the job's `job.json` and its records' byte ranges, and writes
  their answers to `out/<job>/parts/<first position>.jsonl`. The key depends only on the
  batch's records, so a retried batch writes the same object again.
- `summarize`: counts the parts' answers and writes `out/<job>/summary.json`.

Events and results carry offsets, counts and names only, never review text.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import cache
from typing import Any, Final
from urllib.parse import unquote_plus

import boto3
from botocore.config import Config

from handler.bulk.heads import HEAD_BYTES
from handler.bulk.names import ENV_BUCKET, IN_PREFIX, OUT_PREFIX
from handler.bulk.records import format_of, header, lines_of, scan
from handler.bulk.scoring import Answerer, Entry, Tally, limits_of, summary, tally
from handler.inference.predictor import LitePredictor
from handler.settings import load_settings

READ_CHUNK: Final = 8 * 1024 * 1024
# A CSV header travels in every batch's input, whose whole payload Step Functions caps at 256 KiB.
MAX_HEADER_BYTES: Final = 8 * 1024
# S3's throttling (503 SlowDown), its 500s and timeouts are retried here, call by call, by
# botocore's standard mode: a few attempts with jittered exponential backoff and a retry quota
# per container that stops retrying while S3 keeps failing, each attempt bounded by the timeouts
# below. A batch makes a few calls (its byte range, one ranged read per record over the byte
# limit, the part it writes); the container's quota bounds how long a failing S3 can hold them
# all. Past that a call raises, the batch fails as a whole and the state machine's Retry runs it
# again (infra/bulk.py); it rewrites the same part, so no loop of our own multiplies the attempts.
# tests/handler/test_bulk_aws.py holds the attempts and the backoff.
S3_CONFIG: Final = Config(
    retries={"mode": "standard", "total_max_attempts": 5}, connect_timeout=5, read_timeout=20
)


class PlanError(ValueError):
    """The file cannot be a job's input (name, header); the execution fails with this message."""


@cache
def _s3() -> Any:
    return boto3.client("s3", config=S3_CONFIG)


@cache
def _answerer() -> Answerer:
    settings = load_settings()
    return Answerer(LitePredictor.load(settings.model_dir), limits_of(settings))


def handler(event: Mapping[str, Any], context: object) -> dict[str, Any]:
    bucket = os.environ[ENV_BUCKET]
    if "Items" in event:
        items = event["Items"]
        return score(bucket, str(items[0]["job"]), [item["record"] for item in items])
    action = event.get("action")
    if action == "plan":
        return plan(bucket, str(event["key"]))
    if action == "summarize":
        return summarize(bucket, str(event["job"]), str(event["started"]))
    raise ValueError(f"unknown action {action!r}")


def job_of(key: str, etag: str) -> str:
    """`out/<job>/`'s name: the key after `in/`, and the content's ETag (a new upload, a new job)."""
    return key.removeprefix(IN_PREFIX) + "/" + etag.strip('"')


def _head(bucket: str, key: str) -> tuple[str, Mapping[str, Any]]:
    # S3 URL-encodes keys in some notifications; try the key as given first.
    s3 = _s3()
    try:
        return key, s3.head_object(Bucket=bucket, Key=key)
    except s3.exceptions.ClientError:
        decoded = unquote_plus(key)
        if decoded == key:
            raise
        return decoded, s3.head_object(Bucket=bucket, Key=decoded)


def plan(bucket: str, key: str) -> dict[str, Any]:
    """Write the plan of `key` and return what the Map and the summary need."""
    key, head = _head(bucket, key)
    try:
        fmt = format_of(key)
    except ValueError as exc:
        raise PlanError(str(exc)) from None
    job = job_of(key, str(head["ETag"]))
    body = _s3().get_object(Bucket=bucket, Key=key)["Body"]
    columns: list[str] = []
    records = 0
    with tempfile.TemporaryFile() as plan_file:
        for record, raw in scan(lines_of(body.iter_chunks(READ_CHUNK)), fmt):
            if fmt == "csv" and record.n == 0:
                if len(raw) > MAX_HEADER_BYTES:
                    raise PlanError(f"the CSV header is over {MAX_HEADER_BYTES} bytes")
                columns = header(raw)
                continue
            item = {"i": records, "n": record.n, "s": record.start, "e": record.end}
            plan_file.write(json.dumps(item, separators=(",", ":")).encode() + b"\n")
            records += 1
        plan_file.seek(0)
        plan_key = f"{OUT_PREFIX}{job}/plan.jsonl"
        _s3().upload_fileobj(plan_file, bucket, plan_key)
    about = {"key": key, "format": fmt, "columns": columns, "records": records}
    _put_json(bucket, f"{OUT_PREFIX}{job}/job.json", about)
    return {"bucket": bucket, "job": job, "records": records, "plan_key": plan_key}


def _put_json(bucket: str, key: str, value: object) -> None:
    body = json.dumps(value, indent=2, ensure_ascii=False).encode() + b"\n"
    _s3().put_object(Bucket=bucket, Key=key, Body=body, ContentType="application/json")


def _job(bucket: str, job: str) -> dict[str, Any]:
    body = _s3().get_object(Bucket=bucket, Key=f"{OUT_PREFIX}{job}/job.json")["Body"].read()
    return dict(json.loads(body))


def part_key(job: str, first: int) -> str:
    """Where the answers of the batch starting at record `first` go (sorts in input order)."""
    return f"{OUT_PREFIX}{job}/parts/{first:012d}.jsonl"


def score(bucket: str, job: str, items: Sequence[Mapping[str, int]]) -> dict[str, Any]:
    """Answer one batch of plan items; write them as one object; return their counts."""
    answerer = _answerer()
    about = _job(bucket, job)
    ordered = sorted(items, key=lambda item: item["i"])
    entries = list(_entries(bucket, about["key"], ordered, answerer.max_bytes))
    lines = answerer.lines(entries, about["format"], about["columns"])
    key = part_key(job, ordered[0]["i"])
    _s3().put_object(
        Bucket=bucket, Key=key, Body=b"".join(lines), ContentType="application/x-ndjson"
    )
    found = tally(lines)
    return {"part": key, "answers": len(lines), "errors": sum(found.errors.values())}


def _entries(
    bucket: str, key: str, items: Sequence[Mapping[str, int]], limit: int
) -> Iterator[Entry]:
    """Each item's bytes, from one ranged GET per run of records short enough to read."""
    run: list[Mapping[str, int]] = []
    for item in [*items, None]:
        if item is not None and item["e"] - item["s"] <= limit:
            run.append(item)
            continue
        if run:
            start, end = run[0]["s"], run[-1]["e"]
            data = _s3().get_object(Bucket=bucket, Key=key, Range=f"bytes={start}-{end - 1}")
            body = data["Body"].read()
            for r in run:
                yield Entry(r["i"], r["n"], body[r["s"] - start : r["e"] - start])
            run = []
        if item is not None:  # too long: answered with an error; only its head is read, for its id
            end = min(item["e"], item["s"] + HEAD_BYTES) - 1
            head = _s3().get_object(Bucket=bucket, Key=key, Range=f"bytes={item['s']}-{end}")
            yield Entry(item["i"], item["n"], None, head["Body"].read())


def summarize(bucket: str, job: str, started: str) -> dict[str, Any]:
    """Count the answers in every part of `job` and write `summary.json` beside them.

    Parts are listed rather than remembered: a batch that failed for good (within the Map's
    tolerated share) shows up as `missing` records instead of going unnoticed.
    """
    prefix = f"{OUT_PREFIX}{job}/parts/"
    keys = [
        obj["Key"]
        for page in _s3().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for obj in page.get("Contents", [])
    ]

    def count(key: str) -> Tally:
        body = _s3().get_object(Bucket=bucket, Key=key)["Body"].read()
        return tally(body.splitlines())

    total = Tally(Counter(), Counter(), Counter())
    with ThreadPoolExecutor(16) as pool:
        for part in pool.map(count, keys):
            for mine, theirs in zip(total, part, strict=True):
                mine.update(theirs)
    about = _job(bucket, job)
    seconds = (datetime.now(UTC) - datetime.fromisoformat(started)).total_seconds()
    result = {
        "job": job,
        "input": about["key"],
        "answers": prefix,
        "parts": len(keys),
        **summary(total, int(about["records"]), seconds),
    }
    _put_json(bucket, f"{OUT_PREFIX}{job}/summary.json", result)
    return result
