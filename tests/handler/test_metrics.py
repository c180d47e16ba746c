"""The EMF metrics: one parsable line per invocation, the right counts, nothing outside Lambda."""

from __future__ import annotations

import json
from collections.abc import Callable
from types import SimpleNamespace

import pytest

from handler import constants, lambda_function
from handler.inference.predictor import LitePredictor
from handler.observability import logs, metrics
from tests.handler.conftest import LAMBDA_CONTEXT, load_event


def emf_lines(out: str) -> list[dict]:
    """Every stdout line that is an EMF blob of the model's metrics, parsed (ColdStart aside)."""
    blobs = [blob for blob in _blobs(out) if constants.METRIC_COLD_START not in blob]
    for blob in blobs:
        (directive,) = blob["_aws"]["CloudWatchMetrics"]
        assert directive["Dimensions"] == [[constants.METRIC_DIMENSION]]
    return blobs


def cold_start_lines(out: str) -> list[dict]:
    """Powertools' ColdStart blobs: a line of their own, by function name."""
    blobs = [blob for blob in _blobs(out) if constants.METRIC_COLD_START in blob]
    for blob in blobs:
        (directive,) = blob["_aws"]["CloudWatchMetrics"]
        assert directive["Dimensions"] == [[constants.METRIC_COLD_START_DIMENSION]]
        assert [m["Name"] for m in directive["Metrics"]] == [constants.METRIC_COLD_START]
        assert blob[constants.METRIC_COLD_START] == [1.0]
    return blobs


