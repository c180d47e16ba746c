"""The LiteRT predictor: load-time checks against the manifest, batching and explanations."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import threading

import numpy as np
import pytest

from handler import constants
from handler.errors import ModelLoadError
from handler.inference import marks
from handler.inference import predictor as predictor_module
from handler.inference import text as text_module
from handler.inference.calibration import Head
from handler.inference.encoder import OOV_ID, Encoder, Vocabulary
from handler.inference.features import TextConfig
from handler.inference.manifest import HeadParams, Manifest
from handler.inference.marks import CONCESSIONS, CONTRASTS, NEGATIONS
from handler.inference.paths import SHIPPED_MANIFEST
from handler.inference.predictor import MAX_EXPLAINED_WORDS, Answer, LitePredictor
from handler.inference.runtime import TfliteModel
from handler.inference.text import tokenize, words


def test_shipped_model_loads_and_scores_in_range(predictor):
    answers = predictor.predict(
        ["a wonderful film", "an awful film", "", "the the the", "zzqx vvbn"]
    )
    assert len(answers) == 5
    assert all(isinstance(a, Answer) for a in answers)
    assert all(0.0 <= a.probability <= 1.0 for a in answers)
    assert all(isinstance(a.probability, float) and type(a.words_used) is int for a in answers)
    # "film" is a stopword here; empty text, stopwords only and unknown words: nothing to judge.
    assert [a.words_used for a in answers] == [1, 1, 0, 0, 0]
    assert answers[0].probability > 0.5 > answers[1].probability


def test_words_used_counts_the_known_content_words_with_their_copies(predictor):
    encoder = predictor._encoder
    vocabulary = {*encoder.words.tokens, *(encoder.grams.tokens if encoder.grams else ())}
    text = "Wonderful acting, WONDERFUL music; the awful xyzzyunknown script didn\u2019t work"
    (answer,) = predictor.predict([text])
    # A word counts when the feature the pipeline reads for it ("didn't work" -> not_work) is known.
    found, feats = encoder.features(words(text))
    content = [f for w, f in zip(found, feats, strict=True) if w in tokenize(text)]
    assert answer.words_used == sum(f in vocabulary for f in content)
    assert answer.words_used > len({f for f in content if f in vocabulary})


def test_score_words_is_predict_on_texts_already_split(predictor):
    texts = ["A wonderful, moving film.", "dull and far too long", "the the the", "not bad at all"]
    assert predictor.score_words([words(t) for t in texts]) == predictor.predict(texts)


def test_missing_model_folder_names_the_manifest(tmp_path):
    with pytest.raises(ModelLoadError, match=r"manifest\.json: model manifest not found"):
        LitePredictor.load(tmp_path / "nowhere")


@pytest.mark.parametrize("kind", ["model", "vocab"])
def test_missing_file_is_named(model_copy, kind):
    name = {"model": constants.MODEL_FILE, "vocab": constants.VOCAB_FILE}[kind]
    (model_copy / name).unlink()
    with pytest.raises(ModelLoadError, match=rf"{name}: cannot read the {kind} file"):
        LitePredictor.load(model_copy)


@pytest.mark.parametrize("name", [constants.MODEL_FILE, constants.VOCAB_FILE])
def test_corrupt_file_fails_the_sha256_check(model_copy, name):
    path = model_copy / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match=rf"{name}: sha256 .* does not match the manifest"):
        LitePredictor.load(model_copy)


def _rewrite_manifest(model_copy, change):
    path = model_copy / constants.MANIFEST_FILE
    manifest = Manifest.read(path).to_json()
    change(manifest)
    path.write_text(json.dumps(manifest))


def test_vocabulary_with_other_text_settings_is_refused(model_copy):
    def longer(manifest):
        manifest["text"]["sentence_len"] += 1
        manifest["inputs"]["sentences"] += manifest["text"]["sentences"]

    _rewrite_manifest(model_copy, longer)
    with pytest.raises(ModelLoadError, match=rf"{constants.VOCAB_FILE}: its text settings differ"):
        LitePredictor.load(model_copy)


def test_vocabulary_of_another_size_is_refused(model_copy):
    _rewrite_manifest(
        model_copy, lambda m: m["vocab_sizes"].update(words=m["vocab_sizes"]["words"] + 1)
    )
    with pytest.raises(ModelLoadError, match=rf"{constants.VOCAB_FILE}: its vocabulary sizes"):
        LitePredictor.load(model_copy)


def test_a_replaced_but_consistent_vocabulary_still_has_to_match_its_hash(model_copy):
    vocab = model_copy / constants.VOCAB_FILE
    encoder = Encoder.load(vocab)
    # Same size and settings, different ids.
    encoder.words = Vocabulary(list(reversed(encoder.words.tokens)))
    encoder.save(vocab)
    with pytest.raises(ModelLoadError, match="sha256"):
        LitePredictor.load(model_copy)


def test_a_vocabulary_with_spelling_on_and_no_seen_words_is_refused(model_copy):
    vocab = model_copy / constants.VOCAB_FILE
    encoder = Encoder.load(vocab)
    assert encoder.config.spelling, "the shipped model corrects slips: the test needs one that does"
    encoder.seen = ()
    encoder.save(vocab)
    digest = hashlib.sha256(vocab.read_bytes()).hexdigest()
    _rewrite_manifest(model_copy, lambda m: m["files"]["vocab"].update(sha256=digest))
    with pytest.raises(ModelLoadError, match="spelling is on but the vocabulary lists no seen"):
        LitePredictor.load(model_copy)


def test_manifest_that_is_not_json_is_named(model_copy):
    (model_copy / constants.MANIFEST_FILE).write_text("{not json")
    with pytest.raises(ModelLoadError, match=r"manifest\.json: cannot read the manifest"):
        LitePredictor.load(model_copy)


def test_a_model_that_is_not_tflite_is_refused_at_load(model_copy):
    import hashlib

    junk = b"not a flatbuffer" * 10
    (model_copy / constants.MODEL_FILE).write_bytes(junk)
    _rewrite_manifest(
        model_copy,
        lambda m: m["files"]["model"].update(sha256=hashlib.sha256(junk).hexdigest()),
    )
    with pytest.raises(ModelLoadError, match=constants.MODEL_FILE):
        LitePredictor.load(model_copy)


def test_batch_is_one_model_call(predictor, monkeypatch):
    calls = []
    original = TfliteModel.predict
    monkeypatch.setattr(
        TfliteModel, "predict", lambda self, x: calls.append(x) or original(self, x)
    )
    predictor.predict(["good", "bad", "fine", "awful"])
    assert len(calls) == 1
    assert len(calls[0]["sentences"]) == 4


def test_explanation_is_one_call_capped_at_the_first_distinct_words(predictor, monkeypatch):
    # Known through the n-gram vocabulary only (the sentence branch's 40,000 tokens may cover
    # them all), then through the word vocabulary: more distinct known words than the cap, each
    # said twice, with an unknown word after each. A few hundred
    # words show the cap and the order as well as the whole vocabulary would, in a fraction of
    # the time (every explained word is one more variant of the whole text to score).
    encoder = predictor._encoder
    grams = encoder.grams.tokens if encoder.grams else ()
    # The n-gram vocabulary keeps stopwords, which are never explained: content words only.
    only_grams = [t for t in grams if tokenize(t) == [t] and encoder.words.id(t) == OOV_ID][:10]
    in_words = [t for t in encoder.words.tokens[:1000] if tokenize(t) == [t]]
    # Words that open or close a clause would mark their neighbours (handler.inference.marks): left out.
    cues = NEGATIONS | CONTRASTS | CONCESSIONS | {"used", "now"}
    in_words = [t for t in in_words if t not in cues and not t.endswith("n't")]
    only_grams = [t for t in only_grams if t not in cues]
    words = [*only_grams, *in_words[: MAX_EXPLAINED_WORDS + 50]]
    assert len(words) > MAX_EXPLAINED_WORDS
    assert all(tokenize(w) == [w] for w in words)
    unknown = [f"zzq{i}x" for i in range(len(words))]
    assert predictor._encoder.known_words(unknown) == []
    text = " ".join(f"{w} {u} {w}" for w, u in zip(words, unknown, strict=True))
    calls = []
    original = TfliteModel.predict
    monkeypatch.setattr(
        TfliteModel, "predict", lambda self, x: calls.append(x) or original(self, x)
    )
    answer, weights = predictor.explain(text)
    assert len(calls) == 1
    assert [w for w, _ in weights] == words[:MAX_EXPLAINED_WORDS]
    assert len(calls[0]["sentences"]) == len(weights) + 1
    assert 0.0 <= answer.probability <= 1.0
    assert answer.words_used == 2 * len(words)


def test_concurrent_requests_get_the_same_answers_as_serial_ones(predictor):
    texts = [f"{'wonderful ' * (i % 5)} {'awful ' * (i % 3)} plot" for i in range(40)]
    expected = [predictor.predict([t])[0] for t in texts]
    got: dict[int, Answer] = {}

    def work(i: int) -> None:
        for _ in range(5):
            got[i] = predictor.predict([texts[i]])[0] if i % 2 else predictor.explain(texts[i])[0]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [got[i].words_used for i in range(len(texts))] == [a.words_used for a in expected]
    assert [got[i].probability for i in range(len(texts))] == pytest.approx(
        [a.probability for a in expected], abs=1e-6
    )


# --- Explanations on a fake runtime whose outputs are known exactly ----------------------------
# Each word adds its two values to the two outputs, so deleting every copy of a word moves output
# k by exactly copies * value[k]. Every number is a binary fraction: float32 and float64 hold
# them exactly, so "at the resolution" is exactly at it.
VALUES = {
    "great": (2.0, 1.0),
    "awful": (-3.0, -0.5),
    "plot": (1 / 128, 0.0),  # one step of output 0: below the long-text resolution
    "fine": (0.0, 1 / 64),  # one step of output 1: exactly the resolution, so still 0
    "meh": (0.0, 1 / 32),  # two steps of output 1: above it
    "dull": (-0.5, -0.25),
}
STEPS = (1 / 128, 1 / 64)
HEAD = {
    "weights": [0.5, 2.0],
    "bias": 0.25,
    "short_weights": [1.0, 1.0],
    "short_bias": -0.5,
    "short_words": 4,
}


class LinearRuntime:
    """Stands in for `TfliteModel`: outputs are sums of the words' values, steps are `STEPS`."""

    tokens: tuple[str, ...] = ()
    calls = 0

    def __init__(self, model: bytes, units: dict[str, int] | None = None) -> None:
        self.output_steps = STEPS

    def predict(self, inputs):
        LinearRuntime.calls += 1
        table = np.zeros((len(self.tokens) + 2, 2))
        for i, token in enumerate(self.tokens):
            table[i + 2] = VALUES.get(token, (0.0, 0.0))
        return table[inputs["words"]].sum(axis=1).astype(np.float32)


