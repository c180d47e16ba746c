"""The HTTP contract (docs/api-contract.md) through the ASGI app, in process."""

from __future__ import annotations

import functools
import json
from typing import Any

import numpy as np
import pytest

from handler import constants
from handler.inference.encoder import Encoder
from handler.inference.manifest import Manifest
from handler.inference.runtime import ModelRuntimeError, TfliteModel
from handler.inference.text import tokenize
from handler.settings import DEFAULT_MODEL_DIR

MARKER = "zqxmarker"  # a token that must never come back in an error body
ENCODER = Encoder.load(DEFAULT_MODEL_DIR / constants.VOCAB_FILE)
# Every single word the shipped model has a weight for, read from the vocabulary file itself.
KNOWN = {*ENCODER.words.tokens, *(ENCODER.grams.tokens if ENCODER.grams else ())}
REVIEW = "Wonderful acting, WONDERFUL music; the awful xyzzyunknown script didn\u2019t work"


def known_count(text: str) -> int:
    """How many content words of `text` (copies included) the vocabulary knows."""
    return sum(w in KNOWN for w in tokenize(text))


def assert_error(response: Any, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "error": {"code": code, "message": response.json()["error"]["message"]}
    }
    assert len(response.content) < 1024
    assert MARKER not in response.text


def test_predict_answers_with_label_probability_and_version(client, predictor):
    text = "A wonderful, brilliant film."
    body = client.post("/v1/predict", json={"text": text}).json()
    assert set(body) == {"label", "probability", "words_used", "model_version", "explanation"}
    assert 0.0 <= body["probability"] <= 1.0
    assert body["words_used"] == known_count(text) > 0
    assert body["label"] == ("positive" if body["probability"] >= 0.5 else "negative")
    assert body["model_version"] == predictor.model_version
    assert body["explanation"] is None


def test_explanation_has_one_entry_per_distinct_known_word(client):
    body = client.post("/v1/predict", json={"text": REVIEW, "explain": True}).json()
    expected = [w for w in dict.fromkeys(tokenize(REVIEW)) if w in KNOWN]
    assert expected, "the shipped vocabulary should know some of these words"
    assert [entry["word"] for entry in body["explanation"]] == expected
    assert all(isinstance(entry["weight"], float) for entry in body["explanation"])
    assert body["words_used"] == known_count(REVIEW)


@pytest.mark.parametrize("text", ["the the the", "zzqx vvbn", "The... THE! the?"])
def test_a_text_without_a_known_word_has_words_used_zero(client, text):
    assert not {"zzqx", "vvbn"} & KNOWN
    body = client.post("/v1/predict", json={"text": text}).json()
    assert body["words_used"] == 0
    assert body["label"] in ("positive", "negative")
    batch = client.post("/v1/predict/batch", json={"texts": [text, REVIEW]}).json()
    assert [p["words_used"] for p in batch["predictions"]] == [0, known_count(REVIEW)]


def test_words_used_counts_every_copy_of_a_known_word(client):
    body = client.post("/v1/predict", json={"text": REVIEW}).json()
    # "wonderful" twice; the stopword "the" and the unknown word not at all.
    assert body["words_used"] == known_count(REVIEW) > len(set(tokenize(REVIEW)) & KNOWN)


@functools.cache
def _runtime() -> TfliteModel:
    return TfliteModel(DEFAULT_MODEL_DIR / constants.MODEL_FILE)


def _log_odds(text_tokens, known_words, lengths=()):
    """Calibrated log-odds of `text_tokens` (tokens per sentence: `lengths`) through the head for
    `known_words` known words, with the head's weights read from the manifest by hand and a
    runtime of its own."""
    head = Manifest.read(DEFAULT_MODEL_DIR / constants.MANIFEST_FILE).head
    short = known_words < head.short_words
    weights = np.asarray(head.short_weights if short else head.weights, np.float64)
    bias = head.short_bias if short else head.bias
    runtime = _runtime()
    outputs = runtime.predict(ENCODER.encode_words([text_tokens], [lengths]))[0]
    outputs = outputs.astype(np.float64)
    weights = np.broadcast_to(weights, outputs.shape)
    resolution = max(abs(w) * s for w, s in zip(weights, runtime.output_steps, strict=True))
    return float(outputs @ weights + bias), resolution


