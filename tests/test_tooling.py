"""The tool configuration in pyproject.toml still fits the code it configures."""

from __future__ import annotations

import ast
import tomllib

from scripts.paths import REPO_ROOT


def _aws_cdk_modules_imported_by(package: str) -> set[str]:
    found: set[str] = set()
    for path in (REPO_ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.split(".")[0] == "aws_cdk"}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("aws_cdk"):
                module = node.module or ""
                found.add(module)
                if module == "aws_cdk":
                    # `from aws_cdk import aws_lambda` imports a module; `import Stack`, a class.
                    found |= {f"aws_cdk.{a.name}" for a in node.names if a.name.startswith("aws_")}
    return found


def test_mypy_follows_every_aws_cdk_module_infra_imports() -> None:
    # mypy skips aws_cdk's service modules except those listed (a cold run takes seconds, not
    # minutes); one imported but not listed would be Any, its misuse unchecked.
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    followed = {
        module
        for override in config["tool"]["mypy"]["overrides"]
        if override.get("follow_imports") == "normal"
        for module in override["module"]
    }
    imported = _aws_cdk_modules_imported_by("infra")
    assert "aws_cdk.aws_lambda" in imported  # the scan sees infra's imports
    assert imported <= followed, f"add to [tool.mypy.overrides]: {sorted(imported - followed)}"
