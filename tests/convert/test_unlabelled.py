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
from convert.evaluate.unlabelled import (
    evidence_free,
    lean,
    leaning_words,
    probabilities,
    sample,
    spread,
)
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


DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]


def _reviews(label: int, texts: list[str]) -> list[Review]:
    return [Review(text=t, label=label, rating=0, id=f"{label}{i}_0") for i, t in enumerate(texts)]


def test_a_word_leans_when_one_labels_reviews_hold_it_twice_as_often() -> None:
    negative = _reviews(0, ["utter dreck, the plot"] * 10 + ["the plot"] * 10)
    positive = _reviews(1, ["the plot and a rare word"] * 3 + ["the plot"] * 17)
    leaning = leaning_words(negative + positive)
    assert "dreck" in leaning  # 10 negative reviews, no positive one
    assert "plot" not in leaning  # in every review of both labels
    assert "rare" not in leaning  # in only 3 reviews: too few to count either way


def test_evidence_free_sentences_hold_no_opinion_word_negation_number_or_question() -> None:
    review = (
        "I watched it on a rainy Tuesday. The plot was dreck from the start. "
        "I did not see the ending. It ran for 120 minutes in all. Did you see it on Tuesday? "
        "Too short. We watched it on a rainy Tuesday.<br /><br />I watched it on a rainy Tuesday."
    )
    found = evidence_free([review], {"dreck"})
    assert sorted(found) == [
        "I watched it on a rainy Tuesday.",
        "We watched it on a rainy Tuesday.",
    ]
    assert evidence_free([review], {"dreck"}, n=1) == evidence_free([review] * 2, {"dreck"}, n=1)


def test_spread_reads_the_share_near_the_prior_and_the_share_a_clear_opinion_would_get() -> None:
    found = spread(np.array([0.05, 0.45, 0.5, 0.58, 0.7, 0.95]))
    assert found["near_prior"] == 0.5  # 0.45, 0.5, 0.58
    assert found["confident"] == pytest.approx(1 / 3)  # 0.05, 0.95
    assert found["positive_share"] == pytest.approx(4 / 6)
    assert found["median"] == pytest.approx(0.54)


def test_the_evidence_free_command_scores_both_models_on_the_same_sentences(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    train = _reviews(0, ["utter dreck"] * 10) + _reviews(1, ["splendid fun"] * 10)
    unsup = _reviews(-1, [f"I watched it on a {day}. Utter dreck." for day in DAYS])
    monkeypatch.setattr(imdb, "load", lambda *_, **__: Imdb(train=train, test=[], unsup=unsup))
    args = ["evidence-free", "--data", str(tmp_path), "--previous", str(MODEL_DIR)]
    assert main(args) == 0
    found = json.loads(capsys.readouterr().out)
    assert found["model"]["texts"] == found["previous"]["texts"] == 6
    assert found["model"] == found["previous"]  # the same model, so the same answers
    assert found["model"]["version"].startswith("sentence-cnn")


def test_the_evidence_free_command_says_so_when_no_sentence_qualifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    unsup = _reviews(-1, ["Great!", "It was not bad."])
    monkeypatch.setattr(imdb, "load", lambda *_, **__: Imdb(train=[], test=[], unsup=unsup))
    assert main(["evidence-free", "--data", str(tmp_path)]) == 2
    assert capsys.readouterr().err.startswith("error: no evidence-free sentence")
