"""Sentence splitting (handler.inference.text.sentence_spans) on what real reviews contain."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handler.inference.text import sentence_spans

# (text, the sentences expected): abbreviations, ellipses, quotes and brackets, ratings and
# decimals, a missing space after a full stop, <br /> breaks, emoji, no final punctuation.
CASES = [
    ("Dr. Smith was great. I loved it.", ["Dr. Smith was great.", "I loved it."]),
    (
        "Filmed in the U.S. and it shows. Great film.",
        ["Filmed in the U.S. and it shows.", "Great film."],
    ),
    ("The U.K. release is cut. Avoid.", ["The U.K. release is cut.", "Avoid."]),
    ("Batman vs. Superman was dull. Skip it.", ["Batman vs. Superman was dull.", "Skip it."]),
    ("Mr. and Mrs. Smith is fun. Not deep.", ["Mr. and Mrs. Smith is fun.", "Not deep."]),
    (
        "The St. Louis scenes were great. Loved them.",
        ["The St. Louis scenes were great.", "Loved them."],
    ),
    (
        "He's no Einstein, i.e. not smart. Fun though.",
        ["He's no Einstein, i.e. not smart.", "Fun though."],
    ),
    ("See it at 7 p.m. tonight. You'll love it.", ["See it at 7 p.m. tonight.", "You'll love it."]),
    ("It's Jan. 5 today. Sad.", ["It's Jan. 5 today.", "Sad."]),
    ("Well... I don't know. Maybe.", ["Well... I don't know.", "Maybe."]),
    (
        "Don't waste your time... It's a 1/10 from me.",
        ["Don't waste your time...", "It's a 1/10 from me."],
    ),
    ("It was OK... but not great... at all", ["It was OK... but not great... at all"]),
    ("Terrible.. just terrible.", ["Terrible.. just terrible."]),
    ("Wait \u2026 what? No.", ["Wait \u2026 what?", "No."]),
    ("I give it 8.5/10. Worth it.", ["I give it 8.5/10.", "Worth it."]),
    ("2.5 stars. Meh.", ["2.5 stars.", "Meh."]),
    ("Seen it 3 times. 3.5 stars.", ["Seen it 3 times.", "3.5 stars."]),
    ("It costs $9.99. Too much.", ["It costs $9.99.", "Too much."]),
    ("In 1999 it won. In 2000 it lost.", ["In 1999 it won.", "In 2000 it lost."]),
    ("10/10 would watch again", ["10/10 would watch again"]),
    ("Great acting.Terrible plot.", ["Great acting.", "Terrible plot."]),
    ("I rated it 7/10.The acting is bad.", ["I rated it 7/10.", "The acting is bad."]),
    ("Loved it!<br /><br />The ending was weak.", ["Loved it!", "The ending was weak."]),
    ("First part<br>second part", ["First part", "second part"]),
    ("Good cast.<BR/>Bad script.<br />", ["Good cast.", "Bad script."]),
    ("Best movie ever \U0001f60d Go see it", ["Best movie ever \U0001f60d Go see it"]),
    (
        "Loved it \U0001f44d\U0001f3fd. Would watch again!",
        ["Loved it \U0001f44d\U0001f3fd.", "Would watch again!"],
    ),
    ("no punctuation at all here", ["no punctuation at all here"]),
    ("Five stars!", ["Five stars!"]),
    ('He said "it was awful." I disagree.', ['He said "it was awful."', "I disagree."]),
    (
        'What a film! "Brilliant," said my wife. I agree.',
        ["What a film!", '"Brilliant," said my wife.', "I agree."],
    ),
    ("(It was long.) But fun.", ["(It was long.)", "But fun."]),
    (
        "I liked it a lot (really!). My kids did too.",
        ["I liked it a lot (really!).", "My kids did too."],
    ),
    ("She yelled \u201cRun!\u201d Then silence.", ["She yelled \u201cRun!\u201d", "Then silence."]),
    ("Really?! Yes. Really.", ["Really?!", "Yes.", "Really."]),
    ("Wow!!! Amazing!!!", ["Wow!!!", "Amazing!!!"]),
    # From an IMDb training review: sentencex alone joins repeated marks and a following "I".
    (
        "It will never win any awards but its good clean fun for all!! I recommend it.",
        ["It will never win any awards but its good clean fun for all!!", "I recommend it."],
    ),
    ("Really?! I'm speechless.", ["Really?!", "I'm speechless."]),
    (
        "Wow!!!! I loved it. Is it on DVD?? I hope so.",
        ["Wow!!!!", "I loved it.", "Is it on DVD??", "I hope so."],
    ),
    ("Why? Because it's bad.", ["Why?", "Because it's bad."]),
    ("  Leading and trailing space.  Two.  ", ["Leading and trailing space.", "Two."]),
    ("Line one.\n\nLine two.", ["Line one.", "Line two."]),
    ("It stars J. R. R. Tolkien fans. Weird.", ["It stars J. R. R. Tolkien fans.", "Weird."]),
    ("", []),
    ("   \n ", []),
    ("...", ["..."]),
    ("Lone \ud800 surrogate. Still fine.", ["Lone \ud800 surrogate.", "Still fine."]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_splits_like_a_reader(text, expected):
    assert [text[s:e] for s, e in sentence_spans(text)] == expected


def test_at_least_forty_cases():
    assert len(CASES) >= 40


PIECES = st.one_of(
    st.text(max_size=8), st.sampled_from([". ", "<br />", "!) ", "\ud800", "\n", "..."])
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(PIECES, max_size=12).map("".join))
def test_spans_are_ordered_disjoint_trimmed_and_cover_every_visible_character(text):
    spans = sentence_spans(text)
    covered = set()
    last = 0
    for start, end in spans:
        assert last <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip()
        covered.update(range(start, end))
        last = end
    breaks = set()
    for m in re.finditer(r"<br\s*/?>", text, re.IGNORECASE):
        breaks.update(range(m.start(), m.end()))
    visible = {i for i, ch in enumerate(text) if not ch.isspace()} - breaks
    assert visible <= covered
