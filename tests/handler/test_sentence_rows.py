"""The sentence branch's input: every token of each sentence, one sentence per row."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from handler.inference.encoder import Encoder, Vocabulary
from handler.inference.features import TextConfig
from handler.inference.sentences import branch_tokens, pack, split, unscoped


def test_scope_marks_come_off_and_placeholders_stay() -> None:
    assert unscoped("but_not_good") == "good"
    assert unscoped("not_but_good") == "good"
    assert unscoped("_identity_") == "_identity_"
    assert unscoped("rating_7") == "rating_7"


def test_branch_tokens_keep_punctuation_and_every_word_in_order() -> None:
    tokens = ["i", "did", "not", "like", "it", ",", "but", "ok", "?"]
    marked = ["i", "did", "not", "not_like", "not_it", "but", "ok"]
    assert branch_tokens(tokens, marked) == tokens


def test_each_sentence_gets_its_own_row() -> None:
    assert pack([[5, 6], [7]], slots=3, length=4) == [5, 6, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0]


def test_a_long_sentence_continues_on_the_next_row() -> None:
    assert pack([[1, 2, 3, 4, 5]], slots=2, length=3) == [1, 2, 3, 4, 5, 0]


def test_more_sentences_than_slots_are_packed_so_that_the_text_is_read_whole() -> None:
    found = pack([[2], [3], [4, 5], [6]], slots=2, length=3)
    assert found == [2, 3, 0, 4, 5, 6]


@given(
    st.lists(st.lists(st.integers(2, 50), max_size=9), max_size=12),
    st.integers(1, 6),
    st.integers(1, 8),
)
def test_packing_keeps_the_ids_in_order_and_the_shape_fixed(
    sentences: list[list[int]], slots: int, length: int
) -> None:
    found = pack(sentences, slots, length)
    flat = [i for s in sentences for i in s]
    kept = [i for i in found if i]
    assert len(found) == slots * length
    assert kept == flat[: len(kept)]
    if sum(-(-len(s) // length) for s in sentences) <= slots:
        assert kept == flat  # everything fits one sentence per row: nothing is lost


def test_split_cuts_by_lengths_and_keeps_the_rest() -> None:
    assert [list(p) for p in split([1, 2, 3, 4], [1, 2])] == [[1], [2, 3], [4]]


def test_the_encoder_cuts_a_text_at_its_sentences() -> None:
    vocab = Vocabulary("i did not like it . but the end was great !".split())
    encoder = Encoder(TextConfig(sentences=3, sentence_len=5), vocab)
    _tokens, lengths = encoder.text_words("I did not like it. But the end was great!")
    assert lengths == [6, 6]
    row = encoder.encode(["I did not like it. But the end was great!"])["sentences"][0].tolist()
    ids = vocab.ids
    assert row == [
        *ids(["i", "did", "not", "like", "it"]),
        *ids(["."]), 0, 0, 0, 0,
        *ids(["but", "the", "end", "was", "great"]),
    ]  # fmt: skip
    assert encoder.input_lengths == {"sentences": 15}


def test_an_explanation_variant_keeps_the_sentences() -> None:
    encoder = Encoder(TextConfig(sentences=2, sentence_len=4), Vocabulary(["a", "b", "."]))
    found = encoder.featurize(*encoder.text_words("This was bad. Then came a bad end."))
    assert found.lengths == (4, 6)
    assert found.without("bad") == (("this", "was", ".", "then", "came", "a", "end", "."), (3, 5))
