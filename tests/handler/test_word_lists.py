"""The word lists the features depend on: each fingerprint follows its own list alone."""

from __future__ import annotations

from handler.inference import marks, spelling, text
from handler.inference.word_lists import fingerprint, word_list_fingerprints, word_lists


def test_a_fingerprint_depends_on_the_words_not_their_order():
    assert fingerprint(["b", "a"]) == fingerprint(frozenset("ab")) != fingerprint(["a"])
    assert fingerprint({"x": 1, "y": 2}) == fingerprint({"y": 2, "x": 1}) != fingerprint({"x": 1})


def test_a_changed_word_list_changes_its_fingerprint_only(monkeypatch):
    before = word_list_fingerprints()
    monkeypatch.setattr(marks, "NEGATIONS", frozenset({"not"}))
    after = word_list_fingerprints()
    assert {k for k in before if before[k] != after[k]} == {"negations"}


def test_a_changed_slip_rule_changes_the_spelling_fingerprint(monkeypatch):
    before = word_list_fingerprints()

    def deletions_only(word: str) -> set[str]:  # swapped neighbours no longer undone
        return {word[:i] + word[i + 1 :] for i in range(len(word))}

    monkeypatch.setattr(spelling, "candidates", deletions_only)
    after = word_list_fingerprints()
    assert {k for k in before if before[k] != after[k]} == {"spelling"}


def test_every_list_the_features_read_is_fingerprinted():
    lists = word_lists()
    assert lists["stopwords"] is text.STOPWORDS
    for name in ("NEGATIONS", "CONTRASTS", "CONCESSIONS", "IDENTITY_WORDS", "PRONOUNS"):
        assert lists[name.lower()] is getattr(marks, name)
    assert set(word_list_fingerprints()) == set(lists)


def test_no_module_level_word_collection_escapes_the_fingerprints():
    # A list added to the text pipeline or the marks later must join word_lists(), or this fails.
    lists = word_lists()
    covered = {id(v) for v in lists.values()} | {
        id(getattr(module, name))
        for module in (marks, text)
        for name in ("OUT_OF", "USED_TO", "APOSTROPHES")
        if hasattr(module, name)
    }
    loose = [
        f"{module.__name__}.{name}"
        for module in (marks, text)
        for name, value in vars(module).items()
        if isinstance(value, frozenset | set | dict | tuple | list)
        and not name.startswith("__")
        and id(value) not in covered
    ]
    assert loose == []
    assert lists["apostrophes"] == {chr(k): v for k, v in text.APOSTROPHES.items()}
    markers = {"out_of": list(marks.OUT_OF), "used_to": list(marks.USED_TO), "now": marks.NOW}
    assert lists["marker_words"] == markers


def test_a_model_is_asked_only_for_the_lists_its_text_settings_read():
    # An earlier model, trained before contractions and spelling were settings, has them off.
    from handler.inference.features import TextConfig

    earlier = word_list_fingerprints(TextConfig(marks=True))
    assert "contraction_long_forms" not in earlier
    assert "spelling" not in earlier
    both = word_list_fingerprints(TextConfig(marks=True, contractions=True, spelling=True))
    assert both == word_list_fingerprints()
    assert set(both) - set(earlier) == {
        "contraction_auxiliaries",
        "contraction_long_forms",
        "contraction_suffixes",
        "contraction_is_after",
        "spelling",
    }