MIXED = "great plot, awful ending; truly awful"


def _at_the_short_boundary() -> str:
    """MIXED plus distinct known words up to exactly the head's `short_words` known words: the
    text takes the long-text weights, and every text with a word deleted would take the short."""
    short_words = Manifest.read(DEFAULT_MODEL_DIR / constants.MANIFEST_FILE).head.short_words
    present = set(tokenize(MIXED))
    fill = [w for w in ENCODER.words.tokens if tokenize(w) == [w] and w not in present]
    text = f"{MIXED}. {' '.join(fill[: max(short_words - known_count(MIXED), 0)])}"
    assert known_count(text) == max(short_words, known_count(MIXED))
    return text


@pytest.mark.parametrize("text", [MIXED, _at_the_short_boundary()], ids=["short", "boundary"])
def test_explanation_weight_is_the_fall_in_log_odds_without_every_copy_of_the_word(client, text):
    full = client.post("/v1/predict", json={"text": text}).json()
    explained = client.post("/v1/predict", json={"text": text, "explain": True}).json()
    assert (explained["probability"], explained["label"], explained["words_used"]) == (
        full["probability"],
        full["label"],
        full["words_used"],
    )
    weight = {e["word"]: e["weight"] for e in explained["explanation"]}
    tokens, lengths = ENCODER.text_words(text)  # cut into sentences, as the model reads them
    n_known = known_count(text)
    z_full, resolution = _log_odds(tokens, n_known, lengths)
    assert 1.0 / (1.0 + np.exp(-z_full)) == pytest.approx(full["probability"], abs=1e-6)
    found = ENCODER.featurize(tokens, lengths)
    for word in dict.fromkeys(w for w in tokenize(text) if w in KNOWN):
        # Without every copy, scored through the full text's head (n_known, not the shorter count).
        without, kept = found.without(word)
        z_without, _ = _log_odds(list(without), n_known, kept)
        change = z_full - z_without
        assert weight[word] == pytest.approx(change if abs(change) > resolution else 0.0, abs=1e-6)
    assert weight["awful"] < 0 < weight["great"]


def test_batch_keeps_order_and_matches_single_predictions(client):
    texts = ["wonderful superb", "awful boring waste", "the plot", "not great"]
    batch = client.post("/v1/predict/batch", json={"texts": texts}).json()
    singles = [client.post("/v1/predict", json={"text": t}).json() for t in texts]
    assert [p["label"] for p in batch["predictions"]] == [s["label"] for s in singles]
    for got, single in zip(batch["predictions"], singles, strict=True):
        assert set(got) == {"label", "probability", "words_used"}
        assert got["probability"] == pytest.approx(single["probability"], abs=1e-6)
        assert got["words_used"] == single["words_used"]
    assert [p["words_used"] for p in batch["predictions"]] == [known_count(t) for t in texts]


@pytest.mark.parametrize(
    ("probability", "shown", "label"),
    [(0.4999996, 0.5, "negative"), (0.5, 0.5, "positive"), (0.9999996, 1.0, "positive")],
)
def test_the_label_comes_from_the_unrounded_probability(
    make_client, fake, probability, shown, label
):
    client = make_client(fake)
    fake.probability = probability
    single = client.post("/v1/predict", json={"text": "good"}).json()
    explained = client.post("/v1/predict", json={"text": "good", "explain": True}).json()
    batch = client.post("/v1/predict/batch", json={"texts": ["good", "bad"]}).json()
    for answer in (single, explained, *batch["predictions"]):
        assert (answer["probability"], answer["label"]) == (shown, label)


