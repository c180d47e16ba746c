"""The page's highlighting of explanation words in typed text, run in the real browser.

The service normalises with NFKC, lowercase and unified apostrophes (handler/inference/text.py) and
says where in the original text each explained word is (handler/inference/offsets.py); the page
must mark exactly those characters, or highlights silently go missing.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from handler.inference.offsets import occurrences
from handler.inference.text import normalise, tokenize

pytestmark = pytest.mark.browser


def segments(page: Page, text: str, explanation: list[dict]) -> list[dict]:
    return page.evaluate("([t, e]) => window.sentimentPage.segmentText(t, e)", [text, explanation])


def located(text: str, words: dict[str, float]) -> list[dict]:
    """The explanation the service sends for these words: each with its occurrences in `text`."""
    found = occurrences(text)
    return [
        {
            "word": w,
            "weight": v,
            "occurrences": [{"start": s, "end": e} for s, e in found.get(w, [])],
        }
        for w, v in words.items()
    ]


def marked(page: Page, text: str, words: dict[str, float]) -> list[tuple[str, float]]:
    explanation = located(text, words)
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
        ("\U0001f3ac\U0001f3ac great", "great", "great"),  # offsets count code points
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
    parts = segments(page, text, located(text, {"great": 0.3, "not": -0.2}))
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


def test_offsets_outside_the_text_or_overlapping_are_left_unmarked(page: Page) -> None:
    text = "good \U0001f3ac bad"
    explanation = [
        {
            "word": "good",
            "weight": 0.5,
            "occurrences": [{"start": 0, "end": 4}, {"start": 7, "end": 99}],
        },
        {
            "word": "bad",
            "weight": -0.5,
            "occurrences": [{"start": 2, "end": 4}, {"start": 7, "end": 10}],
        },
        {
            "word": "odd",
            "weight": 0.1,
            "occurrences": [{"start": -1, "end": 2}, {"start": 3, "end": 3}],
        },
        {"word": "none", "weight": 0.1},
    ]
    parts = segments(page, text, explanation)
    assert "".join(p["text"] for p in parts) == text
    assert [(p["text"], p["weight"]) for p in parts if "weight" in p] == [
        ("good", 0.5),
        ("bad", -0.5),
    ]
