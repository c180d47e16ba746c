"""The exploration report on a tiny planted dataset, and the `python -m convert` CLI around it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest

from convert import __main__ as cli
from convert.data import imdb as data
from convert.data.imdb import Imdb, load
from convert.explore.report import write_report
from convert.paths import REPORTS_DIR
from scripts.paths import REPO_ROOT
from tests.convert.review_fixtures import write_aclimdb

PER_CLASS = 5
ROOT = REPO_ROOT
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)]+)\)")


def planted(split: str, kind: str, i: int) -> str:
    """Every review repeats its class's made-up word three times, so it tops the unigrams."""
    if kind == "pos":
        return f"Zorblax zorblax zorblax! A splendid cast,<br />splendid music. I liked part {i}."
    return f"Grimbly grimbly grimbly. Dreary pacing, dreary sets; I hated part {i} of {split}."


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_aclimdb(tmp_path_factory.mktemp("data"), PER_CLASS, planted)


@pytest.fixture(scope="module")
def imdb(dataset: Path) -> Imdb:
    return load(dataset, per_class=PER_CLASS)


@pytest.fixture(scope="module")
def report(imdb: Imdb, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(imdb, tmp_path_factory.mktemp("reports"))


def test_report_references_only_existing_pngs(report: Path) -> None:
    images = IMAGE.findall(report.read_text(encoding="utf-8"))
    assert len(images) == 10
    for name in images:
        path = report.parent / name
        assert path.read_bytes().startswith(b"\x89PNG\r\n\x1a\n"), name


def test_report_shows_computed_class_counts(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert "| train | 5 | 5 | 50.0% |" in text
    assert "| test | 5 | 5 | 50.0% |" in text
    assert "10 train reviews (50.0% positive) and 10 test reviews (50.0% positive)" in text


def test_report_finds_the_planted_ngrams(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    # Three per review, five reviews per class in the training split.
    assert "| 1 | grimbly | 15 | zorblax | 15 |" in text
    assert "| 2 | dreary | 10 | splendid | 10 |" in text
    assert "| 1 | grimbly grimbly | 10 | zorblax zorblax | 10 |" in text
    # Every trigram occurs once per review, so these share the top count with others.
    assert "| grimbly grimbly grimbly | 5 |" in text
    assert "| zorblax zorblax zorblax | 5 |" in text


def test_report_counts_ratings_and_coverage(report: Path) -> None:
    text = report.read_text(encoding="utf-8")
    # Review i gets STARS[i % 4]: star 1 (neg) and 7 (pos) twice each per split, the rest once.
    assert "| 1 | 2 | 2 |" in text
    assert "| 10 | 1 | 1 |" in text
    assert "**No neutral reviews:** 1-4 stars are negative, 7-10 positive" in text
    # A dozen distinct words: every vocabulary keeps all training tokens. In the test split the
    # five negative reviews end with "test", which training never saw: 5 of 105 tokens are lost.
    assert "| 1,000 | 100.0% | 95.2% |" in text


def test_report_is_deterministic(dataset: Path, report: Path, tmp_path: Path) -> None:
    # A fresh process with another string-hash seed: set and dict orders that leak into the
    # output would differ there, though never within one process.
    script = (
        "import sys; from pathlib import Path; from convert.data.imdb import load; "
        "from convert.explore.report import write_report; "
        f"write_report(load(sys.argv[1], per_class={PER_CLASS}), Path(sys.argv[2]))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", script, dataset, tmp_path], env=env, check=True)
    again = tmp_path / report.name
    assert again.read_text(encoding="utf-8") == report.read_text(encoding="utf-8")
    for name in IMAGE.findall(again.read_text(encoding="utf-8")):
        assert (tmp_path / name).read_bytes() == (report.parent / name).read_bytes(), name


# -- CLI ---------------------------------------------------------------------------------------


def test_cli_data_defaults_to_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(data.ENV_DATA, "/somewhere/aclImdb.tar.gz")
    args = cli.build_parser().parse_args(["explore"])
    assert args.data == Path("/somewhere/aclImdb.tar.gz")
    assert args.out == REPORTS_DIR
    monkeypatch.delenv(data.ENV_DATA)
    assert cli.build_parser().parse_args(["explore"]).data is None  # load() will download


def test_cli_explore_writes_the_report(
    dataset: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CLI always expects the full dataset; let it accept the small one.
    monkeypatch.setattr(data, "load", partial(load, per_class=PER_CLASS))
    assert cli.main(["explore", "--data", str(dataset), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "exploration.md").is_file()


def test_cli_reports_a_missing_dataset_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["explore", "--data", str(tmp_path / "nowhere"), "--out", str(tmp_path)])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "nowhere: no such file or folder" in err
    assert "Traceback" not in err