def test_health_and_model_info(client, predictor):
    assert client.get("/v1/health").json() == {
        "status": "ok",
        "model_version": predictor.model_version,
    }
    info = client.get("/v1/model").json()
    manifest = predictor.manifest.to_json()  # as the file holds it
    assert info["model_version"] == manifest["model_version"]
    assert info["inputs"] == manifest["inputs"]
    assert info["labels"] == ["negative", "positive"]
    assert set(info["accuracy"]) == set(manifest["metrics"]["scores"])
    assert info["head"] == manifest.get("head", {})
    sentences = manifest["metrics"].get("evaluation", {}).get("sentences", {})
    assert set(info["sentences"]) == set(sentences)
    for name, scores in info["sentences"].items():
        assert scores == {k: v for k, v in sentences[name].items() if k != "n"}
    has_card = (DEFAULT_MODEL_DIR / constants.MODEL_CARD_FILE).is_file()
    assert info["model_card"] == ("/v1/model/card" if has_card else None)
    assert info["limits"] == {
        "max_text_chars": 10_000,
        "max_batch_items": 64,
        "max_body_bytes": 1_048_576,
        "max_explained_words": 200,
        "max_sentences": 100,
        "max_batch_sentences": 256,
    }


def test_model_card_is_served_as_markdown_and_linked_from_model_info(make_client, fake, model_copy):
    card = "# Model card\n\nIntended use: English movie reviews \u2014 not other text.\n"
    (model_copy / constants.MODEL_CARD_FILE).write_text(card, encoding="utf-8")
    client = make_client(fake, model_dir=model_copy)
    response = client.get("/v1/model/card")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.text == card
    assert client.get("/v1/model").json()["model_card"] == "/v1/model/card"
    assert "/v1/model/card" in client.get("/openapi.json").json()["paths"]


def test_without_a_card_file_there_is_no_card_route_and_no_link(make_client, fake, model_copy):
    (model_copy / constants.MODEL_CARD_FILE).unlink(missing_ok=True)
    client = make_client(fake, model_dir=model_copy)
    assert_error(client.get("/v1/model/card"), 404, "not_found")
    assert client.get("/v1/model").json()["model_card"] is None


def test_the_shipped_model_card_is_served(client):
    # The card travels in the model folder (convert/reports/results.py writes it there), so the image has it.
    response = client.get("/v1/model/card")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/markdown")
    assert "# Model card" in response.text
    assert response.text == (DEFAULT_MODEL_DIR / constants.MODEL_CARD_FILE).read_text("utf-8")


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
    assert response.json()["words_used"] == 10


def test_model_failure_is_a_503_and_the_next_request_is_served(make_client, fake):
    client = make_client(fake)
    fake.fail_next = 1
    assert_error(client.post("/v1/predict", json={"text": "good"}), 503, "model_unavailable")
    assert client.post("/v1/predict", json={"text": "good"}).status_code == 200
    fake.fail_next = 1
    assert_error(client.get("/v1/health"), 503, "model_unavailable")
    assert client.get("/v1/health").status_code == 200


def test_interpreter_error_in_the_real_predictor_is_a_503_then_recovers(make_client, monkeypatch):
    from handler.inference.predictor import LitePredictor
    from handler.inference.runtime import TfliteModel

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
    from handler.observability import logs

    logs.configure("INFO")
    client = make_client(fake)
    capsys.readouterr()
    response = client.post("/v1/predict", json={"text": f"good {MARKER} good"})
    client.post("/v1/predict", json={"text": f"{MARKER}" * 20_000})
    out = capsys.readouterr().out
    assert MARKER not in out
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    first = next(line for line in lines if line["message"] == "request")
    assert first["request_id"] == response.headers["x-request-id"]
    assert first["method"] == "POST"
    assert first["path"] == "/v1/predict"
    assert first["status"] == 200
    assert first["text_chars"] == len(f"good {MARKER} good")
    assert isinstance(first["latency_ms"], float)
    assert lines[-1]["status"] == 422
