"""The page's matching of explanation words onto typed text, run in the real browser.

The service normalises with NFKC, lowercase and unified apostrophes (handler/inference/text.py); the page
must find the same words in the original text, or highlights silently go missing.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from handler.inference.text import normalise, tokenize

pytestmark = pytest.mark.browser


def segments(page: Page, text: str, explanation: list[dict]) -> list[dict]:
    return page.evaluate("([t, e]) => window.sentimentPage.segmentText(t, e)", [text, explanation])


def marked(page: Page, text: str, words: dict[str, float]) -> list[tuple[str, float]]:
    explanation = [{"word": w, "weight": v} for w, v in words.items()]
    return [(s["text"], s["weight"]) for s in segments(page, text, explanation) if "weight" in s]


@pytest.mark.parametrize(
    ("text", "word", "expected"),
    [
        ("I DIDN\u2019T like it", "didn't", "DIDN\u2019T"),  # curly apostrophe, upper case
        ("didn\u02bct care", "didn't", "didn\u02bct"),  # modifier-letter apostrophe
        ("\uff27\uff52\uff45\uff41\uff54 film", "great", "\uff27\uff52\uff45\uff41\uff54"),
        ("a cafe\u0301 scene", "caf\u00e9", "cafe\u0301"),  # decomposed accent stays one word
        ("\ufb01lm noir", "film", "\ufb01lm"),  # ligature
        ("Great, GREAT, great!", "great", "Great"),
    ],
)
def test_words_match_after_normalisation(page: Page, text: str, word: str, expected: str) -> None:
    # The service's own pipeline must agree, or the case tests nothing the service would send.
    assert normalise(expected) == word
    found = marked(page, text, {word: 0.25})
    assert found[0] == (expected, 0.25)
    assert all(w == 0.25 for _, w in found)


def test_every_occurrence_is_marked_and_the_text_is_preserved(page: Page) -> None:
    text = "Great plot.\n\nThe plot? Not great -- not\tgreat at all."
    parts = segments(
        page, text, [{"word": "great", "weight": 0.3}, {"word": "not", "weight": -0.2}]
    )
    assert "".join(p["text"] for p in parts) == text
    assert [(p["text"], p["weight"]) for p in parts if "weight" in p] == [
        ("Great", 0.3),
        ("Not", -0.2),
        ("great", 0.3),
        ("not", -0.2),
        ("great", 0.3),
    ]


def test_words_inside_other_words_are_not_marked(page: Page) -> None:
    text = "greatest ungreat great's"
    assert "great" not in tokenize(text)
    assert marked(page, text, {"great": 0.3}) == []


def test_char_count_matches_python_len(page: Page) -> None:
    for text in ["", "abc", "\U0001f3ac\U0001f3ac", "cafe\u0301", "\u4e2d\u6587"]:
        assert page.evaluate("t => window.sentimentPage.charCount(t)", text) == len(text)