@pytest.fixture
def linear(monkeypatch) -> LitePredictor:
    vocabulary = Vocabulary([*VALUES, "story"])  # "story": known, no effect at all
    encoder = Encoder(TextConfig(seq_len=16, ngram_len=0), vocabulary)
    monkeypatch.setattr(LinearRuntime, "tokens", vocabulary.tokens)
    monkeypatch.setattr(LinearRuntime, "calls", 0)
    monkeypatch.setattr(predictor_module, "TfliteModel", LinearRuntime)
    shipped = Manifest.read(SHIPPED_MANIFEST)
    head = HeadParams(**{k: tuple(v) if isinstance(v, list) else v for k, v in HEAD.items()})
    manifest = dataclasses.replace(shipped, model_version="linear-1", head=head)
    return LitePredictor(manifest, encoder, b"")


def _z(counts: dict[str, int], head_of: int) -> float:
    """The calibrated log-odds, by hand, of a text with `counts` copies of each known word,
    through the weights for a text of `head_of` known words."""
    short = head_of < HEAD["short_words"]
    weights = HEAD["short_weights"] if short else HEAD["weights"]
    bias = HEAD["short_bias"] if short else HEAD["bias"]
    return bias + sum(
        n * w * v
        for word, n in counts.items()
        for w, v in zip(weights, VALUES.get(word, (0, 0)), strict=True)
    )


