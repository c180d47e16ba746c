"""Per-sentence answers (`"sentences": true`) on /v1/predict and the batch route."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from hypothesis import given, settings
from hypothesis import strategies as st

from handler.api.app import create_app
from handler.inference.text import sentence_spans
from handler.settings import Settings
from tests.handler.conftest import FakePredictor, load_event
from tests.handler.test_api import MARKER, assert_error
from tests.handler.test_lambda import invoke
from tests.handler.test_predict_properties import PIECES

JSON = {"content-type": "application/json"}
# What reviews hold before, between and after sentences: an emoji (two UTF-16 units, one code
# point), <br /> paragraphs, abbreviations, decimals, a missing space, a sentence of unknown words.
TEXTS = [
    "\U0001f60d Loved it. The ending was weak, though.",
    "A wonderful, brilliant cast.<br /><br />Sadly the plot is dull and far too long.",
    "Dr. Smith was great in it. I give it 8.5/10.Worth it!",
    "Wonderful acting. Zzqx vvbn qqwx.",
    "\U0001f44d\U0001f3fd\U0001f44d\U0001f3fd Superb! Awful! Fine.",
    "One sentence, no final punctuation",
]
SENTENCE_KEYS = {"start", "end", "label", "probability", "words_used"}


def post(client, path: str, body: dict) -> dict:
    # json.dumps escapes lone surrogates, which httpx's own encoder refuses.
    response = client.post(path, content=json.dumps(body), headers=JSON)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("text", TEXTS)
def test_each_sentence_gets_exactly_what_predict_answers_for_it_alone(client, text):
    body = post(client, "/v1/predict", {"text": text, "sentences": True})
    spans = [(s["start"], s["end"]) for s in body["sentences"]]
    # Code-point offsets, in order, one per sentence the splitter finds.
    assert spans == sentence_spans(text)
    for sentence in body["sentences"]:
        assert set(sentence) == SENTENCE_KEYS
        alone = post(client, "/v1/predict", {"text": text[sentence["start"] : sentence["end"]]})
        assert {k: alone[k] for k in ("label", "probability", "words_used")} == {
            k: sentence[k] for k in ("label", "probability", "words_used")
        }
    # The whole text's own answer is unchanged by asking for its sentences.
    plain = post(client, "/v1/predict", {"text": text})
    assert {k: body[k] for k in plain} == plain


def test_offsets_count_code_points_not_utf16_units(client):
    text = TEXTS[0]
    (first, second) = post(client, "/v1/predict", {"text": text, "sentences": True})["sentences"]
    assert text[first["start"] : first["end"]] == "\U0001f60d Loved it."
    assert text[second["start"] : second["end"]] == "The ending was weak, though."
    # In UTF-16 (JavaScript's strings) the second sentence starts one unit later.
    assert len(text[: second["start"]].encode("utf-16-le")) // 2 == second["start"] + 1


def test_a_sentence_without_a_known_word_says_so(client):
    text = "Wonderful acting. Zzqx vvbn qqwx."
    known, unknown = post(client, "/v1/predict", {"text": text, "sentences": True})["sentences"]
    assert known["words_used"] > 0
    assert unknown["words_used"] == 0
    alone = post(client, "/v1/predict", {"text": text[unknown["start"] : unknown["end"]]})
    assert alone["words_used"] == 0


def test_without_sentences_the_answers_are_as_before(client):
    single = post(client, "/v1/predict", {"text": TEXTS[1]})
    assert set(single) == {"label", "probability", "words_used", "model_version", "explanation"}
    batch = post(client, "/v1/predict/batch", {"texts": TEXTS[:2], "sentences": False})
    assert all(set(p) == {"label", "probability", "words_used"} for p in batch["predictions"])


def test_explanation_and_sentences_together(client):
    text = TEXTS[1]
    both = post(client, "/v1/predict", {"text": text, "explain": True, "sentences": True})
    explained = post(client, "/v1/predict", {"text": text, "explain": True})
    split = post(client, "/v1/predict", {"text": text, "sentences": True})
    assert both["explanation"] == explained["explanation"]
    assert both["sentences"] == split["sentences"]
    assert both["probability"] == explained["probability"] == split["probability"]


def test_batch_sentences_match_the_single_route(client):
    batch = post(client, "/v1/predict/batch", {"texts": TEXTS, "sentences": True})
    for text, got in zip(TEXTS, batch["predictions"], strict=True):
        single = post(client, "/v1/predict", {"text": text, "sentences": True})
        assert got == {k: single[k] for k in ("label", "probability", "words_used", "sentences")}


def test_a_text_without_sentences_gets_an_empty_list(client):
    # Not blank, so valid, but nothing visible outside the <br /> tags.
    body = post(client, "/v1/predict", {"text": "<br /><br />", "sentences": True})
    assert body["sentences"] == []
    assert body["words_used"] == 0


def test_lone_surrogates_are_offsets_like_any_character(client):
    text = "\ud800 Good. Bad \udfff."
    body = post(client, "/v1/predict", {"text": text, "sentences": True})
    assert [(s["start"], s["end"]) for s in body["sentences"]] == [(0, 7), (8, 14)]


def test_texts_and_sentences_go_to_the_model_in_one_call(make_client, fake):
    client = make_client(fake)
    text = "good fun. bad plot. good fun."
    post(client, "/v1/predict", {"text": text, "sentences": True})
    # Each distinct string once: the repeated sentence is scored once.
    assert fake.calls == [[text, "good fun.", "bad plot."]]
    fake.calls.clear()
    post(client, "/v1/predict/batch", {"texts": [text, "good."], "sentences": True})
    assert fake.calls == [[text, "good.", "good fun.", "bad plot."]]
    fake.calls.clear()
    # A text of one sentence is its own sentence: one row.
    post(client, "/v1/predict", {"text": "good fun", "sentences": True})
    assert fake.calls == [["good fun"]]


def test_with_an_explanation_the_sentences_take_one_more_call(make_client, fake):
    client = make_client(fake)
    body = post(
        client, "/v1/predict", {"text": "good fun. bad plot.", "explain": True, "sentences": True}
    )
    assert fake.calls == [["good fun. bad plot."], ["good fun.", "bad plot."]]
    assert [s["probability"] for s in body["sentences"]] == [0.5, 0.0]


def test_sentence_limits_are_enforced_with_their_own_code(make_client, fake):
    client = make_client(fake, max_sentences=3, max_batch_sentences=5)
    three, four = "good. " * 3, "good. " * 3 + MARKER + "."
    assert post(client, "/v1/predict", {"text": three, "sentences": True})["sentences"]
    response = client.post("/v1/predict", json={"text": four, "sentences": True})
    assert_error(response, 422, "too_many_sentences")
    assert response.json()["error"]["message"] == "text: 4 sentences, over the limit of 3"
    # The limit is on sentences asked for: the whole text alone is still answered.
    assert post(client, "/v1/predict", {"text": four})["label"]

    batch = {"texts": ["good.", four], "sentences": True}
    response = client.post("/v1/predict/batch", json=batch)
    assert_error(response, 422, "too_many_sentences")
    assert response.json()["error"]["message"].startswith("texts.1: 4 sentences")
    response = client.post("/v1/predict/batch", json={"texts": [three, three], "sentences": True})
    assert_error(response, 422, "too_many_sentences")
    assert "5 sentences in all" in response.json()["error"]["message"]
    assert post(client, "/v1/predict/batch", {"texts": [three, "good. bad."], "sentences": True})
    assert fake.calls[-1] == [three, "good. bad.", "good.", "bad."]


def test_default_limits_are_published_in_model_and_schema(client):
    limits = client.get("/v1/model").json()["limits"]
    assert (limits["max_sentences"], limits["max_batch_sentences"]) == (100, 256)
    schemas = client.get("/openapi.json").json()["components"]["schemas"]
    assert (
        "at most 100 sentences a text"
        in schemas["PredictRequest"]["properties"]["sentences"]["description"]
    )
    assert "256 in all" in schemas["BatchRequest"]["properties"]["sentences"]["description"]
    assert set(schemas["Sentence"]["properties"]) == SENTENCE_KEYS
    assert "sentences" not in schemas["PredictResponse"].get("required", [])
    responses = client.get("/openapi.json").json()["paths"]["/v1/predict"]["post"]["responses"]
    assert "too_many_sentences" in responses["422"]["description"]


def test_the_default_limit_on_the_real_service(client):
    body = {"text": "Bad. " * 101, "sentences": True}
    assert_error(client.post("/v1/predict", json=body), 422, "too_many_sentences")


@pytest.mark.parametrize("value", ["true", 1, None, [True]])
def test_sentences_must_be_a_boolean(client, value):
    response = client.post("/v1/predict", json={"text": "good", "sentences": value})
    assert_error(response, 422, "validation_error")
    assert response.json()["error"]["message"].startswith("sentences:")


def test_an_api_gateway_event_through_the_lambda_handler(predictor):
    event = load_event("http_api_v2_predict_sentences.json")
    response, body = invoke(event)
    assert response["statusCode"] == 200, body
    text = json.loads(event["body"])["text"]
    got = json.loads(body)
    assert [(s["start"], s["end"]) for s in got["sentences"]] == sentence_spans(text) != []
    answers = predictor.predict([text[s["start"] : s["end"]] for s in got["sentences"]])
    for sentence, answer in zip(got["sentences"], answers, strict=True):
        assert sentence["probability"] == round(answer.probability, 6)
        assert sentence["words_used"] == answer.words_used


# One app for every example: building one per example would be most of the test's time.
FAKE = FakePredictor()
FAKE_CLIENT = TestClient(create_app(Settings(), FAKE))


# Any Unicode, with what ends or does not end sentences mixed in.
ENDS = st.sampled_from([". ", ".", "! ", "?", "...", "<br />", "Dr. ", "8.5/10. ", '." ', "\n"])
TEXT = st.lists(st.one_of(PIECES, ENDS), min_size=1, max_size=60).map("".join)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(text=TEXT, sentences=st.booleans())
def test_any_text_gets_valid_spans_or_a_documented_refusal(text, sentences):
    body = json.dumps({"text": text, "sentences": sentences})
    response = FAKE_CLIENT.post("/v1/predict", content=body, headers=JSON)
    # Offsets are into the text as JSON decodes it: "\\udbff\\udc00" is one code point there.
    text = json.loads(body)["text"]
    if not text.strip():  # str.strip() strips exactly what the service calls blank
        assert_error(response, 422, "validation_error")
        return
    assert response.status_code == 200, response.text
    got = response.json()
    assert ("sentences" in got) == sentences
    end = 0
    for sentence in got.get("sentences", []):
        assert end <= sentence["start"] < sentence["end"] <= len(text)
        end = sentence["end"]
        alone = FAKE.predict([text[sentence["start"] : sentence["end"]]])[0]
        assert (sentence["probability"], sentence["words_used"]) == (
            round(alone.probability, 6),
            alone.words_used,
        )
