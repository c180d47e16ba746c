"""Word offsets: every word `words()` reads, located in the text as the client sent it."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handler.inference.offsets import occurrences, word_spans
from handler.inference.text import normalise, words


@pytest.mark.parametrize(
    ("text", "word", "original"),
    [
        ("I DIDN\u2019T like it", "didn't", "DIDN\u2019T"),  # curly apostrophe, upper case
        ("didn\u02bct care", "didn't", "didn\u02bct"),  # modifier-letter apostrophe
        ("\uff27\uff52\uff45\uff41\uff54 film", "great", "\uff27\uff52\uff45\uff41\uff54"),
        ("a cafe\u0301 scene", "caf\u00e9", "cafe\u0301"),  # decomposed accent stays one word
        ("\ufb01lm noir", "film", "\ufb01lm"),  # ligature
        ("\U0001f3ac Great<br />plot", "great", "Great"),  # an emoji is one code point
        ("ok<br/>fine", "fine", "fine"),
        ("\u1100\u1161\u11a8 sad", "\uac01", "\u1100\u1161\u11a8"),  # jamo compose to one
        ("\u039f\u0394\u039f\u03a3, fine", "\u03bf\u03b4\u03bf\u03c2", "\u039f\u0394\u039f\u03a3,"),
    ],
)
def test_a_word_spans_the_characters_it_was_read_from(text: str, word: str, original: str) -> None:
    (span,) = occurrences(text)[word]
    assert text[span[0] : span[1]] == original
    assert word in words(original)


def test_every_copy_is_found_in_text_order() -> None:
    text = "Great plot.\n\nThe plot? Not great -- not\tgreat at all."
    found = occurrences(text)
    assert [text[s:e] for s, e in found["great"]] == ["Great", "great", "great"]
    assert [text[s:e] for s, e in found["not"]] == ["Not", "not"]
    assert "great" not in occurrences("greatest ungreat great's")


PIECES = ["<br />", "<BR>", "\uff1cbr\uff1e", "<br<br>>", "\u0301", "\u00a0", "\ufb01", "\u2019",
          "\ud800", "\u03a3", "\u1100", "\u1161", "\uff9e", "\uff76", " ", ".", "Ab", "n't"]  # fmt: skip
TEXTS = st.lists(
    st.one_of(st.text(st.characters(codec="utf-8"), max_size=4), st.sampled_from(PIECES)),
    max_size=20,
).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(TEXTS)
def test_the_words_are_those_of_words_and_each_span_holds_its_word(text: str) -> None:
    found = word_spans(text)
    assert [w for w, _ in found] == words(text)
    last = 0
    for word, (start, end) in found:
        assert last <= start < end <= len(text)  # in order
        last = start
        # What the span holds normalises to text that contains the word, up to the one letter
        # whose lowercase depends on what follows it (a final sigma, cut from its context).
        sigma = str.maketrans("\u03c2", "\u03c3")
        assert word.translate(sigma) in normalise(text[start:end]).translate(sigma)
