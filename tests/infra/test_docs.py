"""docs/deploy.md's settings table must match what infra/settings.py really reads."""

import re

import pytest

from infra.settings import Settings
from scripts.paths import REPO_ROOT
from tests.infra.conftest import settings_from as _read

DEPLOY_DOC = REPO_ROOT / "docs" / "deploy.md"
_ROW = re.compile(r"^\| `(?P<key>\w+)` \| (?P<default>[^|]+) \| `(?P<example>[^`]+)` \|", re.M)


def _rows() -> list[tuple[str, str, str]]:
    rows = [m.group("key", "default", "example") for m in _ROW.finditer(DEPLOY_DOC.read_text())]
    # "(none)" documents an empty list; the parser reads an empty string as that.
    return [
        (key, default.strip().strip("`").replace("(none)", ""), ex) for key, default, ex in rows
    ]


def test_every_setting_is_documented_once() -> None:
    assert len({key for key, _, _ in _rows()}) == len(_rows()) == len(Settings.model_fields)


@pytest.mark.parametrize(("key", "default", "example"), _rows())
def test_documented_default_is_the_default_and_the_key_is_read(
    key: str, default: str, example: str
) -> None:
    assert _read(**{key: default}) == Settings()
    assert _read(**{key: example}) != Settings()
