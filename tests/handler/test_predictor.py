"""The LiteRT predictor: load-time checks against the manifest, batching and explanations."""

from __future__ import annotations

import json
import threading

import pytest

from handler import constants
from handler.errors import ModelLoadError
from handler.predictor import MAX_EXPLAINED_WORDS, LitePredictor
from handler.runtime import TfliteModel
from handler.text import OOV_ID, tokenize


def test_shipped_model_loads_and_scores_in_range(predictor):
    probs = predictor.predict(["a wonderful film", "an awful film", ""])
    assert len(probs) == 3
    assert all(0.0 <= p <= 1.0 for p in probs)


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
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def test_vocabulary_with_other_text_settings_is_refused(model_copy):
    def longer(manifest):
        manifest["text"]["seq_len"] += 1
        manifest["inputs"]["words"] += 1

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
    data = json.loads(vocab.read_text())
    data["words"] = list(reversed(data["words"]))  # same size and settings, different ids
    vocab.write_text(json.dumps(data))
    with pytest.raises(ModelLoadError, match="sha256"):
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
    assert len(calls[0]["words"]) == 4


def test_explanation_is_one_call_capped_at_the_first_distinct_words(predictor, monkeypatch):
    # Known through the n-gram vocabulary only, then through the word vocabulary: more distinct
    # known words than the cap, each said twice, with an unknown word after each. A few hundred
    # words show the cap and the order as well as the whole vocabulary would, in a fraction of
    # the time (every explained word is one more variant of the whole text to score).
    encoder = predictor._encoder
    grams = encoder.grams.tokens if encoder.grams else ()
    only_grams = [t for t in grams if " " not in t and encoder.words.id(t) == OOV_ID][:10]
    in_words = [t for t in encoder.words.tokens[:1000] if tokenize(t) == [t]]
    words = [*only_grams, *in_words[: MAX_EXPLAINED_WORDS + 50]]
    assert len(words) > MAX_EXPLAINED_WORDS
    assert all(tokenize(w) == [w] for w in words)
    unknown = [f"zzq{i}x" for i in range(len(words))]
    assert not any(predictor._known(u) for u in unknown)
    text = " ".join(f"{w} {u} {w}" for w, u in zip(words, unknown, strict=True))
    calls = []
    original = TfliteModel.predict
    monkeypatch.setattr(
        TfliteModel, "predict", lambda self, x: calls.append(x) or original(self, x)
    )
    probability, weights = predictor.explain(text)
    assert len(calls) == 1
    assert [w for w, _ in weights] == words[:MAX_EXPLAINED_WORDS]
    assert len(calls[0]["words"]) == len(weights) + 1
    assert 0.0 <= probability <= 1.0


def test_concurrent_requests_get_the_same_answers_as_serial_ones(predictor):
    texts = [f"{'wonderful ' * (i % 5)} {'awful ' * (i % 3)} plot" for i in range(40)]
    expected = [predictor.predict([t])[0] for t in texts]
    got: dict[int, float] = {}

    def work(i: int) -> None:
        for _ in range(5):
            got[i] = predictor.predict([texts[i]])[0] if i % 2 else predictor.explain(texts[i])[0]

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [got[i] for i in range(len(texts))] == pytest.approx(expected, abs=1e-6)