def test_predict_mixes_the_outputs_with_the_weights_for_the_texts_length(linear):
    texts = ["great plot meh awful", "great plot awful", "The the THE", "zzqx vvbn", "dull zzqx"]
    answers = linear.predict(texts)
    counts = [{"great": 1, "plot": 1, "meh": 1, "awful": 1}, {"great": 1, "plot": 1, "awful": 1}]
    counts += [{}, {}, {"dull": 1}]
    assert [a.words_used for a in answers] == [4, 3, 0, 0, 1]
    for answer, c in zip(answers, counts, strict=True):
        z = _z(c, sum(c.values()))
        assert answer.probability == pytest.approx(1 / (1 + math.exp(-z)), abs=1e-12)


def test_weights_are_log_odds_and_zero_at_or_below_one_output_step(linear):
    text = "Great plot, fine; meh. Awful story, truly awful: zzqx"
    counts = {"great": 1, "plot": 1, "fine": 1, "meh": 1, "awful": 2, "story": 1}
    answer, weights = linear.explain(text)
    assert LinearRuntime.calls == 1
    assert answer == linear.predict([text])[0]
    assert answer.words_used == 7 >= HEAD["short_words"]
    assert answer.probability == pytest.approx(1 / (1 + math.exp(-_z(counts, 7))), abs=1e-12)
    # Long-text weights: one step of output 1 moves the log-odds by 2 * 1/64 = 1/32, the most.
    expected = {word: _z(counts, 7) - _z({**counts, word: 0}, 7) for word in counts}
    assert expected["plot"] == 1 / 256
    assert expected["fine"] == 1 / 32  # exactly the resolution
    assert expected["story"] == 0.0
    assert dict(weights) == {**expected, "plot": 0.0, "fine": 0.0}
    assert [w for w, _ in weights] == ["great", "plot", "fine", "meh", "awful", "story"]
    assert dict(weights)["awful"] == 2 * (0.5 * -3.0 + 2.0 * -0.5)  # both copies deleted
    assert all(type(v) is float for _, v in weights)


