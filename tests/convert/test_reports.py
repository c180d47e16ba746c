"""The committed results page and model card are what the renderer draws from results.json."""

from __future__ import annotations

import shutil
from pathlib import Path

from convert.paths import REPORTS_DIR
from convert.reports.results import render
from handler.constants import MODEL_CARD_FILE
from handler.inference.paths import MODEL_DIR


def test_rendering_the_recorded_figures_reproduces_the_committed_pages(tmp_path: Path) -> None:
    for name in ("results.json", "behaviour.json"):
        shutil.copy(REPORTS_DIR / name, tmp_path / name)
    page = render(tmp_path / "results.json", tmp_path)
    # Byte for byte: a stale page, or a renderer change that moves a figure, fails here.
    assert page.read_text() == (REPORTS_DIR / "results.md").read_text()
    card = (tmp_path / MODEL_CARD_FILE).read_text()
    assert card == (REPORTS_DIR / MODEL_CARD_FILE).read_text()
    assert card == (MODEL_DIR / MODEL_CARD_FILE).read_text()
