"""The hand-written opinions: the file's format, and the shipped model's figures held to what
reports/behaviour.{json,md} record."""

from __future__ import annotations

from collections import Counter

import pytest

from convert.behaviour import handwritten as hw
from convert.behaviour import report
from convert.behaviour.run import lite_scorer
from convert.paths import REPORTS_DIR
from handler.inference.manifest import Manifest
from handler.inference.paths import MODEL_DIR, SHIPPED_MANIFEST

MIN_ROWS, MIN_LABEL_SHARE, MIN_PER_FORM = 150, 0.4, 10
# int8 answers are exact; this allows float summation order in the calibrated head only.
NOISE = 0.001


@pytest.fixture(scope="module")
def opinions() -> list[hw.Opinion]:
    return hw.load()


def test_the_file_says_what_it_is() -> None:
    head = hw.PATH.read_text(encoding="utf-8").split("\ntext\t")[0]
    assert head.startswith("#")
    assert "by hand" in head
    assert "never training" in head


def test_the_file_is_large_balanced_and_has_every_form(opinions) -> None:
    assert len(opinions) >= MIN_ROWS
    labels = Counter(o.label for o in opinions)
    assert set(labels) == set(hw.LABELS)
    assert all(n / len(opinions) >= MIN_LABEL_SHARE for n in labels.values()), labels
    for form in hw.FORMS:
        rows = [o for o in opinions if o.form == form]
        assert len(rows) >= MIN_PER_FORM, form
        assert {o.label for o in rows} == set(hw.LABELS), form


def test_no_text_is_written_twice(opinions) -> None:
    keys = Counter(" ".join(o.text.lower().split()) for o in opinions)
    assert [k for k, n in keys.items() if n > 1] == []


@pytest.mark.parametrize(
    "row",
    [
        "Great.\tgood\tplain",
        "Great.\tpositive\tsarcasm",
        "Great.\tpositive",
        " Great.\tpositive\tplain",
    ],
)
def test_a_broken_row_is_refused_with_its_line(tmp_path, row) -> None:
    path = tmp_path / "h.tsv"
    path.write_text(
        f"# comment\ntext\tlabel\tform\nFine.\tpositive\tplain\n{row}\n", encoding="utf-8"
    )
    with pytest.raises(hw.HandwrittenError, match=r"h\.tsv:4"):
        hw.load(path)


def test_a_missing_header_is_refused(tmp_path) -> None:
    path = tmp_path / "h.tsv"
    path.write_text("Fine.\tpositive\tplain\n", encoding="utf-8")
    with pytest.raises(hw.HandwrittenError, match="header"):
        hw.load(path)


def test_the_shares_on_a_fake_model(opinions) -> None:
    figs = hw.figures(opinions, lambda texts: [0.9] * len(texts), "fake", None)
    positive = sum(o.label == "positive" for o in opinions) / len(opinions)
    model = figs["model"]
    assert model["right"] == positive
    assert model["confident"] == 1.0
    assert model["labels"]["positive"]["right"] == 1.0
    assert model["labels"]["negative"]["right"] == 0.0
    assert sum(f["rows"] for f in model["forms"].values()) == len(opinions)
    assert len(model["worst"]) == hw.EXAMPLES
    assert figs["previous"] is None
    unsure = hw.model_figures("unsure", opinions, lambda texts: [0.5] * len(texts))
    assert (unsure["right"], unsure["confident"]) == (0.0, 0.0)


def test_the_shipped_model_scores_what_the_report_records(opinions) -> None:
    recorded = report.read()["handwritten"]
    version = Manifest.read(SHIPPED_MANIFEST).model_version
    if recorded["fingerprint"] != hw.fingerprint() or recorded["model"]["model_version"] != version:
        pytest.fail("reports/behaviour.json measured another file or model: rerun `make behaviour`")
    scorer, _ = lite_scorer(MODEL_DIR)
    now, before = hw.model_figures(version, opinions, scorer), recorded["model"]
    for key in ("rows", "right", "confident"):
        assert now[key] == before[key], key
        for group in ("labels", "forms"):
            assert {k: v[key] for k, v in now[group].items()} == {
                k: v[key] for k, v in before[group].items()
            }, (group, key)
    assert [w["text"] for w in now["worst"]] == [w["text"] for w in before["worst"]]
    assert [w["p"] for w in now["worst"]] == pytest.approx(
        [w["p"] for w in before["worst"]], abs=NOISE
    )


def test_the_markdown_report_shows_what_the_json_records() -> None:
    section = "\n".join(hw.markdown(report.read()["handwritten"]))
    assert section in (REPORTS_DIR / report.MD_NAME).read_text(encoding="utf-8")
