"""The integer-keyed n-gram index gives exactly the ids of the string vocabulary it replaces."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from handler.inference import vocab_file
from handler.inference.encoder import Encoder, Vocabulary
from handler.inference.features import TextConfig
from handler.inference.grams import GramIndex
from handler.inference.text import ngrams

WORDS = st.sampled_from("a b c dd e not_good _name_".split())
VOCAB = Vocabulary(["a", "b", "a b", "b a", "a b c", "dd", "not_good", "dd not_good _name_"])


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(WORDS, max_size=12))
def test_gram_ids_equal_the_string_lookup(tokens):
    index = GramIndex.of(VOCAB.tokens)
    assert index.gram_ids(tokens, 3) == VOCAB.ids(ngrams(tokens, 3))
    assert index.ids(ngrams(tokens, 2)) == VOCAB.ids(ngrams(tokens, 2))
    assert len(index) == len(VOCAB)


def test_the_index_lists_its_tokens_in_id_order():
    assert GramIndex.of(VOCAB.tokens).tokens == list(VOCAB.tokens)


def test_the_array_file_round_trips_and_is_byte_stable(tmp_path):
    config = TextConfig(seq_len=6, ngram_len=8, ngram_stopwords=True, marks=True)
    encoder = Encoder(config, Vocabulary(["a", "good"]), VOCAB, {"carlos": "_name_"})
    encoder.save(tmp_path / "vocab.npz")
    data = (tmp_path / "vocab.npz").read_bytes()
    assert vocab_file.is_arrays(data)
    encoder.save(tmp_path / "again.npz")
    assert data == (tmp_path / "again.npz").read_bytes()
    back = Encoder.from_bytes(data)
    assert back.config == config
    assert back.aliases == {"carlos": "_name_"}
    texts = ["a b c, not good", "Carlos dd is not good", ""]
    for key, value in encoder.encode(texts).items():
        np.testing.assert_array_equal(back.encode(texts)[key], value)


def test_the_array_file_reader_keeps_np_load_checks():
    data = bytearray(vocab_file.dump({"seq_len": 6}, ["good", "bad"], GramIndex.of(["a"]), {}))
    assert vocab_file.parse(bytes(data)).words == ["good", "bad"]
    # Aligned, as np.load's copies are: numpy copies a misaligned array on every searchsorted.
    assert all(a.flags.aligned for a in vocab_file._arrays(bytes(data), False).values())
    data[data.index(b"good\nbad")] ^= 1  # one flipped bit in a member: its CRC-32 differs
    with pytest.raises(ValueError, match="CRC-32"):
        vocab_file.parse(bytes(data))
    # The service checks the file's sha256 first, so CRC-32s are skipped only for it.
    assert vocab_file.parse(bytes(data), verified=True).words == ["food", "bad"]
    pickled = io.BytesIO()
    np.savez(pickled, config=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match="object array"):
        vocab_file.parse(pickled.getvalue())