def _blobs(out: str) -> list[dict]:
    blobs = [json.loads(line) for line in out.splitlines() if line.startswith('{"_aws"')]
    for blob in blobs:
        (directive,) = blob["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == constants.METRIC_NAMESPACE
        for definition in directive["Metrics"]:
            assert definition["Unit"] == "Count"
            assert all(isinstance(v, float) for v in blob[definition["Name"]])
    return blobs


@pytest.fixture
def fresh_container(cold_container, monkeypatch):
    """A container that has served nothing yet, for model `m-1`.

    Powertools Metrics' state is shared by every instance, so the model is swapped in place (a
    second `configure` would warn) and put back afterwards.
    """
    shared = metrics._metrics
    monkeypatch.setitem(shared.default_dimensions, constants.METRIC_DIMENSION, "m-1")
    monkeypatch.setitem(shared.dimension_set, constants.METRIC_DIMENSION, "m-1")


def invoke(work: Callable[[], object] = lambda: None, status: int | None = 200) -> None:
    """One invocation of an entry point wrapped like the real one, that does `work` and answers
    `status` (None: it raises, as a failing adapter would)."""

    @metrics.collected
    def entry(event: dict, context: object) -> dict:
        work()
        if status is None:
            raise RuntimeError("the adapter failed")
        return {"statusCode": status}

    try:
        entry({}, LAMBDA_CONTEXT)
    except RuntimeError:
        assert status is None


def test_bucket_names_cover_zero_to_one():
    assert constants.METRIC_BUCKETS == (
        "Probability00To20",
        "Probability20To40",
        "Probability40To60",
        "Probability60To80",
        "Probability80To100",
    )


def test_one_invocation_prints_one_blob_with_every_count(fresh_container, capsys):
    probabilities = [0.0, 0.2, 0.41, 0.5, 0.6, 0.61, 0.99, 1.0]
    invoke(lambda: metrics.record(probabilities, [5, 60, 7, 8, 9, 10, 11, 12]))
    out = capsys.readouterr().out
    (blob,) = emf_lines(out)
    assert blob[constants.METRIC_DIMENSION] == "m-1"
    assert blob[constants.METRIC_POSITIVE] == [5.0]  # 0.5 and above
    assert blob[constants.METRIC_NEGATIVE] == [3.0]
    assert blob[constants.METRIC_NEAR_THRESHOLD] == [3.0]  # 0.41, 0.5, 0.6 (0.1 away); not 0.61
    assert [blob[name] for name in constants.METRIC_BUCKETS] == [[1.0], [1.0], [2.0], [2.0], [2.0]]
    assert blob[constants.METRIC_BATCH_SIZE] == [8.0]
    assert blob[constants.METRIC_TEXT_LENGTH] == [(5 + 60 + 7 + 8 + 9 + 10 + 11 + 12) / 8]
    assert blob[constants.METRIC_SERVER_ERROR] == [0.0]
    assert constants.METRIC_COLD_START not in blob
    (cold,) = cold_start_lines(out)
    assert cold[constants.METRIC_COLD_START_DIMENSION] == LAMBDA_CONTEXT.function_name


def test_cold_start_is_counted_once_and_a_5xx_is_a_server_error(fresh_container, capsys):
    invoke(status=200)
    invoke(status=503)
    invoke(status=None)  # the adapter raised: no status, counted as an error
    out = capsys.readouterr().out
    assert len(cold_start_lines(out)) == 1
    first, second, third = emf_lines(out)
    assert [b[constants.METRIC_SERVER_ERROR] for b in (first, second, third)] == [
        [0.0],
        [1.0],
        [1.0],
    ]


def test_outside_an_invocation_nothing_is_recorded(fresh_container, capsys):
    metrics.record([0.9], [10])
    invoke()
    (blob,) = emf_lines(capsys.readouterr().out)
    assert constants.METRIC_POSITIVE not in blob


def test_zero_counts_are_left_out(fresh_container, capsys):
    invoke(lambda: metrics.record([0.95], [12]))
    (blob,) = emf_lines(capsys.readouterr().out)
    assert blob[constants.METRIC_POSITIVE] == [1.0]
    assert blob["Probability80To100"] == [1.0]
    assert constants.METRIC_NEGATIVE not in blob
    assert constants.METRIC_NEAR_THRESHOLD not in blob
    assert not set(constants.METRIC_BUCKETS[:-1]) & set(blob)
    assert blob[constants.METRIC_TEXT_LENGTH] == [12.0]


def test_requests_past_100_values_are_split_into_valid_blobs(fresh_container, capsys):
    # EMF allows 100 values per metric; Powertools prints a full set early, dimension included.
    invoke(lambda: [metrics.record([0.9], [3]) for _ in range(150)])
    blobs = emf_lines(capsys.readouterr().out)
    sizes = [v for b in blobs for v in b.get(constants.METRIC_BATCH_SIZE, [])]
    assert len(sizes) == 150
    assert all(len(b.get(constants.METRIC_BATCH_SIZE, [])) <= 100 for b in blobs)
    assert all(b[constants.METRIC_DIMENSION] == "m-1" for b in blobs)


@pytest.fixture
def function_version(monkeypatch):
    """The version Lambda names in the environment, on the log lines from the next configure."""
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_VERSION", LAMBDA_CONTEXT.function_version)
    logs.configure("INFO")
    yield LAMBDA_CONTEXT.function_version
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_VERSION")
    logs.configure("INFO")


def log_lines(out: str) -> list[dict]:
    """The service's own log lines (EMF blobs aside), parsed."""
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return [line for line in lines if "_aws" not in line]


def test_the_handler_emits_the_shipped_model_version(cold_container, function_version, capsys):
    capsys.readouterr()
    event = load_event("http_api_v2_predict.json")
    response = lambda_function.handler(event, LAMBDA_CONTEXT)
    out = capsys.readouterr().out
    (blob,) = emf_lines(out)
    assert blob[constants.METRIC_DIMENSION] == json.loads(response["body"])["model_version"]
    label = json.loads(response["body"])["label"]
    assert blob[
        constants.METRIC_POSITIVE if label == "positive" else constants.METRIC_NEGATIVE
    ] == [1.0]
    (cold,) = cold_start_lines(out)
    assert cold[constants.METRIC_COLD_START_DIMENSION] == LAMBDA_CONTEXT.function_name
    (request,) = [line for line in log_lines(out) if line["message"] == "request"]
    assert request["function_version"] == function_version
    assert request["correlation_id"] == event["requestContext"]["requestId"]
    assert request["function_request_id"] == LAMBDA_CONTEXT.aws_request_id
    assert request["function_name"] == LAMBDA_CONTEXT.function_name
    assert request["cold_start"] is True
    assert request["service"] == constants.SERVICE_NAME


def test_no_review_text_reaches_a_metric_or_a_log_line(cold_container, monkeypatch, capsys):
    marker = "MY PRIVATE REVIEW TEXT"
    event = load_event("http_api_v2_predict.json")
    event["body"] = json.dumps({"text": marker})
    event["headers"]["content-length"] = str(len(event["body"]))
    capsys.readouterr()
    ok = lambda_function.handler(event, LAMBDA_CONTEXT)

    def leaky(self, texts):
        raise ValueError(f"cannot handle {texts[0]!r}")

    monkeypatch.setattr(LitePredictor, "predict", leaky)
    failed = lambda_function.handler(event, LAMBDA_CONTEXT)
    assert (ok["statusCode"], failed["statusCode"]) == (200, 500)
    logged = capsys.readouterr()
    assert marker not in logged.out + logged.err
    # The lines are there, so their lack of text means something: both requests, the error (the
    # request log sees it first), each invocation's counts and the container's one cold start.
    events = [(line["message"], line.get("status")) for line in log_lines(logged.out)]
    assert events == [("request", 200), ("request", 500), ("unexpected_error", None)]
    blobs = emf_lines(logged.out)
    assert [b[constants.METRIC_SERVER_ERROR] for b in blobs] == [[0.0], [1.0]]
    assert len(cold_start_lines(logged.out)) == 1


def test_no_setting_makes_powertools_log_the_event(monkeypatch, capsys):
    # Powertools logs each whole event when POWERTOOLS_LOGGER_LOG_EVENT is true, unless told not to.
    monkeypatch.setenv("POWERTOOLS_LOGGER_LOG_EVENT", "true")
    marker = "MY PRIVATE REVIEW TEXT"
    event = {**load_event("http_api_v2_predict.json"), "body": json.dumps({"text": marker})}
    capsys.readouterr()
    logs.lambda_context(lambda event, context: logs.event("request"))(event, LAMBDA_CONTEXT)
    out = capsys.readouterr().out
    assert [line["message"] for line in log_lines(out)] == ["request"]
    assert marker not in out


def test_the_entry_point_takes_a_partial_context_or_none(warm_container, capsys):
    # Lambda always passes a whole context; local runs, tests and the benchmark may not.
    event = load_event("http_api_v2_predict.json")
    for context in (None, SimpleNamespace(aws_request_id="only-this")):
        assert lambda_function.handler(event, context)["statusCode"] == 200
    first, second = [line for line in log_lines(capsys.readouterr().out)]
    assert first["function_name"] == second["function_name"] == "UNDEFINED"
    assert "function_request_id" not in first
    assert len(first["request_id"]) == 36  # made up by the request log, as outside Lambda
    assert second["request_id"] == second["function_request_id"] == "only-this"
