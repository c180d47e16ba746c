"""`python -m scripts.house [--repo DIR]`: how the code is laid out, in the figures issue 24 names.

Modules per folder, modules over 300 lines, functions over 80 lines, the places that parse the model
manifest, each handler module's floor in the import graph and any import that climbs from a lower
wing of handler/ into a higher one. Reads the files as text (nothing is imported), so it measures
any checkout, an old commit's included: `git worktree add /tmp/old REV && python -m scripts.house
--repo /tmp/old`.
"""

from __future__ import annotations

import argparse
import ast
from collections import Counter
from collections.abc import Iterator
from functools import cache
from pathlib import Path

PACKAGES = ("handler", "convert", "infra", "bench", "scripts")
MODULE_LINES = 300
FUNCTION_LINES = 80
# Wings of handler/, lowest first: a module may import its own wing and the ones below it. A flat
# module of an older layout is put in the wing its content belongs to, so old and new compare.
WINGS = ("base", "inference", "observability", "settings", "answers", "bulk", "api", "entry", "dev")
FLAT = {
    "constants": "base", "errors": "base", "origins": "base", "settings": "settings",
    "text": "inference", "marks": "inference", "grams": "inference", "vocab_file": "inference",
    "calibration": "inference", "runtime": "inference", "predictor": "inference",
    "paths": "inference", "manifest": "inference",
    "logs": "observability", "metrics": "observability",
    "app": "api", "routes": "api", "schemas": "api", "middleware": "api", "openapi": "api",
    "sentences": "api", "answers": "answers", "requests": "answers", "lambda_function": "entry", "local": "dev", "local_server": "dev",
}  # fmt: skip
# bulk and api stand side by side: neither may import the other.
SIDEWAYS = {("bulk", "api"), ("api", "bulk")}


def modules(repo: Path, packages: tuple[str, ...] = PACKAGES) -> dict[str, Path]:
    """Every module of `packages` under `repo`, by dotted name, with its file."""
    found = {}
    for package in packages:
        for path in sorted((repo / package).rglob("*.py")):
            parts = path.relative_to(repo).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def imported_names(module: str, path: Path) -> set[str]:
    """Every name `module` imports: top level, inside functions and under TYPE_CHECKING alike.

    `from handler.observability import logs` names both the package and the module
    handler.observability.logs, so a caller keeps whichever of them is a module it knows.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                prefix = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{prefix}.{base}".rstrip(".")
            names |= {base, *(f"{base}.{alias.name}" for alias in node.names)}
    return names


def wing(module: str) -> str:
    """The wing of a handler module: its sub-package, or the table's word for a flat module."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and parts[1] in WINGS):
        return parts[1]
    return FLAT.get(parts[-1], "base")


def _long_functions(path: Path) -> Iterator[tuple[str, int]]:
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno:
            length = node.end_lineno - node.lineno + 1
            if length > FUNCTION_LINES:
                yield node.name, length


def _manifest_parses(path: Path) -> Iterator[int]:
    """Lines that call json.load(s) on the manifest: the call, its function or its module names it."""
    source = path.read_text()
    in_manifest_module = "manifest" in path.stem
    tree = ast.parse(source)
    for outer in [tree, *ast.walk(tree)]:
        if not isinstance(outer, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        named = isinstance(outer, ast.Module) or "manifest" in outer.name.lower()
        body = outer.body if isinstance(outer, ast.Module) else [outer]
        for node in (n for stmt in body for n in ast.walk(stmt)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in {"load", "loads"} or ast.unparse(node.func.value) != "json":
                continue
            said = "manifest" in (ast.get_source_segment(source, node) or "").lower()
            if said or in_manifest_module or (named and not isinstance(outer, ast.Module)):
                yield node.lineno


def measure(repo: Path) -> dict[str, object]:
    """Every figure, as plain data."""
    known = modules(repo)
    graph = {
        module: {n for n in imported_names(module, path) if n in known and n != module}
        for module, path in known.items()
    }

    @cache
    def floor(module: str) -> int:
        return 1 + max((floor(t) for t in graph[module]), default=-1)

    lines = {m: len(p.read_text().splitlines()) for m, p in known.items()}
    folders = Counter(str(p.parent.relative_to(repo)) for p in known.values())
    handler = [m for m in known if m.startswith("handler.")]
    climbs = sorted(
        f"{m} -> {t}"
        for m in handler
        for t in graph[m]
        if t.startswith("handler.")
        and (WINGS.index(wing(t)) > WINGS.index(wing(m)) or (wing(m), wing(t)) in SIDEWAYS)
        and wing(m) != wing(t)
    )
    return {
        "modules per folder": dict(sorted(folders.items())),
        "modules over 300 lines": {m: n for m, n in sorted(lines.items()) if n > MODULE_LINES},
        "functions over 80 lines": {
            f"{m}.{name}": n for m, p in sorted(known.items()) for name, n in _long_functions(p)
        },
        "manifest parsed at": sorted(
            f"{p.relative_to(repo)}:{line}"
            for p in known.values()
            for line in set(_manifest_parses(p))
        ),
        "handler floors": {m: floor(m) for m in sorted(handler)},
        "handler wing arrows that climb or cross": climbs,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m scripts.house", description=__doc__)
    parser.add_argument("--repo", type=Path, default=Path(__file__).resolve().parent.parent)
    figures = measure(parser.parse_args(argv).repo)
    for name, value in figures.items():
        size = len(value) if isinstance(value, dict | list) else value
        print(f"\n## {name}: {size}")
        items = value.items() if isinstance(value, dict) else ((v, "") for v in value)  # type: ignore[attr-defined]
        for key, item in items:
            print(f"  {key}  {item}".rstrip())
    floors = figures["handler floors"]
    assert isinstance(floors, dict)
    print(f"\nhandler: {len(floors)} modules on {max(floors.values()) + 1} floors")


if __name__ == "__main__":
    main()
