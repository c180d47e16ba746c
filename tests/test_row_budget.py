"""The default tier's LiteRT row budget (tests/conftest.py) holds for a run split over
pytest-xdist workers: the controller judges the workers' rows together, not each worker's alone.

Each case runs pytest on two stand-in tests under that same conftest, with the runtime's
`predict` replaced by a no-op, so rows are counted without a model.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.paths import REPO_ROOT

STUB = """
from handler.inference.runtime import TfliteModel

TfliteModel.predict = lambda self, inputs: None  # counted by the conftest, then nothing runs
"""

TESTS = """
import os

import pytest
from handler.inference.runtime import TfliteModel

MARK = getattr(pytest.mark, os.environ["STAND_IN_MARK"])


@MARK
@pytest.mark.parametrize("worker", [0, 1])
def test_scores_rows(worker):
    TfliteModel.predict(None, {"ids": range(int(os.environ["STAND_IN_ROWS"]))})
"""


@pytest.mark.parametrize(
    ("rows", "mark", "failed", "line"),
    [
        # 6,000 a worker: under the budget in each, over it together. (That a run under the
        # budget passes, every `make test` shows.)
        (6_000, "unmarked", True, "12,000 (default tier budget 10,000): OVER BUDGET"),
        # A `full` test anywhere takes the whole run off the budget.
        (6_000, "full", False, "12,000\n"),
    ],
)
def test_the_budget_counts_every_workers_rows(
    tmp_path: Path, rows: int, mark: str, failed: bool, line: str
) -> None:
    shutil.copyfile(REPO_ROOT / "tests" / "conftest.py", tmp_path / "conftest.py")
    (tmp_path / "stand_in_runtime.py").write_text(STUB)
    (tmp_path / "test_rows.py").write_text(TESTS)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    full: x\n    unmarked: x\n")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "2", "-p", "stand_in_runtime",
         "-p", "no:cacheprovider", "-q"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO_ROOT}",
             "STAND_IN_ROWS": str(rows), "STAND_IN_MARK": mark},
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert "2 passed" in result.stdout, result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == (1 if failed else 0), result.stdout[-3000:]
    assert f"in this run's pytest processes: {line}" in result.stdout + "\n"
