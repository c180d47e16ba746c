"""A person types a review and sees the label, the probability and the words that drove it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.frontend.helpers import (
    MIXED,
    NEGATIVE,
    POSITIVE,
    analyze,
    is_predict,
    record_predict_requests,
    wait_idle,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(("text", "label"), [(POSITIVE, "positive"), (NEGATIVE, "negative")])
def test_review_shows_label_probability_and_highlights(page: Page, text: str, label: str) -> None:
    body = analyze(page, text)

    assert body["label"] == label
    assert body["words_used"] > 0
    expect(page.locator("#probability-meter")).to_be_visible()
    expect(page.locator("#label")).to_have_text(label, ignore_case=True)
    meter = page.get_by_role("meter", name="Probability that the review is positive")
    assert float(meter.get_attribute("aria-valuenow")) == pytest.approx(
        body["probability"] * 100, abs=0.05
    )
    expect(page.locator("#probability-text")).to_contain_text(f"{body['probability'] * 100:.1f}%")

    marks = page.locator("#highlighted mark.word")
    expect(marks.first).to_be_visible()
    explained = {e["word"]: e["weight"] for e in body["explanation"]}
    assert marks.count() >= 1
    for i in range(marks.count()):
        mark = marks.nth(i)
        word = mark.inner_text().lower()
        weight = float(mark.get_attribute("data-weight"))
        assert weight == pytest.approx(explained[word])
        expected_class = "word-pos" if weight > 0 else "word-neg" if weight < 0 else "word-zero"
        expect(mark).to_have_class(f"word {expected_class}")
        sign = "+" if weight > 0 else "\u2212" if weight < 0 else "±"
        expect(mark).to_have_attribute("title", f"weight {sign}{abs(weight):.3f}")
    # The highlighted copy is the typed text itself, whitespace and all, with nothing dropped
    # (text_content, not to_have_text, which would collapse whitespace).
    assert page.locator("#highlighted").text_content() == text


def test_highlights_show_both_directions_and_screenshot(page: Page, artifacts: Path) -> None:
    body = analyze(page, MIXED)

    weights = [e["weight"] for e in body["explanation"]]
    if any(w > 0 for w in weights):
        expect(page.locator("#highlighted mark.word-pos").first).to_be_visible()
    if any(w < 0 for w in weights):
        expect(page.locator("#highlighted mark.word-neg").first).to_be_visible()
    top = page.locator("#top-words li")
    expect(top).to_have_count(min(8, len(weights)))
    # Strongest first, as the heading promises.
    shown = [
        abs(float(t.replace("\u2212", "-"))) for t in page.locator(".top-weight").all_inner_texts()
    ]
    assert shown == sorted(shown, reverse=True)
    page.screenshot(path=artifacts / "page-desktop.png", full_page=True)


def test_example_button_fills_the_review_and_analyzes(page: Page) -> None:
    requests = record_predict_requests(page)
    button = page.get_by_role("button", name="Clearly negative")
    with page.expect_response(lambda r: is_predict(r.request)):
        button.click()
    wait_idle(page)

    typed = page.locator("#review").input_value()
    assert "terrible" in typed
    assert len(requests) == 1
    assert requests[0].post_data_json == {"text": typed, "explain": True, "sentences": True}
    expect(page.locator("#label")).to_have_text(re.compile(r"^(Positive|Negative)$"))


def test_each_example_chip_gets_the_label_it_shows_off(page: Page) -> None:
    # The chips demonstrate what the shipped model reads (negation, contrast, a question
    # answered): a model that misreads one of them fails here, not on the page.
    chips = page.locator("button.example[data-expected]")
    assert chips.count() >= 6
    for i in range(chips.count()):
        chip = chips.nth(i)
        with page.expect_response(lambda r: is_predict(r.request)):
            chip.click()
        wait_idle(page)
        expected = chip.get_attribute("data-expected")
        assert expected is not None
        expect(page.locator("#label")).to_have_text(expected.capitalize())


def test_review_text_is_shown_as_text_not_markup(page: Page) -> None:
    text = 'A <b>wonderful</b> plot <img src=x onerror="document.title=1"> & "great"\n\nDull.'
    analyze(page, text)

    highlighted = page.locator("#highlighted")
    assert highlighted.text_content() == text
    assert highlighted.locator("b, img").count() == 0
    assert page.title() == "Movie review sentiment"


def test_footer_shows_model_version_and_accuracy(page: Page, model_info: dict) -> None:
    # The figures are the service's (GET /v1/model), which reads them from the manifest.
    accuracy = model_info["accuracy"]["int8"]
    expect(page.locator("#model-info")).to_have_text(
        f"Model {model_info['model_version']} \u00b7 {accuracy * 100:.1f}% accuracy"
        f" on {model_info['evaluated_on']}"
    )
    limit = model_info["limits"]["max_text_chars"]
    expect(page.locator("#counter")).to_have_text(f"0 / {limit:,}")


@pytest.mark.parametrize(
    ("info", "footer"),
    [
        (
            {"model_version": "m1", "accuracy": {"int8": 0.8876}, "evaluated_on": "IMDb test"},
            "Model m1 \u00b7 88.8% accuracy on IMDb test",
        ),
        ({"model_version": "m2", "accuracy": {"int8": 0.9}}, "Model m2 \u00b7 90.0% accuracy"),
        ({"model_version": "m3", "accuracy": {"keras": 0.9}}, "Model m3"),
        ({"model_version": "m5", "accuracy": {"int8": "high"}}, "Model m5"),
        # The manifest's own nesting is not what the service sends, so it is not read.
        (
            {"version": "m4", "metrics": {"split": "test", "scores": {"int8": {"accuracy": 0.9}}}},
            "Model version unknown",
        ),
        ({"limits": {}}, "Model version unknown"),
    ],
)
def test_footer_copes_with_missing_fields(new_page, base_url: str, info: dict, footer: str) -> None:
    page = new_page()
    page.route("**/v1/model", lambda route: route.fulfill(json=info))
    page.goto(f"{base_url}/")
    expect(page.locator("#model-info")).to_have_text(footer)
    expect(page.locator("#counter")).to_have_text("0 / 10,000")  # the default, kept


def test_limit_comes_from_the_model_endpoint(new_page, base_url: str) -> None:
    page = new_page()
    page.route(
        "**/v1/model",
        lambda route: route.fulfill(json={"model_version": "m1", "limits": {"max_text_chars": 40}}),
    )
    page.goto(f"{base_url}/")
    expect(page.locator("#counter")).to_have_text("0 / 40")
    page.fill("#review", "x" * 41)
    expect(page.locator("#counter")).to_contain_text("41 / 40")
    expect(page.locator("#review")).to_have_attribute("aria-invalid", "true")


def test_a_text_with_no_known_word_says_the_model_cannot_judge(page: Page) -> None:
    body = analyze(page, "the the the")

    assert body["words_used"] == 0
    expect(page.locator("#label")).to_have_text("Cannot judge")
    expect(page.locator("#probability-text")).to_contain_text("knows none of these words")
    expect(page.locator("#probability-meter")).to_be_hidden()
    expect(page.locator("#explanation")).to_be_hidden()
    # The next real review brings the meter back.
    analyze(page, POSITIVE)
    expect(page.locator("#probability-meter")).to_be_visible()


def test_footer_links_to_the_model_card(page: Page) -> None:
    link = page.get_by_role("link", name="Model card")
    expect(link).to_have_attribute("href", re.compile(r"/v1/model/card$"))


def test_a_text_of_unknown_words_cannot_be_judged_either(page: Page) -> None:
    body = analyze(page, "zzqx vvbn")

    assert body["words_used"] == 0
    expect(page.locator("#label")).to_have_text("Cannot judge")
    expect(page.locator("#probability-meter")).to_be_hidden()


def test_a_weight_below_the_models_resolution_is_shown_as_neutral(page: Page) -> None:
    # The service reports a change within one int8 step as exactly 0.0: neither colour.
    answer = {
        "label": "positive",
        "probability": 0.8,
        "words_used": 3,
        "model_version": "m1",
        "explanation": [
            {"word": "great", "weight": 1.25, "occurrences": [{"start": 0, "end": 5}]},
            {"word": "plot", "weight": 0.0, "occurrences": [{"start": 6, "end": 10}]},
            {"word": "dull", "weight": -0.5, "occurrences": [{"start": 12, "end": 16}]},
        ],
    }
    page.route("**/v1/predict", lambda route: route.fulfill(json=answer))
    analyze(page, "Great plot, dull ending")

    plot = page.locator("#highlighted mark.word", has_text="plot")
    expect(plot).to_have_class("word word-zero")
    expect(plot).to_have_attribute("title", "weight \u00b10.000")
    expect(page.locator("#highlighted mark.word-pos")).to_have_text("Great")
    expect(page.locator("#highlighted mark.word-neg")).to_have_text("dull")
    expect(page.locator("#top-words li.zero .top-word")).to_have_text("plot")
    expect(page.locator("#probability-meter")).to_be_visible()
