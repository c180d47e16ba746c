"""The smoke test against a fake API on 127.0.0.1: what passes, and each way it fails."""

import json
import socket

import pytest

from handler.constants import PREDICT_PATH
from infra.errors import SmokeTestError
from infra.smoke import Prediction, smoke_test
from tests.infra.conftest import FakeApi

SITE = "https://d111111abcdef8.cloudfront.net"


def test_a_well_formed_answer_passes(fake_api: FakeApi) -> None:
    fake_api.answer({"label": "negative", "probability": 0.12, "extra": "ignored"})

    prediction = smoke_test(fake_api.url + "/", text="Dull and far too long.")

    assert prediction == Prediction(label="negative", probability=0.12)
    ((path, headers, body),) = fake_api.requests
    assert path == PREDICT_PATH
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"text": "Dull and far too long."}


def test_cors_is_checked_for_the_pages_origin(fake_api: FakeApi) -> None:
    fake_api.answer({"label": "positive", "probability": 1}, access_control_allow_origin=SITE)
    assert smoke_test(fake_api.url, origin=SITE).probability == 1.0
    assert fake_api.requests[0][1]["origin"] == SITE

    fake_api.answer({"label": "positive", "probability": 1})
    with pytest.raises(SmokeTestError, match="CORS allows None"):
        smoke_test(fake_api.url, origin=SITE)


@pytest.mark.parametrize(
    ("payload", "status", "complaint"),
    [
        ({"detail": "boom"}, 500, "HTTP 500"),
        (b"<html>gateway</html>", 200, "not JSON"),
        ([1, 2], 200, "not an object"),
        ({"probability": 0.5}, 200, "label None"),
        ({"label": "meh", "probability": 0.5}, 200, "label 'meh'"),
        ({"label": "positive"}, 200, "probability None"),
        ({"label": "positive", "probability": "0.5"}, 200, "not a number"),
        ({"label": "positive", "probability": True}, 200, "not a number"),
        ({"label": "positive", "probability": 1.5}, 200, "outside"),
    ],
)
def test_a_bad_answer_fails_with_a_reason(
    fake_api: FakeApi, payload: object, status: int, complaint: str
) -> None:
    fake_api.answer(payload, status=status)
    with pytest.raises(SmokeTestError, match=complaint):
        smoke_test(fake_api.url)


def test_an_unreachable_api_fails_with_a_reason() -> None:
    with socket.socket() as probe:  # a loopback port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(SmokeTestError, match="failed"):
        smoke_test(f"http://127.0.0.1:{port}", timeout_s=5)


def test_only_http_urls_are_called() -> None:
    with pytest.raises(SmokeTestError, match="not an http"):
        smoke_test("file:///etc/passwd")
