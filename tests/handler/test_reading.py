"""How typed words are read (`TextConfig.contractions`, `.spelling`): a contraction as its long
form, a slip of a known word as that word, and nothing else changed."""

from __future__ import annotations

import pytest

from handler.inference import spelling
from handler.inference.encoder import Encoder, Vocabulary
from handler.inference.features import TextConfig
from handler.inference.spelling import candidates
from handler.inference.text import expand, words

READING = TextConfig(marks=True, sentences=4, sentence_len=16, contractions=True, spelling=True)
# Ids are frequency ranks: "film" is more frequent than "firm".
KNOWN = ["the", "film", "was", "great", "firm", "is", "not", "amazing", "do", "it", "this"]


def encoder(config: TextConfig = READING, aliases: dict[str, str] | None = None) -> Encoder:
    return Encoder(config, Vocabulary(KNOWN), aliases=aliases)


def read(text: str, e: Encoder | None = None) -> tuple[str, ...]:
    return (e or encoder()).featurize(words(text)).tokens


@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("It isn't great.", "It is not great."),
        ("I didn't like it", "I did not like it"),
        ("I dont like it", "I do not like it"),
        ("I can't say", "I cannot say"),
        ("It won't work", "It will not work"),
        ("I'm bored, they're not", "I am bored, they are not"),
        ("It's fine and that's it", "It is fine and that is it"),
        ("I\u2019ve seen it", "I have seen it"),
    ],
)
def test_a_contraction_reads_as_its_long_form(short: str, long: str) -> None:
    e = encoder(TextConfig(marks=True, sentences=4, sentence_len=16, contractions=True))
    assert read(short, e) == read(long, e)
    assert e.featurize(words(short)).marked == e.featurize(words(long)).marked


@pytest.mark.parametrize("token", ["director's", "cant", "wont", "o'clock", "rock'n'roll", "want"])
def test_possessives_and_words_that_only_look_contracted_stay_as_typed(token: str) -> None:
    assert expand(token) == (token,)


def test_sentence_lengths_count_the_words_as_read() -> None:
    e = encoder()
    found = e.featurize(["it", "isn't", ".", "i", "don't", "."], [3, 3])
    assert found.lengths == (4, 4)
    assert found.typed_lengths == (3, 3)


def test_slips_of_a_known_word_read_as_that_word() -> None:
    assert read("the flim was graet") == ("the", "film", "was", "great")
    assert read("amazzing") == ("amazing",)


def test_of_two_candidates_the_more_frequent_known_word_wins() -> None:
    # "filrm" is one deleted letter from "film" and from "firm"; "film" ranks higher.
    assert {"film", "firm"} <= candidates("filrm")
    assert read("filrm") == ("film",)
    reordered = Encoder(READING, Vocabulary(["firm", *KNOWN[:4], *KNOWN[5:]]))
    assert read("filrm", reordered) == ("firm",)


@pytest.mark.parametrize(
    "typed",
    [
        "rgeta",  # two swaps from "great": not one slip
        "flm",  # under four letters: too often another real word
        "zorblax",  # nothing known nearby
        "grat",  # a missing letter is not guessed
    ],
)
def test_what_is_not_one_slip_from_a_known_word_stays_as_typed(typed: str) -> None:
    assert read(typed) == (typed,)


def test_words_the_model_knows_in_another_form_are_never_corrected() -> None:
    assert read("firms") == ("firm",)  # unknown in every form: one deleted letter from "firm"
    assert read("firms", encoder(aliases={"firms": "_name_"})) == ("firms",)  # a listed name
    with_gram = Encoder(
        TextConfig(sentences=4, sentence_len=16, ngram_len=8, spelling=True),
        Vocabulary(KNOWN),
        Vocabulary(["firms"]),
    )
    assert read("firms", with_gram) == ("firms",)  # an n-gram unigram
    # An identity word is read as a placeholder, even one deletion from a known word.
    assert read("women", Encoder(READING, Vocabulary([*KNOWN, "omen"]))) == ("women",)


def test_a_model_without_the_settings_reads_tokens_as_typed() -> None:
    # Earlier models (their manifests lack the settings) read what they were trained on.
    e = encoder(TextConfig(marks=True, sentences=4, sentence_len=16))
    tokens = words("It isn't graet.")
    assert e.featurize(tokens).tokens == tuple(tokens)


def test_a_word_seen_in_training_is_never_corrected() -> None:
    # The training reviews hold "firms" (rarely: it is not in the vocabulary): a real word.
    e = Encoder(READING, Vocabulary(KNOWN), seen=["firms"])
    assert read("firms", e) == ("firms",)
    # One swap from "firms", which is seen but has no weight: there is nothing to read it as.
    assert read("fimrs", e) == ("fimrs",)
    assert read("filrm", e) == ("film",)


def test_the_seen_words_travel_in_the_vocabulary_file(tmp_path) -> None:  # type: ignore[no-untyped-def]
    e = Encoder(READING, Vocabulary(KNOWN), seen=["firms", "abhorrent"])
    for name in ("vocab.npz", "vocab.json"):
        e.save(tmp_path / name)
        assert Encoder.load(tmp_path / name).seen == ("abhorrent", "firms")
    # A file written before the list existed holds none.
    Encoder(READING, Vocabulary(KNOWN)).save(tmp_path / "old.npz")
    assert Encoder.load(tmp_path / "old.npz").seen == ()


def test_the_shipped_model_reads_a_new_slip_as_the_known_word(predictor) -> None:  # type: ignore[no-untyped-def]
    encoder = predictor._encoder
    assert encoder.config.spelling
    typo = "brililant"  # "brilliant" with two letters swapped
    assert typo not in encoder.seen
    assert encoder.read(typo) == ("brilliant",)
    (typed, right) = predictor.predict(["The acting was brililant.", "The acting was brilliant."])
    assert typed == right
    _, weights = predictor.explain("The acting was brililant.")
    assert "brililant" in dict(weights)


def test_a_long_run_of_letters_costs_nothing_to_read(monkeypatch: pytest.MonkeyPatch) -> None:
    # Candidates grow with the square of a word's length; no word longer than the longest known
    # word plus one letter can have one, so such a word is left alone without building any.
    built: list[int] = []
    original = spelling.candidates
    # Without the bound the long run would be measured here, not built (that takes gigabytes).
    monkeypatch.setattr(
        spelling,
        "candidates",
        lambda w: built.append(len(w)) or (original(w) if len(w) < 99 else set()),
    )
    run = "abcdefghij" * 10_000
    assert read(f"the {run} fiml") == ("the", run, "film")
    assert built == [4]  # "fiml" alone


def test_contractions_are_expanded_before_a_slip_is_looked_for() -> None:
    # "dont" is one deleted letter from "dot", but it is "do not" typed without a quote.
    e = Encoder(READING, Vocabulary([*KNOWN, "dot"]))
    assert read("dont", e) == ("do", "not")


def test_an_explanation_variant_deletes_what_the_typed_word_was_read_as() -> None:
    found = encoder().featurize(words("This isn't graet, the film"))
    assert found.tokens == ("this", "is", "not", "great", ",", "the", "film")
    tokens, lengths = found.without("isn't")
    assert encoder().featurize(tokens, lengths).tokens == ("this", "great", ",", "the", "film")
    tokens, lengths = found.without("graet")
    assert encoder().featurize(tokens, lengths).tokens == ("this", "is", "not", ",", "the", "film")
