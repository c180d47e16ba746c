"""`python -m infra ...` end to end: moto for AWS, a fake API for the smoke test."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from handler.constants import FRONTEND_CONFIG_FILE
from infra import names
from infra.__main__ import main
from infra.api import REPO_ROOT
from tests.infra.conftest import FakeApi, aws_client, fake_distribution, fake_stack

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
def test_publish_page_fills_the_bucket_and_invalidates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "index.html").write_text("<!doctype html>")
    aws_client("s3").create_bucket(Bucket="sentiment-site")
    distribution_id = fake_distribution()
    _deploy_fake("dev", "https://abc123.execute-api.us-east-1.amazonaws.com", distribution_id)

    assert main(["publish-page", "--source", str(tmp_path)]) == 0

    assert "published 2 files" in capsys.readouterr().out
    config = aws_client("s3").get_object(Bucket="sentiment-site", Key=FRONTEND_CONFIG_FILE)
    assert json.loads(config["Body"].read()) == names.page_config(
        "https://abc123.execute-api.us-east-1.amazonaws.com"
    )
    invalidations = aws_client("cloudfront").list_invalidations(DistributionId=distribution_id)
    assert invalidations["InvalidationList"]["Quantity"] == 1


@pytest.mark.usefixtures("aws")
def test_errors_become_one_line_and_exit_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["smoke", "--stage", "nowhere"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("error: stack SentimentService-nowhere does not exist")
    assert "Traceback" not in error


def test_the_module_runs_without_loading_aws_cdk() -> None:
    # The chores must start fast and work where the CDK's Node runtime is absent.
    probe = "import sys, infra.__main__; print('aws_cdk' in sys.modules, 'jsii' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO_ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]
