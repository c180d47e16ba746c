"""Keyboard-only use, phone width, reduced motion and the page's accessibility landmarks."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.frontend.conftest import open_page
from tests.frontend.helpers import MIXED, POSITIVE, is_predict, wait_idle

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_keyboard_only_tab_order_and_ctrl_enter(page: Page) -> None:
    page.keyboard.press("Tab")
    assert focused_id(page) == "review"
    page.keyboard.type(POSITIVE)
    page.keyboard.press("Tab")
    assert focused_id(page) == "analyze"
    # The focus ring is drawn by a box-shadow; the browser's default outline is switched off.
    assert page.locator("#analyze").evaluate("e => getComputedStyle(e).boxShadow") != "none"
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Clearly positive")).to_be_focused()

    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert focused_id(page) == "review"
    with page.expect_response(lambda r: is_predict(r.request)) as info:
        page.keyboard.press("Control+Enter")
    wait_idle(page)
    assert info.value.request.post_data_json["text"] == POSITIVE
    expect(page.locator("#label")).to_have_text("Positive")
    # Ctrl+Enter must not have added a line break to the review.
    expect(page.locator("#review")).to_have_value(POSITIVE)
    expect(page.locator("#review")).to_be_focused()


def test_enter_on_the_analyze_button_submits(page: Page) -> None:
    page.fill("#review", POSITIVE)
    page.focus("#analyze")
    with page.expect_response(lambda r: is_predict(r.request)):
        page.keyboard.press("Enter")
    wait_idle(page)
    expect(page.locator("#label")).to_have_text("Positive")
    # Disabling the button while busy must not strand keyboard focus on <body>.
    expect(page.locator("#analyze")).to_be_focused()


def test_controls_are_labelled_and_regions_are_live(page: Page) -> None:
    assert page.evaluate("document.documentElement.lang") == "en"
    expect(page.get_by_role("textbox", name="Your review")).to_be_visible()
    expect(page.get_by_role("button", name="Analyze")).to_be_visible()
    expect(page.locator("#result")).to_have_attribute("aria-live", "polite")
    expect(page.locator("#message")).to_have_attribute("role", "alert")
    expect(page.get_by_role("group", name="Try an example")).to_be_visible()
    # The meter's accessible value mirrors what sighted users read.
    page.fill("#review", POSITIVE)
    with page.expect_response(lambda r: is_predict(r.request)):
        page.click("#analyze")
    wait_idle(page)
    meter = page.get_by_role("meter", name="Probability that the review is positive")
    shown = page.locator("#probability-text").inner_text()  # "57.8% probability positive"
    expect(meter).to_have_attribute("aria-valuetext", shown.replace(" probability", ""))


def test_phone_width_has_no_horizontal_scroll(new_page, base_url: str, artifacts: Path) -> None:
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True)
    open_page(page, base_url)
    # An unbreakable 200-letter "word" is the usual culprit for sideways scrolling.
    text = MIXED + " " + "a" * 200
    page.fill("#review", text)
    with page.expect_response(lambda r: is_predict(r.request)):
        page.get_by_role("button", name="Analyze").tap()
    wait_idle(page)
    expect(page.locator("#highlighted mark.word").first).to_be_visible()

    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for selector in ["#review", "#analyze", "button.example >> nth=-1", "#probability-meter"]:
        box = page.locator(selector).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= PHONE["width"], selector
    page.screenshot(path=artifacts / "page-phone.png", full_page=True)


def test_reduced_motion_turns_off_animation(new_page, base_url: str) -> None:
    page = new_page(reduced_motion="reduce")
    open_page(page, base_url)
    fill = page.locator(".meter-fill")
    assert fill.evaluate("e => getComputedStyle(e).transitionDuration") == "0s"

    motion = new_page()
    open_page(motion, base_url)
    assert (
        motion.locator(".meter-fill").evaluate("e => getComputedStyle(e).transitionDuration")
        != "0s"
    )
