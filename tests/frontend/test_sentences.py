"""Each sentence's sentiment shown in place, for the eye and for screen readers."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.frontend.helpers import analyze, is_predict, record_predict_requests, wait_idle

pytestmark = pytest.mark.browser

# An emoji (one code point, two UTF-16 units) before the first sentence shifts every JavaScript
# string index by one against the API's code-point offsets; a paragraph break and a sentence
# without a word the model knows follow.
REVIEW = (
    "\U0001f60d A wonderful, moving story and a superb cast. Sadly the plot is a mess and the "
    "ending is dull.<br /><br />Zzqx vvbn qqwx."
)


def shown_text(page: Page) -> str:
    """The sentence view's text as a sighted reader sees it, without the scores."""
    return page.locator("#sentence-text").evaluate(
        """e => {
          const copy = e.cloneNode(true);
          copy.querySelectorAll('.sentence-score, .visually-hidden').forEach(n => n.remove());
          return copy.textContent;
        }"""
    )


def test_each_sentence_is_marked_in_place_with_its_answer(page: Page) -> None:
    requests = record_predict_requests(page)
    body = analyze(page, REVIEW)

    assert requests[0].post_data_json == {"text": REVIEW, "explain": True, "sentences": True}
    sentences = body["sentences"]
    assert len(sentences) == 3
    expect(page.locator("#sentences")).to_be_visible()
    marks = page.locator("#sentence-text .sentence")
    expect(marks).to_have_count(len(sentences))
    for i, s in enumerate(sentences):
        mark = marks.nth(i)
        # The API's offsets are code points: Python slices the same way.
        expect(mark.locator(".sentence-body")).to_have_text(REVIEW[s["start"] : s["end"]])
        kind = "unknown" if s["words_used"] == 0 else s["label"]
        expect(mark).to_have_class(f"sentence sentence-{kind}")
        percent = f"{s['probability'] * 100:.1f}%"
        said = mark.locator(".visually-hidden")
        if kind == "unknown":
            expect(said).to_have_text("Sentence the model cannot judge: ")
            expect(mark.locator(".sentence-score")).to_have_text("?")
        else:
            expect(said).to_have_text(
                f"{kind.capitalize()} sentence, {percent} probability positive: "
            )
            expect(mark.locator(".sentence-score")).to_have_text(percent)
        expect(mark.locator(".sentence-score")).to_have_attribute("aria-hidden", "true")
    assert sentences[2]["words_used"] == 0
    # Nothing dropped, nothing added: the gaps (the <br /> tags) stay as typed.
    assert shown_text(page) == REVIEW


def test_screen_readers_hear_each_verdict_before_its_sentence(page: Page) -> None:
    analyze(page, REVIEW)
    first = page.locator("#sentence-text .sentence").first
    # What assistive technology reads: the hidden label, then the sentence, never the pill.
    spoken = first.evaluate(
        """e => [...e.childNodes].filter(n => n.getAttribute('aria-hidden') !== 'true')
                 .map(n => n.textContent).join('')"""
    )
    assert re.fullmatch(
        r"(Positive|Negative) sentence, \d+\.\d% probability positive: "
        "\U0001f60d A wonderful, moving story and a superb cast\\.",
        spoken,
    )


def test_one_sentence_needs_no_sentence_view(page: Page) -> None:
    body = analyze(page, "A wonderful, moving story and a superb cast.")
    assert len(body["sentences"]) == 1
    expect(page.locator("#label")).to_be_visible()
    expect(page.locator("#sentences")).to_be_hidden()
    # And a longer review after it brings the view back.
    analyze(page, REVIEW)
    expect(page.locator("#sentences")).to_be_visible()


