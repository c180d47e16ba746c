"""The EMF metrics: one parsable line per invocation, the right counts, nothing outside Lambda."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from handler import constants, lambda_function, metrics
from handler.predictor import LitePredictor
from tests.handler.conftest import load_event

CONTEXT = SimpleNamespace(aws_request_id="req-1", function_version="12")


def emf_lines(out: str) -> list[dict]:
    """Every stdout line that is an EMF blob, parsed."""
    blobs = [json.loads(line) for line in out.splitlines() if line.startswith('{"_aws"')]
    for blob in blobs:
        (directive,) = blob["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == constants.METRIC_NAMESPACE
        assert directive["Dimensions"] == [[constants.METRIC_DIMENSION]]
        for definition in directive["Metrics"]:
            assert definition["Unit"] == "Count"
            assert all(isinstance(v, float) for v in blob[definition["Name"]])
    return blobs


@pytest.fixture
def fresh_container(monkeypatch):
    """A container that has served nothing yet, for model `m-1`."""
    monkeypatch.setattr(metrics, "_container", metrics._Container(model_version="m-1"))


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
    with metrics.invocation() as outcome:
        metrics.record(probabilities, [5, 60, 7, 8, 9, 10, 11, 12])
        outcome["status"] = 200
    (blob,) = emf_lines(capsys.readouterr().out)
    assert blob[constants.METRIC_DIMENSION] == "m-1"
    assert blob[constants.METRIC_POSITIVE] == [5.0]  # 0.5 and above
    assert blob[constants.METRIC_NEGATIVE] == [3.0]
    assert blob[constants.METRIC_NEAR_THRESHOLD] == [3.0]  # 0.41, 0.5, 0.6 (0.1 away); not 0.61
    assert [blob[name] for name in constants.METRIC_BUCKETS] == [[1.0], [1.0], [2.0], [2.0], [2.0]]
    assert blob[constants.METRIC_BATCH_SIZE] == [8.0]
    assert blob[constants.METRIC_TEXT_LENGTH] == [(5 + 60 + 7 + 8 + 9 + 10 + 11 + 12) / 8]
    assert blob[constants.METRIC_COLD_START] == [1.0]
    assert blob[constants.METRIC_SERVER_ERROR] == [0.0]


def test_cold_start_is_counted_once_and_a_5xx_is_a_server_error(fresh_container, capsys):
    with metrics.invocation() as outcome:
        outcome["status"] = 200
    with metrics.invocation() as outcome:
        outcome["status"] = 503
    with metrics.invocation():
        pass  # the adapter raised: no status, counted as an error
    first, second, third = emf_lines(capsys.readouterr().out)
    assert first[constants.METRIC_COLD_START] == [1.0]
    assert constants.METRIC_COLD_START not in second
    assert constants.METRIC_COLD_START not in third
    assert [b[constants.METRIC_SERVER_ERROR] for b in (first, second, third)] == [
        [0.0],
        [1.0],
        [1.0],
    ]


def test_outside_an_invocation_nothing_is_recorded(fresh_container, capsys):
    metrics.record([0.9], [10])
    with metrics.invocation() as outcome:
        outcome["status"] = 200
    (blob,) = emf_lines(capsys.readouterr().out)
    assert constants.METRIC_POSITIVE not in blob


def test_zero_counts_are_left_out(fresh_container, capsys):
    with metrics.invocation() as outcome:
        metrics.record([0.95], [12])
        outcome["status"] = 200
    (blob,) = emf_lines(capsys.readouterr().out)
    assert blob[constants.METRIC_POSITIVE] == [1.0]
    assert blob["Probability80To100"] == [1.0]
    assert constants.METRIC_NEGATIVE not in blob
    assert constants.METRIC_NEAR_THRESHOLD not in blob
    assert not set(constants.METRIC_BUCKETS[:-1]) & set(blob)
    assert blob[constants.METRIC_TEXT_LENGTH] == [12.0]


def test_requests_past_100_values_are_split_into_valid_blobs(fresh_container, capsys):
    # EMF allows 100 values per metric; Powertools prints a full set early, dimension included.
    with metrics.invocation() as outcome:
        for _ in range(150):
            metrics.record([0.9], [3])
        outcome["status"] = 200
    blobs = emf_lines(capsys.readouterr().out)
    sizes = [v for b in blobs for v in b.get(constants.METRIC_BATCH_SIZE, [])]
    assert len(sizes) == 150
    assert all(len(b.get(constants.METRIC_BATCH_SIZE, [])) <= 100 for b in blobs)


def test_the_handler_emits_the_shipped_model_version(capsys):
    capsys.readouterr()
    response = lambda_function.handler(load_event("http_api_v2_predict.json"), CONTEXT)
    out = capsys.readouterr().out
    (blob,) = emf_lines(out)
    assert blob[constants.METRIC_DIMENSION] == json.loads(response["body"])["model_version"]
    label = json.loads(response["body"])["label"]
    assert blob[
        constants.METRIC_POSITIVE if label == "positive" else constants.METRIC_NEGATIVE
    ] == [1.0]
    request = next(json.loads(x) for x in out.splitlines() if '"event": "request"' in x)
    assert request["function_version"] == "12"
    assert (
        request["correlation_id"]
        == load_event("http_api_v2_predict.json")["requestContext"]["requestId"]
    )


def test_no_review_text_reaches_a_metric_or_a_log_line(monkeypatch, capsys):
    marker = "MY PRIVATE REVIEW TEXT"
    event = load_event("http_api_v2_predict.json")
    event["body"] = json.dumps({"text": marker})
    event["headers"]["content-length"] = str(len(event["body"]))
    capsys.readouterr()
    ok = lambda_function.handler(event, CONTEXT)

    def leaky(self, texts):
        raise ValueError(f"cannot handle {texts[0]!r}")

    monkeypatch.setattr(LitePredictor, "predict", leaky)
    failed = lambda_function.handler(event, CONTEXT)
    assert (ok["statusCode"], failed["statusCode"]) == (200, 500)
    logged = capsys.readouterr()
    assert marker not in logged.out + logged.err
    blobs = emf_lines(logged.out)
    assert [b[constants.METRIC_SERVER_ERROR] for b in blobs] == [[0.0], [1.0]]
