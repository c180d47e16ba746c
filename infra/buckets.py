"""The one shape of bucket this stack makes: private, encrypted, TLS only, deleted with the stack.

Every bucket here holds what a deploy or a job writes again (the page, a job's working files), so
`make destroy` may empty and delete it.
"""

from collections.abc import Sequence
from typing import Final

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

# An upload that never completed costs storage and shows nowhere; a day is plenty to finish one.
ABANDONED_UPLOADS_AFTER: Final = Duration.days(1)


def private_bucket(
    scope: Construct,
    construct_id: str,
    *,
    keep_old_versions_for: Duration | None = None,
    lifecycle_rules: Sequence[s3.LifecycleRule] = (),
) -> s3.Bucket:
    """A bucket only IAM grants reach; `keep_old_versions_for` turns versioning on.

    Replaced and deleted objects then stay as noncurrent versions for that long, and a delete
    marker left with no version behind it is removed, so deletes do not pile up markers.
    """
    rules = list(lifecycle_rules)
    if keep_old_versions_for is not None:
        rules.append(
            s3.LifecycleRule(
                noncurrent_version_expiration=keep_old_versions_for,
                expired_object_delete_marker=True,
                abort_incomplete_multipart_upload_after=ABANDONED_UPLOADS_AFTER,
            )
        )
    return s3.Bucket(
        scope,
        construct_id,
        block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
        object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        encryption=s3.BucketEncryption.S3_MANAGED,
        enforce_ssl=True,
        versioned=keep_old_versions_for is not None,
        lifecycle_rules=rules or None,
        removal_policy=RemovalPolicy.DESTROY,
        # Empties every version of every object, so a versioned bucket deletes too.
        auto_delete_objects=True,
    )
