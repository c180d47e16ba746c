"""The bulk job's function (handler.bulk.aws) through the events the state machine sends, on moto S3.

The Map's ItemSelector makes each item `{"job", "record"}` and its ItemBatcher hands a child
execution `{"Items": [...]}` (infra/bulk.py); these tests build exactly that from the plan the
function wrote, and check the answers against the local CLI's, byte for byte.
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import botocore.endpoint
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from moto import mock_aws

from handler.bulk import aws, local
from handler.bulk.names import ENV_BUCKET
from handler.bulk.scoring import tally
from tests.handler.bulk_files import OVER_SIZE, csv_file, jsonl, long_csv, long_reviews
from tests.handler.conftest import EVENTS

BUCKET = "bulk-bucket"
# tests/events/*.json are API events (test_image sends each one to the API); S3's are in bulk/.
# Smaller batches than the stack's, so a small file makes several (any multiple of 64 works).
BATCH = 64


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        ENV_BUCKET: BUCKET,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with mock_aws():
        aws._s3.cache_clear()
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket=BUCKET)
        yield client
    aws._s3.cache_clear()


def _plan(s3: Any, key: str, data: bytes) -> dict[str, Any]:
    s3.put_object(Bucket=BUCKET, Key=key, Body=data)
    return aws.handler({"action": "plan", "key": key}, None)


def _batches(s3: Any, plan: dict[str, Any]) -> list[dict[str, Any]]:
    """The child executions' inputs: the plan's lines, through the ItemSelector, in batches."""
    body = s3.get_object(Bucket=BUCKET, Key=plan["plan_key"])["Body"].read()
    items = [{"job": plan["job"], "record": json.loads(line)} for line in body.splitlines()]
    return [{"Items": items[i : i + BATCH]} for i in range(0, len(items), BATCH)]


def _parts(s3: Any, job: str) -> list[str]:
    listed = s3.list_objects_v2(Bucket=BUCKET, Prefix=f"out/{job}/parts/")
    return [obj["Key"] for obj in listed.get("Contents", [])]


def _answers(s3: Any, job: str) -> bytes:
    return b"".join(
        s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() for key in sorted(_parts(s3, job))
    )


def _local(tmp_path: Path, name: str, data: bytes) -> bytes:
    source, out = tmp_path / name, tmp_path / "local-answers.jsonl"
    source.write_bytes(data)
    local.run(source, out, workers=1)
    return out.read_bytes()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        # A line too long to hold any valid text is refused without being read (but its head).
        ("reviews.jsonl", jsonl(150)[0] + b'{"id": "huge", "text": "' + b"x" * OVER_SIZE + b'"}\n'),
        ("reviews.csv", csv_file(100)),
    ],
)
def test_the_job_writes_the_local_clis_answers_byte_for_byte(
    s3: Any, tmp_path: Path, name: str, data: bytes
) -> None:
    plan = _plan(s3, f"in/{name}", data)
    batches = _batches(s3, plan)
    assert len(batches) > 1
    for event in batches:
        aws.handler(event, None)
    answers = _answers(s3, plan["job"])
    assert answers == _local(tmp_path, name, data)
    last = json.loads(answers.splitlines()[-1])
    assert "error" in last  # the huge line, the unclosed quote


def test_a_retried_batch_writes_the_same_object_again(s3: Any) -> None:
    plan = _plan(s3, "in/reviews.jsonl", jsonl(150)[0])
    batches = _batches(s3, plan)
    first = aws.handler(batches[1], None)
    before = s3.get_object(Bucket=BUCKET, Key=first["part"])["Body"].read()
    again = aws.handler(batches[1], None)
    assert again == first
    assert first["part"] == aws.part_key(plan["job"], BATCH)
    assert s3.get_object(Bucket=BUCKET, Key=first["part"])["Body"].read() == before
    assert _parts(s3, plan["job"]) == [first["part"]]  # one object, not two


def test_the_summary_counts_labels_errors_and_missing_batches(s3: Any) -> None:
    data, bad = jsonl(150)
    plan = _plan(s3, "in/reviews.jsonl", data)
    batches = _batches(s3, plan)
    for event in batches[:-1]:  # the last batch failed for good
        aws.handler(event, None)
    started = datetime.now(UTC).isoformat()
    summary = aws.handler({"action": "summarize", "job": plan["job"], "started": started}, None)
    stored = json.loads(
        s3.get_object(Bucket=BUCKET, Key=f"out/{plan['job']}/summary.json")["Body"].read()
    )
    assert stored == summary
    assert summary["records"] == 150
    assert summary["missing"] == len(batches[-1]["Items"])
    assert sum(summary["errors"].values()) == len(bad)
    assert sum(summary["labels"].values()) + len(bad) + summary["missing"] == 150
    assert set(summary["labels"]) == {"negative", "positive"}
    assert summary["model_version"]
    assert summary["duration_s"] >= 0
    assert summary["input"] == "in/reviews.jsonl"
    assert summary["parts"] == len(batches) - 1


def test_a_job_is_named_by_the_file_and_its_content(s3: Any) -> None:
    one = _plan(s3, "in/a/reviews.jsonl", b'{"text": "good"}\n')
    two = _plan(s3, "in/a/reviews.jsonl", b'{"text": "bad"}\n')
    assert one["job"].startswith("a/reviews.jsonl/")
    assert one["job"] != two["job"]
    assert one["records"] == 1


def test_the_key_of_an_s3_event_is_found_even_url_encoded(s3: Any) -> None:
    event = json.loads((EVENTS / "bulk" / "s3_object_created.json").read_text())
    s3.put_object(Bucket=BUCKET, Key="in/my reviews.jsonl", Body=b'{"text": "fine"}\n')
    # The state machine passes $.detail.object.key on as the plan's key (infra/bulk.py).
    plan = aws.handler({"action": "plan", "key": event["detail"]["object"]["key"]}, None)
    assert plan["records"] == 1
    assert plan["job"].startswith("my reviews.jsonl/")


def test_an_empty_file_plans_no_records(s3: Any) -> None:
    plan = _plan(s3, "in/empty.jsonl", b"\n\n")
    assert plan["records"] == 0
    summary = aws.handler(
        {"action": "summarize", "job": plan["job"], "started": datetime.now(UTC).isoformat()}, None
    )
    assert summary["records"] == summary["answered"] == summary["missing"] == 0


def test_a_file_of_another_kind_fails_the_job_with_a_clear_message(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key="in/notes.txt", Body=b"hello")
    with pytest.raises(aws.PlanError, match="must end in"):
        aws.handler({"action": "plan", "key": "in/notes.txt"}, None)


def test_no_event_or_result_carries_review_text(s3: Any) -> None:
    secret = "SECRET-REVIEW-TEXT"
    data = b"".join(
        json.dumps({"id": i, "text": f"{secret} {i} good"}).encode() + b"\n" for i in range(70)
    )
    plan = _plan(s3, "in/secret.jsonl", data)
    results = [aws.handler(event, None) for event in _batches(s3, plan)]
    for payload in (plan, *results, *_batches(s3, plan)):
        assert secret not in json.dumps(payload)


def _summarize(job: str) -> dict[str, Any]:
    return aws.handler(
        {"action": "summarize", "job": job, "started": datetime.now(UTC).isoformat()}, None
    )


@pytest.mark.parametrize(("name", "make"), [("long.jsonl", long_reviews), ("long.csv", long_csv)])
def test_long_reviews_and_over_size_lines_get_the_local_clis_answers(
    s3: Any, tmp_path: Path, name: str, make
) -> None:
    data, expected = make()
    plan = _plan(s3, f"in/{name}", data)
    for event in _batches(s3, plan):
        aws.handler(event, None)
    answers = _answers(s3, plan["job"])
    assert answers == _local(tmp_path, name, data)
    ids = [str(json.loads(line)["id"]) for line in answers.splitlines()]
    assert ids == list(expected)
    codes = [code for code in expected.values() if code != "label"]
    summary = _summarize(plan["job"])
    assert summary["errors"] == {code: codes.count(code) for code in sorted(set(codes))}
    assert sum(summary["labels"].values()) == len(expected) - len(codes)


# What S3 answers when it throttles, and when it fails inside (both retryable, per S3's docs).
SLOW_DOWN = (503, "SlowDown")
INTERNAL = (500, "InternalError")


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.data


class Faults:
    """S3's error as the answer to the next `times` calls of `operation`.

    botocore runs every `before-send` hook and takes the first answer, so moto still serves the
    call: a faulted PUT has stored its object, as S3 may have done when it answers 500.
    """

    def __init__(self, operation: str, error: tuple[int, str], times: int) -> None:
        self.status, self.code = error
        self.left, self.seen = times, 0
        aws._s3().meta.events.register_first(f"before-send.s3.{operation}", self)

    def __call__(self, request: Any, **_: Any) -> AWSResponse | None:
        if not self.left:
            return None
        self.left -= 1
        self.seen += 1
        body = f"<Error><Code>{self.code}</Code><Message>injected</Message></Error>".encode()
        return AWSResponse(request.url, self.status, {}, _Body(body))


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """botocore's backoff sleeps, recorded instead of slept."""
    slept: list[float] = []
    monkeypatch.setattr(botocore.endpoint, "time", types.SimpleNamespace(sleep=slept.append))
    return slept


