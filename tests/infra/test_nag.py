"""cdk-nag's AwsSolutions checks: clean on our stack, and able to fail on a bad one."""

import json

import pytest
from aws_cdk import App, CfnElement, Stack
from aws_cdk import aws_s3 as s3

from infra.app import build
from tests.infra.conftest import Synthesized


def _violations(app: Synthesized) -> list[dict]:
    report = json.loads((app.outdir / "validation-report.json").read_text())
    return [
        violation
        for plugin in report["pluginReports"]
        for violation in plugin.get("violations", [])
    ]


@pytest.mark.parametrize("app_fixture", ["default_app", "variant_app", "waf_app"])
def test_no_unacknowledged_findings(app_fixture: str, request: pytest.FixtureRequest) -> None:
    # The fixture's synth already raised if validation failed; the report must agree.
    assert _violations(request.getfixturevalue(app_fixture)) == []


def test_checks_do_run_and_fail_synth_on_a_finding(tmp_path) -> None:
    app = App(outdir=str(tmp_path))
    stack = build(app)
    # An unencrypted, public-readable bucket with no SSL policy breaks several rules.
    bucket = s3.Bucket(
        Stack.of(stack),
        "CarelessBucket",
        block_public_access=s3.BlockPublicAccess.BLOCK_ACLS_ONLY,
        public_read_access=True,
    )
    with pytest.raises(RuntimeError, match="ValidationFailed"):
        app.synth()
    report = json.loads((tmp_path / "validation-report.json").read_text())
    rules = {v["ruleName"] for p in report["pluginReports"] for v in p["violations"]}
    assert "AwsSolutions-S10" in rules  # SSL not enforced
    paths = {
        c["constructPath"]
        for p in report["pluginReports"]
        for v in p["violations"]
        for c in v["violatingConstructs"]
    }
    # The bucket is named, and nothing but its own resources: the report points at the culprit.
    assert f"{bucket.node.path}/Resource" in paths
    assert paths <= {c.node.path for c in bucket.node.find_all() if isinstance(c, CfnElement)}
