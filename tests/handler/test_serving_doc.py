"""docs/serving.md names every module of handler/, so a new one cannot go undocumented."""

from __future__ import annotations

from scripts.paths import HANDLER_DIR, REPO_ROOT

DOC = REPO_ROOT / "docs" / "serving.md"


def test_every_module_of_handler_is_named() -> None:
    text = DOC.read_text()
    modules = [p for p in HANDLER_DIR.rglob("*.py") if p.name != "__init__.py"]
    assert len(modules) > 20
    unnamed = [
        str(rel)
        for rel in (p.relative_to(HANDLER_DIR) for p in modules)
        if f"`{rel}`" not in text and f"`{rel.name}`" not in text
    ]
    assert unnamed == []
