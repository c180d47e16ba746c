"""The HTTP contract (docs/api-contract.md) through the ASGI app, in process."""

from __future__ import annotations

import json
from typing import Any

import pytest

from handler import constants
from handler.runtime import ModelRuntimeError
from handler.settings import DEFAULT_MODEL_DIR
from handler.text import Encoder, tokenize

MARKER = "zqxmarker"  # a token that must never come back in an error body


def assert_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "error": {"code": code, "message": response.json()["error"]["message"]}
    }
    assert len(response.content) < 1024
    assert MARKER not in response.text


def test_predict_answers_with_label_probability_and_version(client, predictor):
    body = client.post("/v1/predict", json={"text": "A wonderful, brilliant film."}).json()
    assert set(body) == {"label", "probability", "model_version", "explanation"}
    assert 0.0 <= body["probability"] <= 1.0
    assert body["label"] == ("positive" if body["probability"] >= 0.5 else "negative")
    assert body["model_version"] == predictor.model_version
    assert body["explanation"] is None


def test_explanation_has_one_entry_per_distinct_known_word(client):
    encoder = Encoder.load(DEFAULT_MODEL_DIR / constants.VOCAB_FILE)
    known = {*encoder.words.tokens, *(encoder.grams.tokens if encoder.grams else ())}
    text = "Wonderful acting, WONDERFUL music; the awful xyzzyunknown script didn\u2019t work"
    body = client.post("/v1/predict", json={"text": text, "explain": True}).json()
    expected = [w for w in dict.fromkeys(tokenize(text)) if w in known]
    assert expected, "the shipped vocabulary should know some of these words"
    assert [entry["word"] for entry in body["explanation"]] == expected
    assert all(isinstance(entry["weight"], float) for entry in body["explanation"])


def test_explanation_weight_is_the_drop_in_probability_without_the_word(client):
    full = client.post("/v1/predict", json={"text": "great plot, awful ending"}).json()
    without = client.post("/v1/predict", json={"text": "great plot, ending"}).json()
    explained = client.post(
        "/v1/predict", json={"text": "great plot, awful ending", "explain": True}
    ).json()
    weight = {e["word"]: e["weight"] for e in explained["explanation"]}["awful"]
    assert weight == pytest.approx(full["probability"] - without["probability"], abs=1e-5)


def test_batch_keeps_order_and_matches_single_predictions(client):
    texts = ["wonderful superb", "awful boring waste", "the plot", "not great"]
    batch = client.post("/v1/predict/batch", json={"texts": texts}).json()
    singles = [client.post("/v1/predict", json={"text": t}).json() for t in texts]
    assert [p["label"] for p in batch["predictions"]] == [s["label"] for s in singles]
    for got, single in zip(batch["predictions"], singles, strict=True):
        assert got["probability"] == pytest.approx(single["probability"], abs=1e-6)


def test_health_and_model_info(client, predictor):
    assert client.get("/v1/health").json() == {
        "status": "ok",
        "model_version": predictor.model_version,
    }
    info = client.get("/v1/model").json()
    manifest = predictor.manifest
    assert info["model_version"] == manifest["model_version"]
    assert info["inputs"] == manifest["inputs"]
    assert info["labels"] == ["negative", "positive"]
    assert set(info["accuracy"]) == set(manifest["metrics"]["scores"])
    assert info["limits"] == {
        "max_text_chars": 10_000,
        "max_batch_items": 64,
        "max_body_bytes": 1_048_576,
        "max_explained_words": 200,
    }


def test_limits_come_from_settings_and_are_published(make_client, fake):
    client = make_client(fake, max_text_chars=20, max_batch_items=2)
    text = client.app.openapi()["components"]["schemas"]["PredictRequest"]["properties"]["text"]
    assert text["maxLength"] == 20
    assert client.post("/v1/predict", json={"text": "x" * 20}).status_code == 200
    assert_error(client.post("/v1/predict", json={"text": "x" * 21}), 422, "validation_error")
    assert_error(
        client.post("/v1/predict/batch", json={"texts": ["a", "b", "c"]}), 422, "validation_error"
    )
    assert client.get("/v1/model").json()["limits"]["max_text_chars"] == 20


