"""The Lambda entry point with API Gateway (REST v1, HTTP API v2) and function URL events."""

from __future__ import annotations

import asyncio
import base64
import copy
import json

import pytest
from mangum import Mangum

from handler import lambda_function
from handler.api.app import create_app
from handler.constants import API_PREFIX, PREDICT_PATH
from handler.observability import metrics
from handler.settings import Settings
from tests.handler.conftest import LAMBDA_CONTEXT, load_event

PREDICT_EVENTS = [
    "http_api_v2_predict.json",
    "http_api_v2_predict_base64.json",
    "rest_v1_predict.json",
    "rest_v1_predict_base64.json",
    "function_url_predict.json",
]


def invoke(event, context=LAMBDA_CONTEXT):
    response = lambda_function.handler(event, context)
    body = response.get("body", "")
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return response, body


def request_text(event) -> str:
    body = event["body"]
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return json.loads(body)["text"]


@pytest.mark.parametrize("name", PREDICT_EVENTS)
def test_predict_events_get_the_model_answer(name, predictor):
    event = load_event(name)
    response, body = invoke(event)
    assert response["statusCode"] == 200, body
    answer = json.loads(body)
    expected = predictor.predict([request_text(event)])[0]
    assert answer["probability"] == pytest.approx(expected.probability, abs=1e-6)
    assert answer["words_used"] == expected.words_used > 0
    assert answer["label"] == ("positive" if expected.probability >= 0.5 else "negative")
    assert answer["model_version"] == predictor.model_version


def test_health_event():
    response, body = invoke(load_event("http_api_v2_health.json"))
    assert response["statusCode"] == 200
    assert json.loads(body)["status"] == "ok"


@pytest.mark.parametrize("name", ["http_api_v2_predict.json", "rest_v1_predict.json"])
def test_missing_body_is_a_422(name):
    event = load_event(name)
    event["body"] = None
    response, body = invoke(event)
    assert response["statusCode"] == 422
    assert json.loads(body)["error"]["code"] == "validation_error"


def _retarget(event, method: str, path: str):
    event = copy.deepcopy(event)
    if event.get("version") == "2.0":
        event["rawPath"] = event["requestContext"]["http"]["path"] = path
        event["requestContext"]["http"]["method"] = method
    else:
        event["path"], event["httpMethod"] = path, method
        event["requestContext"]["path"] = "/prod" + path
    return event


@pytest.mark.parametrize("name", ["http_api_v2_predict.json", "rest_v1_predict.json"])
def test_unknown_route_and_wrong_method(name):
    event = load_event(name)
    response, body = invoke(_retarget(event, "POST", f"{API_PREFIX}/nothing-here"))
    assert response["statusCode"] == 404
    assert json.loads(body)["error"]["code"] == "not_found"
    response, body = invoke(_retarget(event, "GET", PREDICT_PATH))
    assert response["statusCode"] == 405
    assert json.loads(body)["error"]["code"] == "method_not_allowed"
    assert response["headers"]["allow"] == "POST"


def test_cookies_are_accepted_and_none_are_set():
    v2 = load_event("http_api_v2_predict.json")
    v2["cookies"] = ["session=abc", "theme=dark"]
    response, _ = invoke(v2)
    assert response["statusCode"] == 200
    assert "cookies" not in response
    v1 = load_event("rest_v1_predict.json")
    v1["headers"]["Cookie"] = "session=abc; theme=dark"
    v1["multiValueHeaders"]["Cookie"] = ["session=abc; theme=dark"]
    response, _ = invoke(v1)
    assert response["statusCode"] == 200
    assert "set-cookie" not in response["headers"]


def test_repeated_query_parameters_are_harmless():
    v2 = load_event("http_api_v2_predict.json")
    v2["rawQueryString"] = "lang=en&lang=fr&x="
    v2["queryStringParameters"] = {"lang": "en,fr", "x": ""}
    assert invoke(v2)[0]["statusCode"] == 200
    v1 = load_event("rest_v1_predict.json")
    v1["queryStringParameters"] = {"lang": "fr"}
    v1["multiValueQueryStringParameters"] = {"lang": ["en", "fr"]}
    assert invoke(v1)[0]["statusCode"] == 200


def test_body_over_the_limit_is_a_413():
    event = load_event("http_api_v2_predict.json")
    event["body"] = json.dumps({"text": "good " * 300_000})
    event["headers"]["content-length"] = str(len(event["body"]))
    response, body = invoke(event)
    assert response["statusCode"] == 413
    assert json.loads(body)["error"]["code"] == "payload_too_large"


def test_invocations_after_asyncio_run_in_the_same_thread():
    event = load_event("http_api_v2_predict.json")
    assert invoke(event)[0]["statusCode"] == 200
    asyncio.run(asyncio.sleep(0))  # closes its loop and leaves the thread without one
    assert invoke(event)[0]["statusCode"] == 200
    asyncio.run(asyncio.sleep(0))
    asyncio.run(asyncio.sleep(0))
    assert invoke(event)[0]["statusCode"] == 200
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    loop.close()  # a closed loop left current
    assert invoke(event)[0]["statusCode"] == 200


