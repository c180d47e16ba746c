"""The synthesized template as CloudFormation and the CDK CLI see it."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cfnlint.api import ManualArgs, lint_file

from infra import names
from scripts.paths import REPO_ROOT
from tests.infra.conftest import Synthesized

CDK = REPO_ROOT / "node_modules" / ".bin" / "cdk"
# CDK writes an explicit DependsOn next to the GetAtt that already implies it; harmless.
CFN_LINT_IGNORED = ["W3005"]


@pytest.mark.parametrize("app_fixture", ["default_app", "variant_app", "waf_app"])
def test_cfn_lint_finds_nothing(app_fixture: str, request: pytest.FixtureRequest) -> None:
    app: Synthesized = request.getfixturevalue(app_fixture)
    for template in (app.template_file, *app.other_templates):
        matches = lint_file(template, ManualArgs(ignore_checks=CFN_LINT_IGNORED))
        assert [f"{m.rule.id} {m.message}" for m in matches] == [], template.name


def test_cfn_lint_does_report_a_broken_template(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps({"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {}}}})
    )
    assert any(m.rule.id.startswith("E") for m in lint_file(broken, ManualArgs()))


def test_image_context_holds_only_the_handler_package(default_app: Synthesized) -> None:
    assets = json.loads(
        (default_app.outdir / f"{default_app.stack.stack_name}.assets.json").read_text()
    )
    (image,) = assets["dockerImages"].values()
    context = default_app.outdir / image["source"]["directory"]
    # .dockerignore travels too: Docker reads it from the context's root when it builds.
    assert sorted(p.name for p in context.iterdir()) == [".dockerignore", "handler"]
    assert (context / "handler" / "Dockerfile").is_file()
    assert (context / "handler" / "constants.py").is_file()
    assert not list(context.rglob("__pycache__"))


def _cdk_cli() -> Path:
    """The pinned CLI; installed from package-lock.json when node_modules is missing."""
    if not CDK.exists():
        if shutil.which("npm") is None:
            # Fail, not skip: `make test` runs where Node and npm are, and this is issue 6's check.
            pytest.fail("npm is not installed, so the pinned CDK CLI cannot be installed")
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=REPO_ROOT, check=True, timeout=300
        )
    return CDK


def test_cdk_cli_synthesizes_without_aws_credentials_or_docker(tmp_path: Path) -> None:
    cli = _cdk_cli()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("AWS_", "CDK_")) or name == "AWS_CA_BUNDLE"
    }
    env |= {
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "CDK_DISABLE_CLI_TELEMETRY": "true",
        # Synth only stages the image; were it to call Docker, this would fail it.
        "CDK_DOCKER": "false",
    }
    outdir = tmp_path / "cdk.out"
    result = subprocess.run(
        [str(cli), "synth", "--no-notices", "--quiet", "--output", str(outdir)],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    # cdk.json sets every recommended feature flag of this aws-cdk-lib (the CLI counts them).
    assert "feature flags are not configured" not in result.stdout + result.stderr
    template = json.loads((outdir / f"{names.stack_name('dev')}.template.json").read_text())
    assert set(template["Outputs"]) >= {
        names.OUTPUT_API_URL,
        names.OUTPUT_SITE_URL,
        names.OUTPUT_SITE_BUCKET,
        names.OUTPUT_DISTRIBUTION_ID,
    }
