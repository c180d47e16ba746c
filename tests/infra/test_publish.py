"""Publishing the page and its config to the bucket, and invalidating the CDN (moto server)."""

import json
from pathlib import Path

import pytest

from handler.constants import FRONTEND_CONFIG_FILE
from infra.errors import BucketNotFoundError
from infra.names import page_config
from infra.publish import invalidate, page_files, publish_page
from tests.infra.conftest import aws_client, fake_distribution

BUCKET = "sentiment-site"
CONFIG = page_config("https://abc123.execute-api.us-east-1.amazonaws.com")


@pytest.fixture
def page(tmp_path: Path) -> Path:
    (tmp_path / "index.html").write_text("<!doctype html><title>t</title>")
    (tmp_path / "app.js").write_text("console.log('hi')")
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "style.css").write_text("body {}")
    # Left by local development; must never reach the bucket in place of the real one.
    (tmp_path / FRONTEND_CONFIG_FILE).write_text('{"apiBaseUrl": "http://127.0.0.1:8000"}')
    return tmp_path


def _objects(s3) -> dict[str, dict]:
    listed = s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])
    return {item["Key"]: s3.get_object(Bucket=BUCKET, Key=item["Key"]) for item in listed}


def test_page_files_leave_out_a_local_config(page: Path) -> None:
    assert list(page_files(page)) == ["app.js", "css/style.css", "index.html"]


@pytest.mark.usefixtures("aws")
def test_publish_uploads_the_page_writes_the_config_and_prunes(page: Path) -> None:
    s3 = aws_client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="old.js", Body=b"stale")

    written = publish_page(s3, BUCKET, page, CONFIG)

    objects = _objects(s3)
    assert (
        sorted(objects)
        == sorted(written)
        == sorted(["app.js", "css/style.css", "index.html", FRONTEND_CONFIG_FILE])
    )
    assert json.loads(objects[FRONTEND_CONFIG_FILE]["Body"].read()) == CONFIG
    assert objects[FRONTEND_CONFIG_FILE]["ContentType"] == "application/json"
    assert objects["index.html"]["ContentType"] == "text/html"
    assert objects["css/style.css"]["ContentType"] == "text/css"
    assert objects["index.html"]["Body"].read() == (page / "index.html").read_bytes()


@pytest.mark.usefixtures("aws")
def test_keep_stale_leaves_other_files_alone(page: Path) -> None:
    s3 = aws_client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="old.js", Body=b"stale")
    publish_page(s3, BUCKET, page, CONFIG, prune=False)
    assert "old.js" in _objects(s3)


@pytest.mark.usefixtures("aws")
def test_a_missing_bucket_is_named(page: Path) -> None:
    with pytest.raises(BucketNotFoundError, match=f"bucket {BUCKET} does not exist"):
        publish_page(aws_client("s3"), BUCKET, page, CONFIG)


def test_a_missing_page_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nowhere"):
        page_files(tmp_path / "nowhere")


@pytest.mark.usefixtures("aws")
def test_invalidation_covers_every_path() -> None:
    cloudfront = aws_client("cloudfront")
    distribution_id = fake_distribution()

    invalidation_id = invalidate(cloudfront, distribution_id)

    invalidation = cloudfront.get_invalidation(DistributionId=distribution_id, Id=invalidation_id)
    assert invalidation["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == ["/*"]
