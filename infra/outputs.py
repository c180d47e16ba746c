"""Read the deployed stack's outputs by the names the stack gives them."""

from dataclasses import dataclass
from typing import Any, Protocol

from botocore.exceptions import ClientError

from infra import names
from infra.aws import translated_errors
from infra.errors import OutputMissingError, StackNotFoundError


class CloudFormationClient(Protocol):
    def describe_stacks(self, *, StackName: str) -> dict[str, Any]: ...


@dataclass(frozen=True, kw_only=True)
class StackOutputs:
    """What the scripts need from a deployed stack."""

    api_url: str
    site_url: str
    bucket: str
    distribution_id: str


def read_outputs(cloudformation: CloudFormationClient, stack_name: str) -> StackOutputs:
    """The outputs of `stack_name`, or StackNotFoundError / OutputMissingError."""
    with translated_errors():
        try:
            stacks = cloudformation.describe_stacks(StackName=stack_name)["Stacks"]
        except ClientError as error:
            # CloudFormation reports a missing stack as a generic ValidationError.
            if "does not exist" not in str(error):
                raise
            raise StackNotFoundError(
                f"stack {stack_name} does not exist in this account and region: "
                "deploy it with `make deploy`, or check --stage and --region"
            ) from error
    found = {item["OutputKey"]: item["OutputValue"] for item in stacks[0].get("Outputs", [])}

    def output(key: str) -> str:
        if key not in found:
            raise OutputMissingError(
                f"stack {stack_name} has no output {key} "
                f"(has: {', '.join(sorted(found)) or 'none'}); "
                "it may still be deploying, or predate this version of the infra"
            )
        return str(found[key])

    return StackOutputs(
        api_url=output(names.OUTPUT_API_URL),
        site_url=output(names.OUTPUT_SITE_URL),
        bucket=output(names.OUTPUT_SITE_BUCKET),
        distribution_id=output(names.OUTPUT_DISTRIBUTION_ID),
    )
