"""Properties of the shared text pipeline (handler/inference/text.py) on arbitrary Unicode."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from handler import constants
from handler.inference.encoder import Encoder, Vocabulary
from handler.inference.features import TextConfig
from handler.inference.text import STOPWORDS, content, ngrams, normalise, tokenize, words
from handler.settings import DEFAULT_MODEL_DIR

ENCODER = Encoder.load(DEFAULT_MODEL_DIR / constants.VOCAB_FILE)
# Characters that exercise the pipeline's special cases, mixed into otherwise arbitrary text.
TRICKY = [
    *"<br/>\uff1c\uff42\uff52\uff1eBR '\u2019\u2018\u02bc`",
    "\ud800",
    "\udfff",
    "\x00",
    "\u202e",  # right-to-left override
    "\u05e9",  # Hebrew letter
    "\u0307",  # combining dot above
    "\u0130",  # İ: lowercases to two code points
    "\u1e9e",  # capital sharp s
    "\ufb01",  # fi ligature
    "\u1d2c",  # modifier capital A: NFKC makes it uppercase
    "\U0001f600",
    "\u3000",
]
TEXT = st.text(alphabet=st.one_of(st.characters(), st.sampled_from(TRICKY)), max_size=300)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(TEXT, min_size=1, max_size=5))
def test_any_text_encodes_to_valid_ids_of_fixed_length(texts):
    encoded = ENCODER.encode(texts)
    assert set(encoded) == set(ENCODER.input_names)
    first, length = next(iter(ENCODER.input_lengths.items()))
    assert encoded[first].shape == (len(texts), length)
    assert encoded[first].dtype == np.int32
    assert encoded[first].min() >= 0
    assert encoded[first].max() < len(ENCODER.words)
    if ENCODER.grams is not None:
        assert encoded["ngrams"].shape == (len(texts), ENCODER.config.ngram_len)
        assert encoded["ngrams"].min() >= 0
        assert encoded["ngrams"].max() < len(ENCODER.grams)


@settings(max_examples=500, deadline=None, derandomize=True)
@given(TEXT)
@example("\uff1cbr\uff1e")  # becomes "<br>" only after NFKC
@example("<br<br>>")  # removing the inner break makes an outer one
@example("\u1d2c")
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once
    assert tokenize(once) == tokenize(text)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(TEXT)
def test_tokens_are_normalised_and_free_of_surrogates(text):
    for token in tokenize(text):
        assert token == normalise(token)
        token.encode("utf-8")  # no lone surrogate survives


SCRIPT = """
import json, sys
from handler import constants
from handler.settings import DEFAULT_MODEL_DIR
from handler.inference.encoder import Encoder
encoder = Encoder.load(DEFAULT_MODEL_DIR / constants.VOCAB_FILE)
texts = json.loads(sys.stdin.read())
print(json.dumps({k: v.tolist() for k, v in encoder.encode(texts).items()}))
"""


def test_encoding_is_the_same_in_processes_with_different_hash_seeds():
    texts = [
        "A wonderful, brilliant film; not boring at all.",
        "Awful plot and a terrible, dull script. Waste of time!",
        "great great great wonderful ending loved it",
        "\uff37onderful \uff1cbr\uff1e didn\u2019t hate it \U0001f600",
    ]

    def run(seed: str) -> dict:
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": "."}
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            input=json.dumps(texts),
            capture_output=True,
            text=True,
            env=env,
            check=True,
            timeout=60,
        ).stdout
        return json.loads(out)

    first, second = run("1"), run("4242")
    assert first == second
    assert first == {k: v.tolist() for k, v in ENCODER.encode(texts).items()}


NEGATIONS = """no not nor never none nobody nothing nowhere neither cannot without ain't aren't can't
couldn't didn't doesn't don't hadn't hasn't haven't isn't mightn't mustn't needn't shan't shouldn't
wasn't weren't won't wouldn't""".split()
INTENSIFIERS = "very too most more so really extremely quite absolutely totally".split()


def test_negations_and_intensifiers_are_never_stopwords():
    # "not good" and "very bad" must reach both branches.
    assert not STOPWORDS & {*NEGATIONS, *INTENSIFIERS}
    assert tokenize("It was not very good") == ["not", "very", "good"]


def test_words_keep_stopwords_and_content_drops_them():
    assert words("It was a waste of time") == ["it", "was", "a", "waste", "of", "time"]
    assert content(words("It was a waste of time")) == tokenize("It was a waste of time")


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from("a b c dd e".split()), max_size=12), st.integers(1, 5))
def test_ngrams_are_every_run_of_1_to_order_tokens(tokens, order):
    expected = [
        " ".join(tokens[i : i + n]) for n in range(1, order + 1) for i in range(len(tokens) - n + 1)
    ]
    assert ngrams(tokens, order) == expected


def test_ngram_branch_reads_stopwords_only_when_configured():
    vocab = Vocabulary(["waste of", "waste", "of"])
    with_stop = Encoder(TextConfig(seq_len=4, ngram_len=4, ngram_stopwords=True), vocab, vocab)
    without = Encoder(TextConfig(seq_len=4, ngram_len=4), vocab, vocab)
    text = ["a", "waste", "of", "time"]
    assert with_stop.ngram_ids(text) == [vocab.id("waste"), vocab.id("of"), vocab.id("waste of"), 0]
    assert without.ngram_ids(text) == [vocab.id("waste"), 0, 0, 0]
    # "time" is out of the vocabulary (id 1); "a" and "of" are stopwords.
    assert with_stop.word_ids(text) == without.word_ids(text) == [0, 0, vocab.id("waste"), 1]
    assert with_stop.known_words(text) == ["waste"]


def test_words_keep_clause_punctuation_that_only_marks_read():
    assert words("Not good, at all.") == ["not", "good", ",", "at", "all", "."]
    vocab = Vocabulary(["good", "not good", "not", "not_good"])
    plain_cfg = TextConfig(seq_len=4, ngram_len=4, ngram_stopwords=True)
    # Without marks, punctuation is invisible: the same ids as the words alone.
    old = Encoder(plain_cfg, vocab, vocab)
    assert old.ngram_ids(words("not, good")) == old.ngram_ids(["not", "good"])
    marked = Encoder(
        TextConfig(seq_len=4, ngram_len=4, ngram_stopwords=True, marks=True), vocab, vocab
    )
    assert marked.ngram_ids(words("not good")) == [vocab.id("not"), vocab.id("not_good"), 0, 0]
    # Explanations name the words people wrote, not their features.
    assert marked.known_words(words("not good")) == ["not", "good"]
