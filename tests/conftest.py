"""Settings every test run needs, whichever way pytest is started (make test, CI, a bare pytest),
and the default tier's budget of rows scored through the LiteRT runtime."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import pytest

# Before anything imports aws_cdk: its jsii runtime would print a boxed Node 20 end-of-life banner
# into the test output. The Makefile sets the same; the value names the one silenced major version.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

# The default tier must finish in minutes on a 2-core machine, and scoring through the int8
# interpreter is what made it slow (37,000+ rows: the whole test set and the whole behavioural
# suite). Those full runs are marked `full`; a session that runs none of them, nor `slow`, may
# score at most this many rows in its pytest processes (under pytest-xdist each worker counts its
# own and the controller adds them up). Rows scored in subprocesses (the bench's child, CLI runs
# through `subprocess`) are not seen here.
RUNTIME_ROW_BUDGET = 10_000
_UNBUDGETED = ("full", "slow")
_ROWS_KEY = "litert_rows"
_BUDGETED_KEY = "litert_budgeted"
_rows = {"scored": 0}
_restore = pytest.StashKey[tuple[Any, Any]]()
_budgeted = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    from handler.inference.runtime import TfliteModel

    original = TfliteModel.predict

    def counted(self: TfliteModel, inputs: Mapping[str, Any]) -> Any:
        # Every TFLite file through the service's runtime counts (float twins too, a few hundred
        # rows): an upper bound on the int8 rows, kept simple.
        _rows["scored"] += len(next(iter(inputs.values()), ()))
        return original(self, inputs)

    TfliteModel.predict = counted  # type: ignore[method-assign]
    config.stash[_restore] = (TfliteModel, original)


def pytest_unconfigure(config: pytest.Config) -> None:
    model, original = config.stash[_restore]
    model.predict = original


def pytest_collection_finish(session: pytest.Session) -> None:
    # Not called on a pytest-xdist controller, which collects nothing: its workers do.
    session.config.stash[_budgeted] = not any(
        item.get_closest_marker(name) for item in session.items for name in _UNBUDGETED
    )


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """pytest-xdist, on the controller: a worker is done. The run is budgeted when every worker
    ran no `full` or `slow` test, and its rows are the workers' together."""
    output = getattr(node, "workeroutput", {})
    _rows["scored"] += output.get(_ROWS_KEY, 0)
    stash = node.config.stash
    stash[_budgeted] = stash.get(_budgeted, True) and output.get(_BUDGETED_KEY, True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if hasattr(config, "workeroutput"):  # a pytest-xdist worker: the controller judges the sum
        config.workeroutput[_ROWS_KEY] = _rows["scored"]
        config.workeroutput[_BUDGETED_KEY] = config.stash.get(_budgeted, False)
        return
    if config.stash.get(_budgeted, False) and _rows["scored"] > RUNTIME_ROW_BUDGET:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    budgeted = config.stash.get(_budgeted, False)
    line = f"rows scored through the LiteRT runtime in this run's pytest processes: {_rows['scored']:,}"
    if budgeted:
        line += f" (default tier budget {RUNTIME_ROW_BUDGET:,})"
    over = budgeted and _rows["scored"] > RUNTIME_ROW_BUDGET
    terminalreporter.write_line(line + (": OVER BUDGET, session failed" if over else ""), red=over)
