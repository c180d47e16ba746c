"""The service's ASGI layers (handler.api.middleware) around a bare ASGI app, without FastAPI."""

from __future__ import annotations

import asyncio
import json
import logging
from types import SimpleNamespace
from typing import Any

import pytest
from starlette.responses import PlainTextResponse

from handler.api.middleware import ContainErrors, error_response, layers, public_prefix
from handler.errors import InvalidInputError
from handler.observability import logs

Message = dict[str, Any]


def stack(app: Any, **options: Any) -> Any:
    """`app` wrapped in the service's layers, as Starlette wraps an app in `middleware=`."""
    for cls, args, kwargs in reversed(layers(**options)):
        app = cls(app, *args, **kwargs)
    return app


class Recorder:
    """An ASGI app that records what reached it and answers 200 with the body it read."""

    def __init__(self, fail: bool = False) -> None:
        self.scopes: list[dict[str, Any]] = []
        self.bodies: list[bytes] = []
        self.fail = fail

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.scopes.append(dict(scope))
        message = await receive()
        self.bodies.append(message.get("body", b""))
        scope["state"]["text_chars"] = 7
        scope["route"] = SimpleNamespace(path="/v1/things")
        if self.fail:
            raise RuntimeError("boom")
        await PlainTextResponse("ok")(scope, receive, send)


def call(
    app: Any,
    *,
    body: list[bytes] | None = None,
    headers: dict[str, str] | None = None,
    method: str = "POST",
    path: str = "/v1/things",
    **scope_extra: Any,
) -> tuple[int | None, dict[str, str], bytes]:
    """Run one HTTP request through `app`; (status, headers, body) of the answer."""
    chunks = list(body if body is not None else [b""])
    sent: list[Message] = []
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
        **scope_extra,
    }

    async def receive() -> Message:
        if chunks:
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    answer = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    if start is None:
        return None, {}, answer
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, answer


@pytest.fixture
def log_lines(capsys):
    logs.configure("INFO")
    capsys.readouterr()

    def read() -> list[dict[str, Any]]:
        return [json.loads(line) for line in capsys.readouterr().out.splitlines()]

    return read


