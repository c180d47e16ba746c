"""`python -m infra ...` end to end: moto for AWS, a fake API for the smoke test."""

import subprocess
import sys

import pytest

from infra import names
from infra.__main__ import main
from scripts.paths import REPO_ROOT
from tests.infra.conftest import FakeApi, fake_stack

SITE = "https://d111111abcdef8.cloudfront.net"


def _deploy_fake(stage: str, api_url: str, distribution_id: str = "E2EXAMPLE") -> None:
    fake_stack(
        names.stack_name(stage),
        {
            names.OUTPUT_API_URL: api_url,
            names.OUTPUT_SITE_URL: f"{SITE}/",
            names.OUTPUT_SITE_BUCKET: "sentiment-site",
            names.OUTPUT_DISTRIBUTION_ID: distribution_id,
        },
    )


@pytest.mark.usefixtures("aws")
def test_outputs_prints_every_output_or_one(capsys: pytest.CaptureFixture[str]) -> None:
    _deploy_fake("dev", "https://abc123.execute-api.us-east-1.amazonaws.com")

    assert main(["outputs"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"{names.OUTPUT_SITE_URL}={SITE}/" in lines
    assert len(lines) == 4

    assert main(["outputs", "--get", names.OUTPUT_API_URL]) == 0
    assert capsys.readouterr().out == "https://abc123.execute-api.us-east-1.amazonaws.com\n"


@pytest.mark.usefixtures("aws")
def test_smoke_uses_the_stacks_api_and_checks_cors_for_the_page(
    fake_api: FakeApi, capsys: pytest.CaptureFixture[str]
) -> None:
    _deploy_fake("staging", fake_api.url)
    fake_api.answer({"label": "positive", "probability": 0.9}, access_control_allow_origin=SITE)

    assert main(["smoke", "--stage", "staging"]) == 0
    assert capsys.readouterr().out.startswith("ok: positive (0.900)")
    assert fake_api.requests[0][1]["origin"] == SITE


@pytest.mark.usefixtures("aws")
def test_errors_become_one_line_and_exit_status_2(capsys: pytest.CaptureFixture[str]) -> None:
    # 2, as for a usage error and as in `python -m convert` and `python -m bench`.
    assert main(["smoke", "--stage", "nowhere"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: stack SentimentService-nowhere does not exist")
    assert "Traceback" not in error


def test_publish_page_is_gone_the_stack_publishes_the_page() -> None:
    with pytest.raises(SystemExit) as raised:
        main(["publish-page"])
    assert raised.value.code == 2


def test_the_module_runs_without_loading_aws_cdk() -> None:
    # The chores must start fast and work where the CDK's Node runtime is absent.
    probe = "import sys, infra.__main__; print('aws_cdk' in sys.modules, 'jsii' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]
