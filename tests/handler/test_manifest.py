"""The typed manifest: an exact round trip of the shipped file, and errors that name the field."""

from __future__ import annotations

import dataclasses
import json

import pytest

from handler import constants
from handler.errors import ModelLoadError
from handler.inference.calibration import Head
from handler.inference.features import TextConfig
from handler.inference.manifest import FileEntry, HeadParams, Manifest, TextSettings
from handler.inference.paths import SHIPPED_MANIFEST as SHIPPED
from handler.inference.word_lists import word_list_fingerprints


def _shipped_json() -> dict:
    return json.loads(SHIPPED.read_text())


def test_the_shipped_manifest_round_trips_exactly(tmp_path):
    found = Manifest.read(SHIPPED)
    assert found.to_json() == _shipped_json()
    assert list(found.to_json()) == list(_shipped_json())
    found.write(tmp_path / constants.MANIFEST_FILE)
    assert (tmp_path / constants.MANIFEST_FILE).read_bytes() == SHIPPED.read_bytes()


@pytest.mark.parametrize(("mirror", "runtime"), [(HeadParams, Head), (TextSettings, TextConfig)])
def test_the_mirrors_have_the_runtime_classes_fields_and_defaults(mirror, runtime):
    def described(cls):
        return [(f.name, f.default) for f in dataclasses.fields(cls)]

    assert described(mirror) == described(runtime)


def test_the_fields_are_typed():
    found = Manifest.read(SHIPPED)
    assert isinstance(found.files["model"], FileEntry)
    assert found.files["vocab"].name == constants.VOCAB_FILE
    assert found.text.sentences * found.text.sentence_len == found.inputs["sentences"]
    assert isinstance(found.head.weights, tuple)
    assert isinstance(found.output_steps, tuple)


def test_a_manifest_built_from_its_parts_equals_the_one_read():
    found = Manifest.read(SHIPPED)
    parts = {f.name: getattr(found, f.name) for f in dataclasses.fields(Manifest)}
    assert Manifest(**parts) == found
    assert Manifest.from_json(Manifest(**parts).to_json()) == found


def test_the_shipped_manifest_records_the_codes_word_lists():
    found = Manifest.read(SHIPPED)
    assert found.fingerprints == word_list_fingerprints(found.text)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        (("model_version",), "model_version"),
        (("files", "vocab"), "files.vocab"),
        (("files", "model", "sha256"), "files.model.sha256"),
        (("inputs",), "inputs"),
        (("metrics",), "metrics"),
        (("versions",), "versions"),
    ],
)
def test_a_missing_field_is_named(path, field):
    data = _shipped_json()
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    del parent[path[-1]]
    with pytest.raises(ModelLoadError, match=rf"^where: field '{field}' is missing$"):
        Manifest.from_json(data, source="where")


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda m: m.update(model_version=7), "model_version", "must be a string"),
        (lambda m: m["inputs"].update(words="400"), "inputs.words", "must be an integer"),
        (lambda m: m["inputs"].update(words=True), "inputs.words", "must be an integer"),
        (lambda m: m["text"].update(marks=1), "text.marks", "must be true or false"),
        (lambda m: m["head"].update(weights=["1"]), r"head.weights\[0\]", "must be a number"),
        (lambda m: m["head"].update(temperature=2.0), "head.temperature", "is not one"),
        (lambda m: m["text"].update(lower=True), "text.lower", "is not one"),
        (lambda m: m["text"].update(padding="both"), "text.padding", "must be 'pre' or 'post'"),
        (lambda m: m.update(output_steps=0.1), "output_steps", "must be a list"),
        (lambda m: m.update(labels=[]), "labels", "must be a JSON object"),
        (lambda m: m["fingerprints"].update(stopwords=None), "fingerprints.stopwords", "must be"),
    ],
)
def test_a_mistyped_field_is_named(change, field, problem):
    data = _shipped_json()
    change(data)
    with pytest.raises(ModelLoadError, match=rf"^where: field '{field}' {problem}"):
        Manifest.from_json(data, source="where")


def test_the_error_never_quotes_the_value():
    data = _shipped_json()
    data["model_version"] = ["SECRET-VALUE"]
    with pytest.raises(ModelLoadError) as caught:
        Manifest.from_json(data)
    assert "SECRET-VALUE" not in str(caught.value)


def test_a_manifest_that_is_not_an_object_is_refused():
    with pytest.raises(ModelLoadError, match="must be a JSON object"):
        Manifest.from_json([])


def test_a_manifest_without_fingerprints_reads_and_writes_without_them():
    data = _shipped_json()
    del data["fingerprints"]
    found = Manifest.from_json(data)
    assert found.fingerprints is None
    assert found.to_json() == data


def test_an_earlier_models_manifest_reads_with_the_defaults_of_what_it_lacks():
    # As the first shipped models wrote it (92a53c4): no head, steps, marks or fingerprints.
    data = _shipped_json()
    for key in ("head", "output_steps", "fingerprints"):
        del data[key]
    for key in ("marks", "ngram_stopwords"):
        del data["text"][key]
    found = Manifest.from_json(data)
    assert (found.head, found.output_steps, found.fingerprints) == (None, None, None)
    assert found.text.marks is False
    assert found.text.ngram_stopwords is False
    assert "head" not in found.to_json()
    assert "output_steps" not in found.to_json()


def test_the_manifest_is_built_from_keywords_only():
    parts = {f.name: getattr(Manifest.read(SHIPPED), f.name) for f in dataclasses.fields(Manifest)}
    with pytest.raises(TypeError):
        Manifest(*parts.values())


def test_reading_copies_the_free_form_parts():
    data = _shipped_json()
    found = Manifest.from_json(data)
    data["metrics"]["split"] = "changed"
    found.to_json()["metrics"]["split"] = "changed too"
    assert found.metrics["split"] == _shipped_json()["metrics"]["split"]


def test_differing_word_lists_names_each_list_changed_added_or_dropped():
    found = Manifest.read(SHIPPED)
    current = word_list_fingerprints(found.text)
    assert found.differing_word_lists(current) == []
    changed = {**current, "negations": "0" * 64, "new_list": "1" * 64}
    del changed["pronouns"]
    assert found.differing_word_lists(changed) == ["negations", "new_list", "pronouns"]
