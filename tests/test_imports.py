"""The packages' import graph: no circle anywhere, and infra/ never loads the service's runtime."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from scripts.house import imported_names, modules
from scripts.paths import REPO_ROOT

PACKAGES = ("handler", "convert", "infra", "bench")
# What the Lambda image needs to answer a request; `cdk synth` has no business loading it.
RUNTIME = frozenset({"aws_lambda_powertools", "ai_edge_litert", "tflite_runtime", "fastapi",
                     "starlette", "mangum", "numpy"})  # fmt: skip


@cache
def _modules() -> dict[str, Path]:
    return modules(REPO_ROOT, PACKAGES)


def _imports(module: str) -> set[str]:
    return imported_names(module, _modules()[module])


def _edges(module: str) -> set[str]:
    """The repository's modules that `module` imports."""
    return {name for name in _imports(module) if name in _modules() and name != module}


def _graph() -> dict[str, set[str]]:
    return {module: _edges(module) for module in _modules()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each elementary cycle once, starting from its alphabetically first module."""
    found = []
    for start in sorted(graph):
        todo = [(start, [start])]
        while todo:
            module, path = todo.pop()
            for target in sorted(graph[module]):
                if target == start:
                    found.append(path)
                elif target > start and target not in path:
                    todo.append((target, [*path, target]))
    return found


def _third_party(module: str, seen: frozenset[str] = frozenset()) -> set[str]:
    """Top-level packages outside the repository that importing `module` loads."""
    names = _imports(module)
    outside = {n.split(".")[0] for n in names if n.split(".")[0] not in PACKAGES}
    for inner in _edges(module) - seen:
        outside |= _third_party(inner, seen | {module})
    return outside


def test_no_module_imports_itself_through_others() -> None:
    graph = _graph()
    assert len(graph) > 50  # the scan sees the packages
    assert "infra.stack" in graph["infra.app"]  # and their imports
    assert _cycles(graph) == []


def test_the_scan_finds_a_circle() -> None:
    # What the check above would report for infra/nag.py importing the stack that calls it.
    graph = {"infra.nag": {"infra.stack"}, "infra.stack": {"infra.nag", "infra.api"}}
    assert _cycles({**graph, "infra.api": set()}) == [["infra.nag", "infra.stack"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a", "b"}}) == [["a", "b", "c"], ["b", "c"]]


def test_infra_loads_no_runtime_module_of_the_service() -> None:
    infra = [m for m in _modules() if m.split(".")[0] == "infra"]
    loaded = {m: _third_party(m) & RUNTIME for m in infra}
    assert {m: sorted(found) for m, found in loaded.items() if found} == {}
    # The check sees what the service's own modules load.
    assert {"aws_lambda_powertools", "fastapi"} <= _third_party("handler.lambda_function")


def test_the_entry_point_loads_no_settings_framework() -> None:
    # pydantic-settings imports every source it has (dotenv, argparse, cloud providers) on each
    # cold start; handler.settings reads its few variables itself.
    assert not {"pydantic_settings", "dotenv"} & _third_party("handler.lambda_function")


def _reachable(module: str) -> set[str]:
    """The repository's modules that importing `module` loads, directly or through others."""
    found, todo = set(), [module]
    while todo:
        for target in _edges(todo.pop()) - found:
            found.add(target)
            todo.append(target)
    return found


def _in(wings: tuple[str, ...], modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.startswith(tuple(f"{w}." for w in wings)) or m in wings)


def _reaching(wing: str, others: tuple[str, ...]) -> dict[str, list[str]]:
    """Each module of `wing` that loads a module of `others`, with the modules it loads."""
    found = {m: _in(others, _reachable(m)) for m in _modules() if _in((wing,), {m})}
    return {m: loaded for m, loaded in found.items() if loaded}


def test_the_inference_wing_knows_nothing_of_http_bulk_jobs_or_observability() -> None:
    inference = [m for m in _modules() if m.startswith("handler.inference")]
    assert "handler.inference.predictor" in inference
    wings = ("handler.api", "handler.bulk", "handler.observability", "handler.answers")
    assert _reaching("handler.inference", wings) == {}


def test_the_answer_builder_imports_the_inference_wing_and_nothing_of_http() -> None:
    for shared in ("handler.answers", "handler.requests"):
        found = _reachable(shared)
        assert "handler.inference.text" in found
        assert _in(("handler.api", "handler.bulk", "handler.observability"), found) == []
    # Bulk jobs answer through the builder and validate with the shared request contract: nothing
    # of the HTTP layer, and the HTTP layer nothing of bulk jobs.
    assert {"handler.answers", "handler.requests"} <= _edges("handler.bulk.scoring")
    assert _reaching("handler.bulk", ("handler.api",)) == {}
    assert _reaching("handler.api", ("handler.bulk",)) == {}
