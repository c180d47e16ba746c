"""The word lists training takes from PyPI (convert/data/lexicons.py)."""

from __future__ import annotations

from convert.data import lexicons
from handler.inference.marks import NAME


def test_only_names_the_reviews_capitalise_become_placeholders():
    candidates = {"carlos": NAME, "will": NAME, "zebulon": NAME}
    texts = ["I liked Carlos here. It will be fine, we will see. Then Carlos left."]
    # "will" is written lower-case, "zebulon" never appears: only a proper noun or an unseen name.
    assert lexicons.proper_nouns(texts, candidates) == {"carlos": NAME, "zebulon": NAME}


def test_lexicon_examples_are_balanced_and_negated_with_the_other_label():
    texts, labels = lexicons.lexicon_examples()
    assert len(texts) > 1000
    assert sum(labels) * 2 == len(labels)
    pairs = dict(zip((" ".join(t) for t in texts), labels, strict=True))
    assert pairs["great"] == 1
    assert pairs["not great"] == 0
    assert pairs["awful"] == 0
    assert pairs["not awful"] == 1
