"""Keyboard-only use, phone width, reduced motion and the page's accessibility landmarks."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from scripts.paths import REPO_ROOT
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


# ---- axe-core: the automated WCAG checks, on every state that shows results ------------------

AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
# A review of several sentences, one without a known word, so every part of the page is shown.
SENTENCES = "Loved the cast. The plot is dull and far too long.<br /><br />Zzqx vvbn."


def axe_violations(page: Page) -> list[dict]:
    """axe-core's WCAG 2.x A/AA and best-practice violations on the page as it is now."""
    if not AXE.is_file():
        # Fail, not skip: `make test` runs `npm ci` first, so a missing engine is a broken setup.
        pytest.fail(f"{AXE} is missing: run `npm ci`")
    # Evaluated through the DevTools protocol, which the page's CSP does not govern (a <script>
    # tag would be refused by script-src 'self', as it should be).
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
             .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}))"""
    )


@pytest.mark.parametrize("state", ["empty", "sentences", "too many sentences", "cannot judge"])
def test_axe_finds_no_violations(page: Page, model_info: dict, state: str) -> None:
    text = {
        "empty": None,
        "sentences": SENTENCES,
        "too many sentences": "Great fun. " * (model_info["limits"]["max_sentences"] + 1),
        "cannot judge": "zzqx vvbn",
    }[state]
    if text is not None:
        page.fill("#review", text)
        page.click("#analyze")
        expect(page.locator("#result")).to_be_visible()
        wait_idle(page)
    if state == "sentences":
        expect(page.locator("#sentence-text .sentence")).to_have_count(3)
        expect(page.locator("#highlighted mark.word").first).to_be_visible()
    if state == "too many sentences":
        expect(page.locator("#sentences-note")).to_be_visible()
    assert axe_violations(page) == []
