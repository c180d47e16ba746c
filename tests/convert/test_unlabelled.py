"""`python -m convert unlabelled`: a lean between two models, read without labels."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from convert.__main__ import main
from convert.data import imdb
from convert.data.imdb import Imdb, Review
from convert.evaluate.unlabelled import lean, probabilities, sample
from handler.constants import MANIFEST_FILE
from handler.inference.paths import MODEL_DIR


def test_a_model_that_answers_lower_everywhere_shows_as_leaning_negative() -> None:
    previous = np.array([0.1, 0.4, 0.55, 0.7, 0.9])
    model = np.array([0.05, 0.3, 0.45, 0.6, 0.9])
    found = lean(previous, model)
    assert found["model_lower"] == 0.8
    assert found["model_higher"] == 0.0
    assert found["median_logit_shift"] < 0
    assert found["positive_share"] == {"previous": 0.6, "model": 0.4}
    assert found["label_agreement"] == 0.8


def test_the_shipped_model_beside_itself_has_no_lean() -> None:
    texts = ["A clever script.", "Dull and far too long.", "I watched it on Tuesday."]
    p = probabilities(MODEL_DIR, texts)
    found = lean(p, p)
    assert (found["model_lower"], found["model_higher"], found["label_agreement"]) == (0, 0, 1)
    assert found["median_logit_shift"] == 0


def test_the_sample_does_not_depend_on_the_archives_order() -> None:
    reviews = [Review(text=f"review {i}", label=-1, rating=0, id=f"{i}_0") for i in range(50)]
    assert sample(reviews, 10) == sample(list(reversed(reviews)), 10)
    assert len(set(sample(reviews, 10))) == 10
    assert len(sample(reviews, 100)) == 50


def test_the_command_refuses_a_model_this_code_cannot_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    older = tmp_path / "model"
    shutil.copytree(MODEL_DIR, older)
    manifest = json.loads((older / MANIFEST_FILE).read_text())
    manifest["fingerprints"]["spelling"] = "0" * 64  # word lists other than this code's
    (older / MANIFEST_FILE).write_text(json.dumps(manifest))
    unsup = [Review(text=f"review {i}", label=-1, rating=0, id=f"{i}_0") for i in range(5)]
    monkeypatch.setattr(imdb, "load", lambda *_, **__: Imdb(train=[], test=[], unsup=unsup))
    assert main(["unlabelled", "--data", str(tmp_path), "--previous", str(older)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ")
    assert "spelling" in err
