"""docs/deploy.md's settings table matches infra/settings.py; docs/security.md lists every accepted finding."""

import re

import pytest

from infra.policy_scan import ACCEPTED
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


SECURITY_DOC = REPO_ROOT / "docs" / "security.md"


def test_every_accepted_finding_is_listed_in_the_security_doc() -> None:
    text = SECURITY_DOC.read_text()
    accepted = {entry.check for entry in ACCEPTED}
    acknowledged = {
        rule
        for module in (REPO_ROOT / "infra").glob("*.py")
        for rule in re.findall(r"AwsSolutions-[A-Z]+\d+", module.read_text())
    }
    assert acknowledged, "no cdk-nag acknowledgement found in infra/"
    assert sorted(c for c in accepted | acknowledged if f"`{c}" not in text) == []