ATTEMPTS = aws.S3_CONFIG.retries["total_max_attempts"]


def test_s3_throttling_and_500s_are_retried_and_the_batch_writes_the_same_part(
    s3: Any, sleeps: list[float]
) -> None:
    plan = _plan(s3, "in/reviews.jsonl", jsonl(150)[0])
    batch = _batches(s3, plan)[1]
    clean = aws.handler(batch, None)
    expected = s3.get_object(Bucket=BUCKET, Key=clean["part"])["Body"].read()
    s3.delete_object(Bucket=BUCKET, Key=clean["part"])
    faults = [
        Faults("GetObject", SLOW_DOWN, ATTEMPTS - 1),
        Faults("PutObject", INTERNAL, ATTEMPTS - 1),
    ]
    assert aws.handler(batch, None) == clean
    assert [f.seen for f in faults] == [ATTEMPTS - 1] * 2
    assert s3.get_object(Bucket=BUCKET, Key=clean["part"])["Body"].read() == expected
    # Backoff within the budget: at most 1 + 2 + 4 + 8 s a call, against a 15-minute function.
    assert len(sleeps) == 2 * (ATTEMPTS - 1)
    assert max(sleeps) <= 8
    assert sum(sleeps) <= 2 * 15


@pytest.mark.parametrize(
    ("operation", "error"), [("GetObject", SLOW_DOWN), ("PutObject", INTERNAL)]
)
def test_an_s3_fault_past_the_retries_fails_the_batch_and_a_rerun_writes_the_same_bytes(
    s3: Any, tmp_path: Path, sleeps: list[float], operation: str, error: tuple[int, str]
) -> None:
    data = jsonl(150)[0]
    plan = _plan(s3, "in/reviews.jsonl", data)
    batches = _batches(s3, plan)
    fault = Faults(operation, error, ATTEMPTS)
    with pytest.raises(ClientError) as raised:  # the batch fails: Step Functions retries it
        aws.handler(batches[0], None)
    assert raised.value.response["Error"]["Code"] == error[1]
    assert fault.seen == ATTEMPTS  # bounded: no more calls than botocore's attempts
    for event in batches:  # the retry, and the other batches
        aws.handler(event, None)
    assert _answers(s3, plan["job"]) == _local(tmp_path, "reviews.jsonl", data)


def test_a_rerun_after_a_partial_failure_counts_no_review_twice(
    s3: Any, tmp_path: Path, sleeps: list[float]
) -> None:
    data = jsonl(150)[0]
    plan = _plan(s3, "in/reviews.jsonl", data)
    batches = _batches(s3, plan)
    Faults("GetObject", SLOW_DOWN, ATTEMPTS)
    with pytest.raises(ClientError):
        aws.handler(batches[1], None)
    for event in (batches[0], batches[2]):
        aws.handler(event, None)
    partial = _summarize(plan["job"])
    assert partial["missing"] == len(batches[1]["Items"])
    # Step Functions retries the failed batch, and may run one that had written its part again
    # (a timeout after the write); summarize may run twice.
    for event in (batches[1], batches[0]):
        aws.handler(event, None)
    _summarize(plan["job"])
    summary = _summarize(plan["job"])
    clean = tally(_local(tmp_path, "reviews.jsonl", data).splitlines())
    assert (summary["records"], summary["answered"], summary["missing"]) == (150, 150, 0)
    assert summary["labels"] == dict(clean.labels)
    assert summary["errors"] == dict(sorted(clean.errors.items()))
