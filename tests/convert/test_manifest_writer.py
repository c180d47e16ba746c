"""The manifest is built by the export, given its evaluation, and written once."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path

from convert.export.artifacts import model_version, with_metrics
from handler.inference.calibration import Head
from handler.inference.manifest import Manifest
from handler.inference.paths import SHIPPED_MANIFEST


def test_built_then_evaluated_then_written_once_is_the_shipped_file(tmp_path: Path) -> None:
    shipped = SHIPPED_MANIFEST.read_text()
    # What the export hands over: every figure but the evaluation, read back through JSON.
    exported = json.loads(shipped)
    evaluation = exported["metrics"].pop("evaluation")
    manifest = Manifest.from_json(copy.deepcopy(exported), source="export")
    assert "evaluation" not in manifest.metrics
    manifest = with_metrics(manifest, evaluation=evaluation)
    manifest.write(tmp_path / "manifest.json")
    # Byte for byte what the export and the patch after evaluation used to leave on disk.
    assert (tmp_path / "manifest.json").read_text() == shipped
    assert manifest.to_json() == json.loads(shipped)


def test_the_version_names_the_graph_the_reading_and_the_head() -> None:
    shipped = Manifest.read(SHIPPED_MANIFEST)
    head = Head.of(shipped.to_json())
    model, vocab = shipped.files["model"].sha256, shipped.files["vocab"].sha256
    assert model_version(shipped.architecture, model, vocab, head) == shipped.model_version
    # The same int8 graph read another way, or mixed by another head, answers differently.
    assert model_version(shipped.architecture, model, "0" * 64, head) != shipped.model_version
    other_head = replace(head, short_bias=head.short_bias + 0.1)
    assert model_version(shipped.architecture, model, vocab, other_head) != shipped.model_version
