"""Every failure a person can meet gets a clear message, and invalid input never leaves the page."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

from tests.frontend.conftest import free_port, open_page
from tests.frontend.helpers import (
    POSITIVE,
    analyze,
    is_predict,
    record_predict_requests,
    sent_text,
    wait_idle,
)

pytestmark = pytest.mark.browser

THROTTLED = "Too many requests, try again in a moment."
UNREACHABLE = "Can't reach the sentiment service"


def test_too_long_text_shows_a_message_and_sends_nothing(page: Page, model_info: dict) -> None:
    limit = model_info["limits"]["max_text_chars"]
    requests = record_predict_requests(page)
    page.fill("#review", "great " * (limit // 6) + "x" * (limit % 6 + 1))  # limit + 1 chars

    expect(page.locator("#counter")).to_contain_text("1 over the limit")
    page.click("#analyze")
    expect(page.locator("#message")).to_have_text(
        f"Your review is {limit + 1:,} characters long; the limit is {limit:,}. "
        "Shorten it and try again."
    )
    # A request that slipped out would still be answered before this one: prove there was none.
    analyze(page, POSITIVE)
    assert [sent_text(r) for r in requests] == [POSITIVE]


def test_limit_counts_characters_like_the_service(new_page, base_url: str) -> None:
    # Python's len() counts code points; an emoji is one character, not two UTF-16 units.
    page = new_page()
    page.route("**/v1/model", lambda route: route.fulfill(json={"limits": {"max_text_chars": 10}}))
    open_page(page, base_url)
    page.fill("#review", "\U0001f3ac" * 10)
    expect(page.locator("#counter")).to_have_text("10 / 10")
    expect(page.locator("#review")).to_have_attribute("aria-invalid", "false")


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_text_shows_a_message_and_sends_nothing(page: Page, text: str) -> None:
    requests = record_predict_requests(page)
    page.fill("#review", text)
    page.click("#analyze")
    expect(page.locator("#message")).to_have_text("Type or paste a review first.")
    expect(page.locator("#review")).to_be_focused()
    analyze(page, POSITIVE)
    assert [sent_text(r) for r in requests] == [POSITIVE]


def test_network_failure_shows_unreachable(page: Page) -> None:
    analyze(page, POSITIVE)  # a stale result must not survive the failure
    page.route("**/v1/predict", lambda route: route.abort("connectionrefused"))
    page.fill("#review", POSITIVE)
    page.click("#analyze")
    expect(page.locator("#message")).to_contain_text(UNREACHABLE)
    expect(page.locator("#result")).to_be_hidden()
    expect(page.locator("#explanation")).to_be_hidden()


def test_api_base_from_config_json_pointing_at_a_closed_port(new_page, base_url: str) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    page = new_page()
    page.route("**/config.json", lambda route: route.fulfill(json={"apiBaseUrl": f"{closed}/"}))
    requests = record_predict_requests(page)
    open_page(page, base_url)

    expect(page.locator("#model-info")).to_have_text("Model details are unavailable right now.")
    page.fill("#review", POSITIVE)
    page.click("#analyze")
    expect(page.locator("#message")).to_contain_text(UNREACHABLE)
    assert [r.url for r in requests] == [f"{closed}/v1/predict"]


@pytest.mark.parametrize("config", [{}, {"apiBaseUrl": ""}, {"apiBaseUrl": "not a url"}])
def test_config_without_a_usable_url_means_same_origin(
    new_page, base_url: str, config: dict
) -> None:
    page = new_page()
    page.route("**/config.json", lambda route: route.fulfill(json=config))
    open_page(page, base_url)
    body = analyze(page, POSITIVE)
    assert body["label"] == "positive"
    expect(page.locator("#result")).to_be_visible()


def _fulfil_predict(page: Page, status: int, body: dict | str) -> None:
    def handle(route: Route) -> None:
        if isinstance(body, str):
            route.fulfill(status=status, body=body, content_type="text/html")
        else:
            route.fulfill(status=status, json=body)

    page.route("**/v1/predict", handle)


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (429, {"message": "Too Many Requests"}, THROTTLED),  # API Gateway's own shape
        (500, {"error": {"code": "internal", "message": "boom"}}, "problem (HTTP 500)"),
        (503, "<html>Service Unavailable</html>", "problem (HTTP 503)"),
        (
            422,
            {"error": {"code": "validation_error", "message": "text must not be empty"}},
            "text must not be empty",
        ),
        (404, "<html>nope</html>", "rejected the request (HTTP 404)"),
        (200, {"label": "maybe"}, "does not understand"),
    ],
)
def test_http_errors_have_their_messages(
    page: Page, status: int, body: dict | str, message: str
) -> None:
    _fulfil_predict(page, status, body)
    page.fill("#review", POSITIVE)
    page.click("#analyze")
    expect(page.locator("#message")).to_contain_text(message)
    expect(page.locator("#message")).to_have_attribute("role", "alert")
    expect(page.locator("#result")).to_be_hidden()
    # 5xx bodies are never shown: they are not written for people.
    expect(page.locator("#message")).not_to_contain_text("boom")


def test_validation_error_from_the_real_service_is_shown(new_page, base_url: str, model_info):
    # Let the page believe in a larger limit so the service itself has to refuse the text.
    limit = model_info["limits"]["max_text_chars"]
    page = new_page()
    page.route(
        "**/v1/model",
        lambda route: route.fulfill(json={"limits": {"max_text_chars": limit * 2}}),
    )
    open_page(page, base_url)
    page.fill("#review", "x" * (limit + 1))
    with page.expect_response(lambda r: is_predict(r.request)) as info:
        page.click("#analyze")
    response = info.value
    assert response.status == 422
    expect(page.locator("#message")).to_have_text(response.json()["error"]["message"])


def test_loading_state_while_the_request_is_in_flight(page: Page) -> None:
    held: list[Route] = []
    page.route("**/v1/predict", lambda route: held.append(route))  # answered when told
    requests = record_predict_requests(page)
    page.fill("#review", POSITIVE)
    with page.expect_request(is_predict):
        page.click("#analyze")

    expect(page.locator("#analyze")).to_be_disabled()
    expect(page.locator("#analyze")).to_have_text("Analyzing…")
    expect(page.locator("#review-form")).to_have_attribute("aria-busy", "true")
    expect(page.get_by_role("button", name="Mixed")).to_be_disabled()
    page.locator("#review").press("Control+Enter")  # ignored: one request at a time

    expect(page.locator("#result")).to_be_hidden()
    held[0].continue_()
    wait_idle(page)
    expect(page.locator("#review-form")).to_have_attribute("aria-busy", "false")
    expect(page.locator("#analyze")).to_have_text("Analyze")
    expect(page.locator("#label")).to_have_text("Positive")
    assert len(requests) == 1
