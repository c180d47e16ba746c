"""Negation scope, overridden clauses and placeholders (handler/inference/marks.py)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from handler.inference.marks import IDENTITY, NAME, NUMBER, PRONOUN, mark
from handler.inference.text import STOPWORDS, plain, words

ALIASES = {"carlos": NAME, "paris": NAME}


def marked(text: str) -> list[str]:
    return mark(words(text), ALIASES, STOPWORDS)


def test_a_negation_marks_the_content_words_of_its_clause_only():
    assert marked("It was not good, and fun.") == ["it", "was", "not", "not_good", "and", "fun"]
    # Both marks compose: the negated clause is also the one "but" overrides.
    assert marked("Not good, but fun.")[:2] == ["but_not", "but_not_good"]
    assert marked("He isn't a good actor.")[-2:] == ["not_good", "not_actor"]
    assert marked("Never boring. Great.")[-1] == "great"


def test_the_clause_before_but_is_marked_as_overridden():
    assert marked("Some think it awful, but I think it is good.") == [
        "some", "but_think", "it", "but_awful", "but", "i", "think", "it", "is", "good",
    ]  # fmt: skip


def test_concessions_and_used_to_mark_their_own_clause():
    assert marked("Although the acting was good, the film was terrible.")[4] == "but_good"
    assert marked("Although the acting was good, the film was terrible.")[-1] == "terrible"
    feats = marked("I used to think it was bad, now I think it is adorable.")
    assert "but_bad" in feats
    assert feats[-1] == "adorable"


def test_identity_words_names_and_numbers_become_placeholders():
    first = marked("Carlos is a Christian woman from Paris, 3 times.")
    second = marked("Paris is a Protestant man from Carlos, 12 times.")
    assert first == second
    assert {IDENTITY, NAME, NUMBER} <= set(first)
    assert marked("she is")[0] == PRONOUN == marked("he is")[0]


def test_ratings_keep_their_value_out_of_ten():
    assert marked("7/10")[0] == "rating_7"
    assert marked("3 out of 5") == ["rating_6"] * 4
    assert marked("12/10") == [NUMBER, NUMBER]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from("a b n't , . ! / 0 7 out of not but used to now carlos".split())))
def test_one_feature_per_word_and_none_can_be_typed(pieces):
    tokens = words(" ".join(pieces))
    feats = mark(tokens, ALIASES, STOPWORDS)
    assert len(feats) == len(plain(tokens))
    typed = set(words(" ".join(feats)))
    assert all("_" not in t for t in typed)