def test_openapi_documents_every_error_response(client):
    schema = client.get("/openapi.json").json()
    for path in ("/v1/predict", "/v1/predict/batch"):
        responses = schema["paths"][path]["post"]["responses"]
        assert set(responses) == {"200", "400", "413", "415", "422", "503"}
        assert responses["422"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorBody"
        }
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert {"/v1/health", "/v1/model"} <= set(schema["paths"])
    assert "swagger-ui" in client.get("/docs").text


JSON = {"content-type": "application/json"}
HOSTILE = [
    # (id, body bytes, headers, status, code)
    ("lone surrogate escape", b'{"text": "\\ud800 great"}', JSON, 200, None),
    ("raw surrogate bytes", b'{"text": "\xed\xa0\x80 great"}', JSON, 200, None),
    ("only surrogates", b'{"text": "\\udfff\\ud800"}', JSON, 200, None),
    ("NUL", b'{"text": "\\u0000 great \\u0000"}', JSON, 200, None),
    ("invalid UTF-8", b'{"text": "\xff\xfe zqxmarker"}', JSON, 400, "invalid_json"),
    ("truncated JSON", b'{"text": "zqxmarker', JSON, 400, "invalid_json"),
    ("not JSON", b"zqxmarker", JSON, 400, "invalid_json"),
    ("deep nesting", b"[" * 50_000, JSON, 400, "invalid_json"),
    ("huge integer", b'{"text": ' + b"9" * 5000 + b"}", JSON, 400, "invalid_json"),
    (
        "text/plain",
        b'{"text": "zqxmarker"}',
        {"content-type": "text/plain"},
        415,
        "unsupported_media_type",
    ),
    (
        "form",
        b"text=zqxmarker",
        {"content-type": "application/x-www-form-urlencoded"},
        415,
        "unsupported_media_type",
    ),
    ("no content type", b'{"text": "zqxmarker"}', {}, 415, "unsupported_media_type"),
    ("empty body", b"", JSON, 422, "validation_error"),
    ("JSON null", b"null", JSON, 422, "validation_error"),
    ("JSON list", b'["zqxmarker"]', JSON, 422, "validation_error"),
    ("JSON string", b'"zqxmarker"', JSON, 422, "validation_error"),
    ("number text", b'{"text": 5}', JSON, 422, "validation_error"),
    ("empty text", b'{"text": ""}', JSON, 422, "validation_error"),
    ("whitespace text", b'{"text": " \\t\\n\\u3000\\u2028 "}', JSON, 422, "validation_error"),
    ("string explain", b'{"text": "good", "explain": "true"}', JSON, 422, "validation_error"),
    ("unknown field", b'{"text": "good", "zqxmarker": 1}', JSON, 422, "validation_error"),
    (
        "long text",
        json.dumps({"text": "zqxmarker " * 20_000}).encode(),
        JSON,
        422,
        "validation_error",
    ),
    ("NaN", b'{"text": NaN}', JSON, 422, "validation_error"),
]