def test_every_variant_is_scored_through_the_full_texts_head(linear):
    # Four known words take the long-text weights; each text with a word deleted has three,
    # and scored on its own would take the short-text ones.
    text = "great dull meh story"
    counts = {"great": 1, "dull": 1, "meh": 1, "story": 1}
    _, weights = linear.explain(text)
    assert dict(weights) == {word: _z(counts, 4) - _z({**counts, word: 0}, 4) for word in counts}
    mixed_heads = _z(counts, 4) - _z({**counts, "great": 0}, 3)
    assert dict(weights)["great"] != pytest.approx(mixed_heads)


def test_a_short_text_uses_the_short_heads_resolution(linear):
    # Short-text weights are (1, 1): the resolution is one step of output 1, 1/64.
    text = "fine meh plot"
    _, weights = linear.explain(text)
    assert dict(weights) == {"fine": 0.0, "meh": 1 / 32, "plot": 0.0}
    (answer,) = linear.predict([text])
    assert answer.words_used == 3 < HEAD["short_words"]


def test_a_head_that_does_not_fit_the_outputs_is_refused_at_load(model_copy):
    _rewrite_manifest(model_copy, lambda m: m["head"].update(weights=[1.0, 2.0, 3.0]))
    with pytest.raises(ModelLoadError, match=r"manifest\.json: the head's weights do not fit"):
        LitePredictor.load(model_copy)


def test_a_head_with_unknown_keys_is_refused_at_load(model_copy):
    _rewrite_manifest(model_copy, lambda m: m["head"].update(temperature=2.0))
    with pytest.raises(ModelLoadError, match=r"manifest\.json: field 'head\.temperature' is not"):
        LitePredictor.load(model_copy)


def test_a_manifest_missing_a_field_is_refused_naming_it(model_copy):
    _rewrite_manifest(model_copy, lambda m: m.pop("vocab_sizes"))
    with pytest.raises(ModelLoadError, match=r"manifest\.json: field 'vocab_sizes' is missing"):
        LitePredictor.load(model_copy)


@pytest.mark.parametrize(
    ("module", "name", "changed"),
    [
        (marks, "NEGATIONS", "negations"),
        (marks, "PRONOUNS", "pronouns"),
        (text_module, "STOPWORDS", "stopwords"),
    ],
)
def test_a_word_list_the_model_was_not_trained_with_is_refused_naming_it(
    model_copy, monkeypatch, module, name, changed
):
    monkeypatch.setattr(module, name, getattr(module, name) | {"meh"})
    with pytest.raises(
        ModelLoadError, match=rf"manifest\.json: the code's word lists differ .*: {changed}$"
    ):
        LitePredictor.load(model_copy)


def test_every_changed_word_list_is_named(model_copy, monkeypatch):
    monkeypatch.setattr(marks, "CONTRASTS", marks.CONTRASTS - {"yet"})
    monkeypatch.setattr(marks, "IDENTITY_WORDS", marks.IDENTITY_WORDS | {"meh"})
    with pytest.raises(ModelLoadError, match=r": contrasts, identity_words$"):
        LitePredictor.load(model_copy)


def test_an_earlier_manifest_without_fingerprints_still_loads(model_copy, monkeypatch):
    # Such a model cannot say which lists it was trained on; `make compare` loads one as it was.
    _rewrite_manifest(model_copy, lambda m: m.pop("fingerprints"))
    monkeypatch.setattr(marks, "NEGATIONS", marks.NEGATIONS | {"meh"})
    assert LitePredictor.load(model_copy).manifest.fingerprints is None


def test_a_manifest_without_a_head_gets_the_identity_head(model_copy):
    _rewrite_manifest(model_copy, lambda m: m.pop("head"))
    assert LitePredictor.load(model_copy)._head == Head()


def test_the_shipped_manifest_is_what_the_predictor_holds(predictor):
    assert predictor.manifest == Manifest.read(SHIPPED_MANIFEST)
    assert predictor.model_version == predictor.manifest.model_version