def test_error_response_is_the_error_shape_and_status():
    response = error_response(InvalidInputError("text: too long"), headers={"x-a": "1"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-a"] == "1"
    assert json.loads(response.body) == {
        "error": {"code": "validation_error", "message": "text: too long"}
    }


def test_each_request_gets_an_id_and_one_log_line_without_the_body(log_lines):
    app = Recorder()
    status, headers, _ = call(stack(app, max_body_bytes=100), body=[b"zqxmarker"])
    assert status == 200
    (line,) = log_lines()
    assert line["request_id"] == headers["x-request-id"]
    assert len(line["request_id"]) == 36  # a uuid4 outside Lambda
    assert line | {"latency_ms": 0} == {
        **line,
        "message": "request",
        "level": "INFO",
        "method": "POST",
        "path": "/v1/things",
        "status": 200,
        "text_chars": 7,
        "latency_ms": 0,
    }
    assert "zqxmarker" not in json.dumps(line)


def test_the_lambda_request_id_is_used_when_there_is_one(log_lines):
    context = SimpleNamespace(aws_request_id="req-123")
    _, headers, _ = call(stack(Recorder(), max_body_bytes=100), **{"aws.context": context})
    assert headers["x-request-id"] == "req-123"
    assert log_lines()[0]["request_id"] == "req-123"


def test_a_failing_app_is_logged_as_a_500_warning_and_the_error_goes_on(log_lines):
    with pytest.raises(RuntimeError):
        call(stack(Recorder(fail=True), max_body_bytes=100))
    (line,) = log_lines()
    assert (line["status"], line["level"]) == (500, logging.getLevelName(logging.WARNING))


def test_an_unmatched_request_is_logged_without_its_path(log_lines):
    async def not_found(scope: Any, receive: Any, send: Any) -> None:
        await PlainTextResponse("no", status_code=404)(scope, receive, send)

    call(stack(not_found, max_body_bytes=100), path="/zqxmarker")
    (line,) = log_lines()
    assert line["path"] == "(unmatched)"
    assert "zqxmarker" not in json.dumps(line)


def test_a_declared_length_over_the_limit_is_refused_before_reading():
    app = Recorder()
    status, _, body = call(
        stack(app, max_body_bytes=10),
        body=[b"x" * 11],
        headers={"content-length": "11"},
    )
    assert status == 413
    assert json.loads(body)["error"] == {
        "code": "payload_too_large",
        "message": "the request body must be at most 10 bytes",
    }
    assert app.scopes == []


def test_a_streamed_body_over_the_limit_is_refused_as_it_passes_it():
    app = Recorder()
    status, _, _ = call(stack(app, max_body_bytes=10), body=[b"x" * 6, b"x" * 6, b"x"])
    assert status == 413
    assert app.scopes == []


def test_a_streamed_body_within_the_limit_reaches_the_app_whole():
    app = Recorder()
    status, _, _ = call(stack(app, max_body_bytes=10), body=[b"abc", b"def", b"g"])
    assert status == 200
    assert app.bodies == [b"abcdefg"]


def test_a_client_that_leaves_mid_body_never_reaches_the_app():
    app = Recorder()

    async def go() -> None:
        messages = [
            {"type": "http.request", "body": b"ab", "more_body": True},
            {"type": "http.disconnect"},
        ]

        async def receive() -> Message:
            return messages.pop(0)

        async def send(message: Message) -> None:
            raise AssertionError("nothing to send to a client that left")

        scope = {"type": "http", "method": "POST", "path": "/", "root_path": "", "headers": []}
        await stack(app, max_body_bytes=10)(scope, receive, send)

    asyncio.run(go())
    assert app.scopes == []


def test_a_configured_root_path_is_set_and_prefixed_once():
    app = Recorder()
    middleware = stack(app, max_body_bytes=100, root_path="/api")
    call(middleware, path="/v1/things")
    call(middleware, path="/api/v1/things")
    assert [(s["root_path"], s["path"]) for s in app.scopes] == [
        ("/api", "/api/v1/things"),
        ("/api", "/api/v1/things"),
    ]


def test_the_stage_of_an_api_gateway_event_becomes_the_root_path():
    app = Recorder()
    event = {"path": "/v1/things", "requestContext": {"path": "/prod/v1/things"}}
    call(stack(app, max_body_bytes=100), **{"aws.event": event})
    assert (app.scopes[0]["root_path"], app.scopes[0]["path"]) == ("/prod", "/prod/v1/things")


def test_a_root_path_the_server_already_set_is_left_alone():
    app = Recorder()
    call(stack(app, max_body_bytes=100, root_path="/api"), root_path="/given")
    assert (app.scopes[0]["root_path"], app.scopes[0]["path"]) == ("/given", "/v1/things")


@pytest.mark.parametrize(
    ("event", "prefix"),
    [
        ({"path": "/v1/predict", "requestContext": {"path": "/prod/v1/predict"}}, "/prod"),
        ({"path": "/v1/predict", "requestContext": {"path": "/v1/predict"}}, ""),
        ({"path": "/v1/predict", "requestContext": {"path": "/base/prod/v1/predict"}}, "/base/prod"),
        ({"version": "2.0", "rawPath": "/prod/v1/predict", "requestContext": {"stage": "prod"}}, "/prod"),
        ({"version": "2.0", "rawPath": "/v1/predict", "requestContext": {"stage": "$default"}}, ""),
        ({"version": "2.0", "rawPath": "/v1/predict", "requestContext": {"stage": "prod"}}, ""),
        ({"version": "2.0", "rawPath": "/production/x", "requestContext": {"stage": "prod"}}, ""),
        ({}, ""),
    ],
)  # fmt: skip
def test_public_prefix(event, prefix):
    assert public_prefix(event) == prefix


def test_cors_answers_allowed_preflights_and_refuses_others_in_the_error_shape():
    app = Recorder()
    middleware = stack(app, max_body_bytes=100, allowed_origins=("https://site.example",))
    preflight = {"access-control-request-method": "POST"}
    ok_status, ok_headers, _ = call(
        middleware, method="OPTIONS", headers={"origin": "https://site.example", **preflight}
    )
    assert ok_status == 200
    assert ok_headers["access-control-allow-origin"] == "https://site.example"
    status, headers, body = call(
        middleware, method="OPTIONS", headers={"origin": "https://evil.example", **preflight}
    )
    assert status == 400
    assert json.loads(body) == {
        "error": {"code": "cors_refused", "message": "cross-origin request not allowed"}
    }
    assert "access-control-allow-origin" not in headers
    assert app.scopes == []  # preflights never reach the app


def test_a_413_carries_cors_headers_so_the_page_can_read_it():
    middleware = stack(Recorder(), max_body_bytes=10, allowed_origins=("https://site.example",))
    status, headers, _ = call(
        middleware, body=[b"x" * 20], headers={"origin": "https://site.example"}
    )
    assert status == 413
    assert headers["access-control-allow-origin"] == "https://site.example"


def test_contain_errors_stops_an_http_error_but_not_a_lifespan_one():
    status, _, _ = call(ContainErrors(Recorder(fail=True)))
    assert status is None  # the app raised before answering, and nothing escaped

    async def broken(scope: Any, receive: Any, send: Any) -> None:
        raise RuntimeError("lifespan")

    async def nothing() -> Message:
        return {}

    async def ignore(message: Message) -> None:
        return None

    with pytest.raises(RuntimeError, match="lifespan"):
        asyncio.run(ContainErrors(broken)({"type": "lifespan"}, nothing, ignore))