@pytest.mark.filterwarnings("ignore:coroutine 'HTTPCycle.run' was never awaited")
def test_the_bare_adapter_does_break_after_asyncio_run():
    # Why the entry point is a function and not just `Mangum(app)`: this is the failure it avoids.
    adapter = Mangum(lambda_function.app, lifespan="off")
    asyncio.run(asyncio.sleep(0))
    with pytest.raises(RuntimeError, match="event loop"):
        adapter(load_event("http_api_v2_predict.json"), LAMBDA_CONTEXT)
    asyncio.set_event_loop(asyncio.new_event_loop())


@pytest.mark.parametrize(
    ("name", "schema_url"),
    [
        ("rest_v1_docs.json", "/prod/openapi.json"),
        ("http_api_v2_named_stage_docs.json", "/prod/openapi.json"),
    ],
)
def test_docs_behind_a_stage_load_the_schema_from_the_stage(name, schema_url):
    response, body = invoke(load_event(name))
    assert response["statusCode"] == 200
    assert f"url: '{schema_url}'" in body


def test_docs_on_the_default_stage_and_schema_servers():
    event = _retarget(load_event("http_api_v2_health.json"), "GET", "/docs")
    assert "url: '/openapi.json'" in invoke(event)[1]
    response, body = invoke(load_event("rest_v1_openapi.json"))
    assert response["statusCode"] == 200
    assert json.loads(body)["servers"] == [{"url": "/prod"}]


def test_root_path_setting_wins(predictor):
    adapter = Mangum(create_app(Settings(root_path="/api"), predictor), lifespan="off")
    event = _retarget(load_event("http_api_v2_health.json"), "GET", "/docs")
    assert "url: '/api/openapi.json'" in adapter(event, LAMBDA_CONTEXT)["body"]


def test_log_line_carries_the_lambda_and_api_gateway_request_ids(capsys):
    from handler.observability import logs

    logs.configure("INFO")
    capsys.readouterr()
    event = load_event("rest_v1_predict.json")
    response, _ = invoke(event)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    (request,) = [line for line in lines if line.get("message") == "request"]  # EMF lines follow
    assert request["request_id"] == LAMBDA_CONTEXT.aws_request_id
    # Powertools' HTTP API path is REST's too: the API Gateway request id.
    assert request["correlation_id"] == event["requestContext"]["requestId"]
    assert response["headers"]["x-request-id"] == LAMBDA_CONTEXT.aws_request_id
    assert request["path"] == PREDICT_PATH


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b'{"text": "\xed\xa0\x80 great"}', 200),  # a surrogate encoded as (invalid) UTF-8
        (b'{"text": "\xff\xfe great"}', 400),
        (b'{"text": "\x00 great"}', 400),  # a raw control character is not valid JSON
        (b'{"text": "\\u0000 great"}', 200),
        (b"\x89PNG\r\n\x1a\n", 400),
    ],
)
def test_hostile_base64_bodies(raw, status):
    event = load_event("http_api_v2_predict_base64.json")
    event["body"] = base64.b64encode(raw).decode()
    event["headers"]["content-length"] = str(len(raw))
    response, body = invoke(event)
    assert response["statusCode"] == status, body
    assert len(body) < 1024 or status == 200


class LeakyPredictor:
    """Fails the way a careless bug might: with the review in its exception message."""

    model_version = "leaky-1"

    def predict(self, texts):
        raise ValueError(f"cannot handle {texts[0]!r}")

    def __getattr__(self, name):
        raise AttributeError(name)


def test_an_unexpected_error_is_a_500_and_no_log_quotes_the_review(
    predictor, capsys, caplog, monkeypatch
):
    from handler.api.middleware import ContainErrors

    app = create_app(Settings(), predictor)
    monkeypatch.setattr(predictor, "predict", LeakyPredictor().predict)
    adapter = Mangum(ContainErrors(app), lifespan="off")
    event = load_event("http_api_v2_predict.json")
    marker = "MY PRIVATE REVIEW TEXT"
    event["body"] = json.dumps({"text": marker})
    with caplog.at_level("DEBUG"):
        response = metrics.collected(adapter)(event, LAMBDA_CONTEXT)
    assert response["statusCode"] == 500
    assert json.loads(response["body"])["error"]["code"] == "internal_error"
    logged = capsys.readouterr()
    assert marker not in logged.out + logged.err + caplog.text
    # The metrics line of that invocation was printed too, and holds no text either.
    assert any(line.startswith('{"_aws"') for line in logged.out.splitlines())
    # Without the wrapper, Mangum logs the traceback with the exception's message.
    caplog.clear()
    with caplog.at_level("DEBUG"):
        Mangum(app, lifespan="off")(event, LAMBDA_CONTEXT)
    assert marker in caplog.text