@pytest.mark.parametrize(
    ("body", "headers", "status", "code"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
def test_hostile_bodies_get_a_small_documented_answer(client, body, headers, status, code):
    response = client.post("/v1/predict", content=body, headers=headers)
    if code is None:
        assert response.status_code == status, response.text
        assert response.json()["label"] in ("positive", "negative")
    else:
        assert_error(response, status, code)


def test_a_surrogate_pair_is_a_normal_character(client):
    response = client.post("/v1/predict", content=b'{"text": "great \\ud83d\\ude00"}', headers=JSON)
    assert response.status_code == 200


def test_unknown_route_and_wrong_method(client):
    assert_error(client.get("/v1/zqxmarker"), 404, "not_found")
    assert_error(client.get("/"), 404, "not_found")
    response = client.get("/v1/predict")
    assert_error(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "POST"
    assert_error(client.delete("/v1/health"), 405, "method_not_allowed")


def test_body_over_the_limit_by_content_length(make_client, fake):
    client = make_client(fake, max_body_bytes=1024)
    body = json.dumps({"text": "good " * 300}).encode()
    assert_error(client.post("/v1/predict", content=body, headers=JSON), 413, "payload_too_large")
    assert fake.calls == []


def test_body_over_the_limit_while_streaming(make_client, fake):
    client = make_client(fake, max_body_bytes=1024)
    sent: list[int] = []

    def chunks():  # no Content-Length: the client sends Transfer-Encoding: chunked
        for _ in range(100):
            sent.append(1)
            yield b'{"text": "' if len(sent) == 1 else b"good " * 20

    response = client.post("/v1/predict", content=chunks(), headers=JSON)
    assert_error(response, 413, "payload_too_large")
    assert fake.calls == []


def test_streamed_body_under_the_limit_is_served(make_client, fake):
    client = make_client(fake, max_body_bytes=1024)
    parts = [b'{"text": "', b"good " * 10, b'"}']
    response = client.post("/v1/predict", content=iter(parts), headers=JSON)
    assert response.status_code == 200
    assert response.json()["probability"] == 1.0


def test_model_failure_is_a_503_and_the_next_request_is_served(make_client, fake):
    client = make_client(fake)
    fake.fail_next = 1
    assert_error(client.post("/v1/predict", json={"text": "good"}), 503, "model_unavailable")
    assert client.post("/v1/predict", json={"text": "good"}).status_code == 200
    fake.fail_next = 1
    assert_error(client.get("/v1/health"), 503, "model_unavailable")
    assert client.get("/v1/health").status_code == 200


def test_interpreter_error_in_the_real_predictor_is_a_503_then_recovers(make_client, monkeypatch):
    from handler.predictor import LitePredictor
    from handler.runtime import TfliteModel

    client = make_client(LitePredictor.load(DEFAULT_MODEL_DIR))
    working, failures = TfliteModel.predict, [1, 1]

    def flaky(self, inputs):
        if failures:
            failures.pop()
            raise ModelRuntimeError("inference failed: simulated")
        return working(self, inputs)

    monkeypatch.setattr(TfliteModel, "predict", flaky)
    assert_error(client.post("/v1/predict", json={"text": "good"}), 503, "model_unavailable")
    assert_error(
        client.post("/v1/predict", json={"text": "good", "explain": True}), 503, "model_unavailable"
    )
    assert client.post("/v1/predict", json={"text": "good"}).status_code == 200
    assert client.get("/v1/health").status_code == 200


def test_cors_allows_only_configured_origins(make_client, fake):
    allowed = "https://site.example.com"
    client = make_client(fake, allowed_origins=allowed)
    ok = client.post("/v1/predict", json={"text": "good"}, headers={"origin": allowed})
    assert ok.headers["access-control-allow-origin"] == allowed
    other = client.post(
        "/v1/predict", json={"text": "good"}, headers={"origin": "https://evil.example"}
    )
    assert "access-control-allow-origin" not in other.headers
    preflight = client.options(
        "/v1/predict",
        headers={
            "origin": allowed,
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == allowed
    # Errors carry the header too, so the page can read them.
    error = client.post("/v1/predict", json={"text": ""}, headers={"origin": allowed})
    assert error.headers["access-control-allow-origin"] == allowed


def test_refused_preflight_is_a_small_json_error(make_client, fake):
    client = make_client(fake, allowed_origins="https://site.example.com")
    refused = client.options(
        "/v1/predict",
        headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
    )
    assert refused.status_code == 400
    assert refused.json() == {
        "error": {"code": "cors_refused", "message": "cross-origin request not allowed"}
    }
    assert "access-control-allow-origin" not in refused.headers


def test_no_cors_headers_by_default(client):
    response = client.post(
        "/v1/predict", json={"text": "good"}, headers={"origin": "https://a.example"}
    )
    assert "access-control-allow-origin" not in response.headers


def test_request_log_line_has_the_facts_and_never_the_text(make_client, fake, capsys):
    from handler import logs

    logs.configure("INFO")
    client = make_client(fake)
    capsys.readouterr()
    response = client.post("/v1/predict", json={"text": f"good {MARKER} good"})
    client.post("/v1/predict", json={"text": f"{MARKER}" * 20_000})
    out = capsys.readouterr().out
    assert MARKER not in out
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    first = next(line for line in lines if line["event"] == "request")
    assert first["request_id"] == response.headers["x-request-id"]
    assert first["method"] == "POST"
    assert first["path"] == "/v1/predict"
    assert first["status"] == 200
    assert first["text_chars"] == len(f"good {MARKER} good")
    assert isinstance(first["latency_ms"], float)
    assert lines[-1]["status"] == 422