def test_too_many_sentences_still_gets_the_whole_reviews_answer(page: Page, model_info) -> None:
    limit = model_info["limits"]["max_sentences"]
    text = "Great fun. " * (limit + 1)
    requests = record_predict_requests(page)
    page.fill("#review", text)
    page.click("#analyze")
    expect(page.locator("#sentences-note")).to_be_visible()
    wait_idle(page)
    # Refused with its own code by the real service, then asked again without sentences.
    assert [r.post_data_json.get("sentences") for r in requests] == [True, False]
    assert requests[0].response().status == 422
    expect(page.locator("#label")).to_have_text(re.compile(r"^(Positive|Negative)$"))
    expect(page.locator("#sentences-note")).to_have_text(
        f"This review has more than {limit:,} sentences, more than the service judges one by "
        "one, so only the whole review's sentiment is shown."
    )
    expect(page.locator("#sentence-text")).to_be_hidden()
    expect(page.locator("#message")).to_be_hidden()


def test_sentence_text_is_text_not_markup(page: Page) -> None:
    text = 'Loved it. <img src=x onerror="document.title=1"> <b>Awful</b> ending.'
    analyze(page, text)
    view = page.locator("#sentence-text")
    expect(view.locator(".sentence")).to_have_count(2)
    assert view.locator("b, img").count() == 0
    assert shown_text(page) == text
    assert page.title() == "Movie review sentiment"


def test_answers_the_page_cannot_use_are_not_shown(new_page, base_url: str) -> None:
    from tests.frontend.conftest import open_page

    page = new_page()
    answer = {
        "label": "positive",
        "probability": 0.8,
        "words_used": 3,
        "model_version": "m1",
        "explanation": None,
        # Overlapping sentences: not in order, so none is shown.
        "sentences": [
            {"start": 0, "end": 6, "label": "positive", "probability": 0.9, "words_used": 1},
            {"start": 3, "end": 9, "label": "negative", "probability": 0.1, "words_used": 1},
        ],
    }
    page.route("**/v1/predict", lambda route: route.fulfill(json=answer))
    open_page(page, base_url)
    page.fill("#review", "Good. Bad.")
    with page.expect_response(lambda r: is_predict(r.request)):
        page.click("#analyze")
    wait_idle(page)
    expect(page.locator("#label")).to_have_text("Positive")
    expect(page.locator("#sentences")).to_be_hidden()


def sentence_segments(page: Page, text: str, sentences: list[dict]) -> list[dict]:
    return page.evaluate(
        "([t, s]) => window.sentimentPage.sentenceSegments(t, s)", [text, sentences]
    )


def test_code_point_offsets_slice_strings_with_astral_characters(page: Page) -> None:
    text = "\U0001f44d\U0001f3fd Great. \U0001f3ac Dull.\n"
    spans = [(0, 9), (10, 17)]
    assert [text[a:b] for a, b in spans] == ["\U0001f44d\U0001f3fd Great.", "\U0001f3ac Dull."]
    sentences = [{"start": a, "end": b, "label": "positive", "probability": 0.5} for a, b in spans]
    parts = sentence_segments(page, text, sentences)
    assert [p["text"] for p in parts] == [
        "\U0001f44d\U0001f3fd Great.",
        " ",
        "\U0001f3ac Dull.",
        "\n",
    ]
    assert ["sentence" in p for p in parts] == [True, False, True, False]


@pytest.mark.parametrize(
    ("sentences", "usable"),
    [
        ([{"start": 0, "end": 5, "label": "positive", "probability": 0.7}], True),
        ([], True),
        ([{"start": 0, "end": 11, "label": "positive", "probability": 0.7}], False),  # too far
        ([{"start": 2, "end": 2, "label": "positive", "probability": 0.7}], False),  # empty
        ([{"start": 0, "end": 5, "label": "great", "probability": 0.7}], False),
        ([{"start": 0, "end": 5, "label": "positive", "probability": "0.7"}], False),
        ([{"start": 0.5, "end": 5, "label": "positive", "probability": 0.7}], False),
        ("all of them", False),
    ],
)
def test_only_well_formed_sentences_are_used(page: Page, sentences, usable: bool) -> None:
    # "Good. Bad." is 10 code points.
    got = page.evaluate(
        "([s, t]) => window.sentimentPage.checkSentences(s, t)", [sentences, "Good. Bad."]
    )
    assert (got is not None) == usable
