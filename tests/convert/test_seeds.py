"""reports/seeds.md: one column per draw, each row's spread over the draws; the settings a
candidate recipe changes, read as their fields' types."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from convert.evaluate import seeds
from convert.evaluate.seeds import Draw, markdown, read, settings_of, write
from convert.paths import REPORTS_DIR


def test_the_report_has_a_column_per_draw_and_each_rows_spread(tmp_path: Path) -> None:
    found = [
        Draw("shift 0 (shipped)", 0.9136, {"Negation failing (%)": 41.5, "hand-written (%)": 87.3}),
        Draw("shift 1", 0.9132, {"Negation failing (%)": 50.2, "hand-written (%)": 83.4}),
        Draw("shift 2", 0.9140, {"Negation failing (%)": 44.0, "hand-written (%)": 85.0}),
    ]
    json_path, md_path = write(found, tmp_path)
    lines = md_path.read_text().splitlines()
    assert "| signal | shift 0 (shipped) | shift 1 | shift 2 | spread |" in lines
    assert "| Negation failing (%) | 41.50 | 50.20 | 44.00 | 8.70 |" in lines
    assert "| hand-written (%) | 87.30 | 83.40 | 85.00 | 3.90 |" in lines
    assert "| validation, mixed (%) | 91.36 | 91.32 | 91.40 | 0.08 |" in lines
    assert [d["label"] for d in json.loads(json_path.read_text())][1:] == ["shift 1", "shift 2"]
    assert read(json_path) == found


@pytest.mark.parametrize("found", sorted(REPORTS_DIR.glob("seeds*.json")), ids=lambda p: p.stem)
def test_each_committed_report_is_its_figures(found: Path) -> None:
    """reports/seeds*.md are what their .json render to: no figure edited by hand."""
    assert markdown(read(found)) == found.with_suffix(".md").read_text()


def test_settings_are_read_as_their_fields_types() -> None:
    found = settings_of(["self_taught=12000", "span_weight=0.5", "contractions=true"])
    assert found == {"self_taught": 12000, "span_weight": 0.5, "contractions": True}
    assert type(found["self_taught"]) is int


@pytest.mark.parametrize(
    "pair", ["nope=1", "self_taught", "self_taught=many", "contractions=yes", "seed_shift=1"]
)
def test_a_setting_that_is_not_one_is_refused(pair: str) -> None:
    with pytest.raises(ValueError, match=pair.split("=")[0]):
        settings_of([pair])


def test_rare_words_are_a_sample_past_the_frequent_ones_with_no_lexicon_word(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(seeds, "RARE_FROM", 2)
    monkeypatch.setattr(seeds, "RARE_EVERY", 2)
    tokens = ["the", "film", "tuesday", "x", "great", "x", "<name>", "x", "Boston", "x", "lamp"]
    encoder = SimpleNamespace(words=SimpleNamespace(tokens=tuple(tokens)))
    # From rank 2, every 2nd: "great" is the lexicon's, "<name>" and "Boston" are not words.
    assert seeds.rare_words(encoder) == ["tuesday", "lamp"]  # type: ignore[arg-type]


def test_the_shipped_column_names_the_model_it_read() -> None:
    shipped = seeds.Shipped(None, None, None, 0.91, "sentence-cnn-ngram-94e5d2d6689c")  # type: ignore[arg-type]
    assert shipped.label == "shift 0 (shipped 94e5d2d6689c)"


def test_the_evidence_free_rows_read_the_share_a_clear_opinion_would_get_and_the_near_prior() -> (
    None
):
    answers = {"a": 0.05, "b": 0.5, "c": 0.55, "d": 0.9}
    found = seeds.without_evidence(lambda texts: [answers[t] for t in texts], list(answers))
    assert found == {
        "evidence-free sentences, P <= 0.2 or >= 0.8 (%)": 50.0,
        "evidence-free sentences, P within 0.1 of 0.5 (%)": 50.0,
    }
