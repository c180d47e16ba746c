"""The one place where boto3 errors become the domain errors in `infra.errors`."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.exceptions import NoCredentialsError, NoRegionError, PartialCredentialsError

from infra.errors import CredentialsMissingError


def client(service: str, region: str | None = None) -> Any:
    """A boto3 client; region and credentials come from the usual AWS variables and profiles."""
    with translated_errors():
        return boto3.session.Session(region_name=region).client(service)


@contextmanager
def translated_errors() -> Iterator[None]:
    """Turn "no credentials" and "no region" into one operator-facing error."""
    try:
        yield
    except (NoCredentialsError, PartialCredentialsError) as error:
        raise CredentialsMissingError(
            "no AWS credentials found: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, or run `aws sso login`"
        ) from error
    except NoRegionError as error:
        raise CredentialsMissingError(
            "no AWS region set: pass --region or set AWS_REGION (or AWS_DEFAULT_REGION)"
        ) from error
