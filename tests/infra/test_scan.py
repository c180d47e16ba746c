"""checkov on every synthesized template: nothing but what infra/policy_scan.py accepts.

`make scan` runs this module alone. checkov runs from its own locked environment (the `scan`
group, which cannot share .venv with dev: pyproject.toml says why), synced here first.
"""

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import CfnElement, Stack

from infra.policy_scan import ACCEPTED, Finding, stale, unaccepted
from scripts.paths import REPO_ROOT
from tests.infra.conftest import Synthesized

SCAN_ENV = REPO_ROOT / "build" / "scan-venv"
UV = REPO_ROOT / ".tools" / "bin" / "uv"
APPS = ("default_app", "waf_app")


@dataclass(frozen=True)
class Scan:
    summary: dict[str, Any]
    findings: list[Finding]
    resources: int


def _checkov() -> Path:
    """The locked checkov; syncing an environment that is already in place takes a moment."""
    subprocess.run(
        # Compiled once here, as scripts/bootstrap does for .venv: checkov's imports are many.
        [str(UV), "sync", "--frozen", "--only-group", "scan", "--compile-bytecode", "--quiet"],
        cwd=REPO_ROOT,
        env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(SCAN_ENV)},
        check=True,
        timeout=600,
    )
    return SCAN_ENV / "bin" / "checkov"


def _construct_paths(app: Synthesized) -> dict[tuple[str, str], str]:
    """(template file, logical id) -> construct path under its stack, for every stack."""
    paths = {}
    for stack in app.stack.node.root.node.children:
        if not isinstance(stack, Stack):
            continue
        prefix = f"{stack.node.path}/"
        for element in stack.node.find_all():
            if isinstance(element, CfnElement) and element.node.path.startswith(prefix):
                logical_id = stack.resolve(element.logical_id)
                paths[(stack.template_file, logical_id)] = element.node.path.removeprefix(prefix)
    return paths


def _scan(checkov: Path, app: Synthesized) -> Scan:
    templates = [app.template_file, *app.other_templates]
    result = subprocess.run(
        [
            str(checkov),
            *(arg for template in templates for arg in ("--file", str(template))),
            "--framework", "cloudformation",
            "--output", "json",
            "--quiet",
            "--compact",
            "--skip-download",
        ],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    # 1 is "some check failed"; anything else is checkov itself failing.
    assert result.returncode in (0, 1), result.stderr[-4000:]
    parsed = json.loads(result.stdout)
    (report,) = parsed if isinstance(parsed, list) else [parsed]
    paths = _construct_paths(app)
    findings = [
        Finding(
            check=failed["check_id"],
            template=Path(failed["file_path"]).name,
            path=paths[(Path(failed["file_path"]).name, failed["resource"].split(".", 1)[1])],
        )
        for failed in report["results"]["failed_checks"]
    ]
    resources = sum(len(json.loads(t.read_text())["Resources"]) for t in templates)
    return Scan(summary=report["summary"], findings=findings, resources=resources)


@pytest.fixture(scope="module")
def scans(request: pytest.FixtureRequest) -> dict[str, Scan]:
    checkov = _checkov()
    return {name: _scan(checkov, request.getfixturevalue(name)) for name in APPS}


@pytest.mark.parametrize("app_fixture", APPS)
def test_checkov_reads_every_resource_of_every_template(
    app_fixture: str, scans: dict[str, Scan]
) -> None:
    scan = scans[app_fixture]
    assert scan.summary["parsing_errors"] == 0
    assert scan.summary["resource_count"] == scan.resources
    assert scan.summary["passed"] > 100


@pytest.mark.parametrize("app_fixture", APPS)
def test_no_finding_outside_the_acknowledgements(app_fixture: str, scans: dict[str, Scan]) -> None:
    assert unaccepted(scans[app_fixture].findings) == []


def test_every_acknowledgement_still_matches_a_finding(scans: dict[str, Scan]) -> None:
    assert stale(f for scan in scans.values() for f in scan.findings) == []


def test_the_three_closed_gaps_stay_closed(scans: dict[str, Scan]) -> None:
    checks = {(f.check, f.path) for scan in scans.values() for f in scan.findings}
    assert ("CKV_AWS_26", "Monitoring/AlarmTopic/Resource") not in checks  # topic encrypted
    assert ("CKV_AWS_21", "Site/Bucket/Resource") not in checks  # page versioned
    assert not any(check == "CKV_AWS_192" for check, _ in checks)  # known bad inputs blocked


def test_a_finding_nobody_accepted_fails_and_an_unused_entry_is_reported() -> None:
    topic = Finding(check="CKV_AWS_26", template="t.json", path="Monitoring/AlarmTopic/Resource")
    assert unaccepted([topic]) == [topic]
    # The same check on another resource than the entry names is not accepted either.
    elsewhere = Finding(check="CKV_AWS_21", template="t.json", path="Site/Bucket/Resource")
    assert unaccepted([elsewhere]) == [elsewhere]
    # With no findings at all, every entry is stale.
    assert len(stale([])) == sum(len(entry.paths) for entry in ACCEPTED)
