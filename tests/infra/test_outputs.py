"""Reading the stack's outputs from CloudFormation (moto server on loopback)."""

import pytest

from infra import names
from infra.aws import client
from infra.errors import CredentialsMissingError, OutputMissingError, StackNotFoundError
from infra.outputs import StackOutputs, read_outputs
from tests.infra.conftest import REGION, fake_stack

OUTPUTS = {
    names.OUTPUT_API_URL: "https://abc123.execute-api.us-east-1.amazonaws.com",
    names.OUTPUT_SITE_URL: "https://d111111abcdef8.cloudfront.net/",
    names.OUTPUT_SITE_BUCKET: "sentiment-site-bucket",
    names.OUTPUT_DISTRIBUTION_ID: "E2EXAMPLE",
}


@pytest.mark.usefixtures("aws")
def test_outputs_are_read_by_name() -> None:
    fake_stack("SentimentService-dev", OUTPUTS)
    outputs = read_outputs(client("cloudformation", REGION), "SentimentService-dev")
    assert outputs == StackOutputs(
        api_url=OUTPUTS[names.OUTPUT_API_URL],
        site_url=OUTPUTS[names.OUTPUT_SITE_URL],
        bucket=OUTPUTS[names.OUTPUT_SITE_BUCKET],
        distribution_id=OUTPUTS[names.OUTPUT_DISTRIBUTION_ID],
    )


@pytest.mark.usefixtures("aws")
def test_a_missing_stack_is_named() -> None:
    with pytest.raises(StackNotFoundError, match="SentimentService-prod does not exist"):
        read_outputs(client("cloudformation", REGION), "SentimentService-prod")


@pytest.mark.usefixtures("aws")
def test_a_missing_output_is_named() -> None:
    fake_stack("SentimentService-dev", {k: v for k, v in OUTPUTS.items() if k != "SiteBucketName"})
    with pytest.raises(OutputMissingError, match=f"no output {names.OUTPUT_SITE_BUCKET}"):
        read_outputs(client("cloudformation", REGION), "SentimentService-dev")


def test_missing_credentials_are_reported_before_any_request(
    moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pointed at loopback all the same, so that a request, were one sent, stays here.
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    with pytest.raises(CredentialsMissingError, match="no AWS credentials"):
        read_outputs(client("cloudformation", REGION), "SentimentService-dev")


def test_a_missing_region_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION")
    monkeypatch.delenv("AWS_REGION", raising=False)
    with pytest.raises(CredentialsMissingError, match="no AWS region"):
        client("cloudformation")
