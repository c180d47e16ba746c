"""Publish the page and its config to the site bucket without a full `cdk deploy`.

Mirrors what the stack's BucketDeployment does: upload every file, write `config.json`,
delete files the page no longer has, then invalidate the CDN so readers see the change.
"""

import json
import mimetypes
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import ClientError

from handler.constants import FRONTEND_CONFIG_FILE
from infra.aws import translated_errors
from infra.errors import BucketNotFoundError

CONFIG_CONTENT_TYPE = "application/json"


class S3Client(Protocol):
    def head_bucket(self, **kwargs: Any) -> Any: ...
    def put_object(self, **kwargs: Any) -> Any: ...
    def delete_objects(self, **kwargs: Any) -> Any: ...
    def get_paginator(self, operation: str) -> Any: ...


class CloudFrontClient(Protocol):
    def create_invalidation(self, **kwargs: Any) -> Any: ...


def page_files(source_dir: Path) -> dict[str, Path]:
    """Object key to file for every file of the page; a local config.json is left out."""
    if not source_dir.is_dir():
        raise FileNotFoundError(f"page folder {source_dir} does not exist")
    return {
        path.relative_to(source_dir).as_posix(): path
        for path in sorted(source_dir.rglob("*"))
        if path.is_file() and path.relative_to(source_dir).as_posix() != FRONTEND_CONFIG_FILE
    }


def publish_page(
    s3: S3Client,
    bucket: str,
    source_dir: Path,
    config: Mapping[str, str],
    *,
    prune: bool = True,
) -> list[str]:
    """Upload the page and its config to `bucket`; return the keys written."""
    with translated_errors():
        _require_bucket(s3, bucket)
        files = page_files(source_dir)
        for key, path in files.items():
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes(), ContentType=content_type)
        s3.put_object(
            Bucket=bucket,
            Key=FRONTEND_CONFIG_FILE,
            Body=json.dumps(dict(config)).encode(),
            ContentType=CONFIG_CONTENT_TYPE,
        )
        written = [*files, FRONTEND_CONFIG_FILE]
        if prune:
            _delete_all_but(s3, bucket, keep=set(written))
    return written


def invalidate(cloudfront: CloudFrontClient, distribution_id: str) -> str:
    """Ask CloudFront to drop every cached file; return the invalidation id."""
    with translated_errors():
        response = cloudfront.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": 1, "Items": ["/*"]},
                "CallerReference": f"publish-page-{time.time_ns()}",
            },
        )
    return str(response["Invalidation"]["Id"])


def _require_bucket(s3: S3Client, bucket: str) -> None:
    try:
        s3.head_bucket(Bucket=bucket)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") not in ("404", "NoSuchBucket"):
            raise
        raise BucketNotFoundError(
            f"bucket {bucket} does not exist: was the stack destroyed, or is --region wrong?"
        ) from error


def _delete_all_but(s3: S3Client, bucket: str, *, keep: set[str]) -> None:
    stale = [
        {"Key": item["Key"]}
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
        for item in page.get("Contents", [])
        if item["Key"] not in keep
    ]
    # delete_objects takes at most 1000 keys a call.
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": stale[start : start + 1000]})
