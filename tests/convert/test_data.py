"""The aclImdb loader: folders, archives, damaged input, the validation split and the download."""

from __future__ import annotations

import hashlib
import http.server
import io
import os
import random
import tarfile
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from convert.data import imdb as data
from convert.data.imdb import DatasetError, Imdb, Review, load
from tests.convert.review_fixtures import STARS, tar_gz, write_aclimdb

PER_CLASS = 3


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_aclimdb(tmp_path_factory.mktemp("dir"), PER_CLASS)


@pytest.fixture(scope="module")
def archive(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tar_gz(folder, tmp_path_factory.mktemp("tgz") / "aclImdb.tar.gz")


# -- loading -----------------------------------------------------------------------------------


@pytest.mark.parametrize("source", ["folder", "parent", "archive"])
def test_loads_with_explicit_labels(source: str, folder: Path, archive: Path) -> None:
    path = {"folder": folder, "parent": folder.parent, "archive": archive}[source]
    imdb = load(path, per_class=PER_CLASS)
    for split in (imdb.train, imdb.test):
        assert len(split) == 2 * PER_CLASS
        for review in split:
            kind = review.id.split("/")[1]
            assert review.label == {"neg": 0, "pos": 1}[kind]
            assert review.rating in STARS[kind]
    assert imdb.unsup == []
    assert data.LABELS == {"neg": 0, "pos": 1}


def test_folder_and_archive_give_the_same_reviews(folder: Path, archive: Path) -> None:
    from_folder, from_archive = (
        load(folder, per_class=PER_CLASS),
        load(archive, per_class=PER_CLASS),
    )
    assert from_folder == from_archive
    first = from_folder.train[0]
    assert first == Review(
        "A neg review number 0 from the train split.<br /><br />The end.", 0, 1, "train/neg/0"
    )


def test_truncated_archive_is_rejected(archive: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.tar.gz"
    whole = archive.read_bytes()
    cut.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(
        DatasetError, match=r"cut\.tar\.gz: (not a readable aclImdb archive|.*truncated)"
    ):
        load(cut, per_class=PER_CLASS)


@pytest.mark.parametrize("damage", ["cut_trailer", "flip_byte"])
def test_damage_past_the_last_review_is_still_caught(
    archive: Path, tmp_path: Path, damage: str
) -> None:
    # Losing only the gzip trailer, or one flipped byte, leaves every review readable: the
    # gzip CRC is the only thing that can tell.
    whole = bytearray(archive.read_bytes())
    if damage == "cut_trailer":
        whole = whole[:-8]
    else:
        whole[len(whole) // 2] ^= 0x01
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(bytes(whole))
    with pytest.raises(DatasetError, match=r"bad\.tar\.gz: not a readable aclImdb archive"):
        load(bad, per_class=PER_CLASS)


def test_foreign_archive_is_rejected(tmp_path: Path) -> None:
    target = tmp_path / "photos.tar.gz"
    with tarfile.open(target, "w:gz") as tar:
        for name in ("holiday/README.md", "holiday/train/pos.txt"):
            payload = b"not a review"
            info = tarfile.TarInfo(name)
            info.size = len(payload)
            tar.addfile(info, io.BytesIO(payload))
    with pytest.raises(DatasetError, match=r"train/neg has 0 reviews, expected 3"):
        load(target, per_class=PER_CLASS)


def test_missing_path_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"nowhere\.tar\.gz: no such file or folder"):
        load(tmp_path / "nowhere.tar.gz")


def test_wrong_count_is_rejected(folder: Path) -> None:
    with pytest.raises(DatasetError, match=r"train/neg has 3 reviews, expected 4"):
        load(folder, per_class=PER_CLASS + 1)


# -- validation split --------------------------------------------------------------------------


def _imdb(per_class: int = 50) -> Imdb:
    train = [
        Review(f"text {kind} {i}", label, 1, f"train/{kind}/{i}")
        for kind, label in data.LABELS.items()
        for i in range(per_class)
    ]
    return Imdb(train=train, test=[])


def test_split_validation_is_stratified_and_disjoint() -> None:
    imdb = _imdb()
    fit, val = imdb.split_validation(fraction=0.2)
    assert [sum(r.label == label for r in val) for label in (0, 1)] == [10, 10]
    assert {r.id for r in fit}.isdisjoint(r.id for r in val)
    assert sorted(r.id for r in fit + val) == sorted(r.id for r in imdb.train)


def test_split_validation_keeps_each_movie_on_one_side() -> None:
    # 40 movies with 1-4 reviews of mixed labels, like aclImdb's urls_*.txt describe.
    train = [
        Review(f"t{i}", i % 2, 1, f"train/{'pos' if i % 2 else 'neg'}/{i}", movie=f"tt{i % 40}")
        for i in range(100)
    ]
    fit, val = Imdb(train=train, test=[]).split_validation(fraction=0.2)
    assert {r.movie for r in fit}.isdisjoint(r.movie for r in val)
    assert len(fit) + len(val) == 100
    assert all(sum(r.label == label for r in val) <= 10 for label in (0, 1))
    assert len(val) >= 16  # greedy filling by whole movies still reaches nearly the target


TITLES = {"pos": "tt0000002", "neg": "tt0000001"}


def test_real_urls_give_every_review_a_movie(tmp_path: Path) -> None:
    root = tmp_path / "aclImdb" / "train"
    for kind in ("pos", "neg"):
        (root / kind).mkdir(parents=True)
        (root / kind / "0_7.txt").write_text("fine")
        (root / f"urls_{kind}.txt").write_text(
            f"http://www.imdb.com/title/{TITLES[kind]}/usercomments\n"
        )
    test = tmp_path / "aclImdb" / "test"
    for kind in ("pos", "neg"):
        (test / kind).mkdir(parents=True)
        (test / kind / "0_7.txt").write_text("fine")
    imdb = load(tmp_path, per_class=1)
    assert sorted(r.movie for r in imdb.train) == ["tt0000001", "tt0000002"]
    assert [r.movie for r in imdb.test] == ["", ""]


def test_split_validation_is_deterministic_and_seeded() -> None:
    imdb = _imdb()
    shuffled = list(imdb.train)
    random.Random(0).shuffle(shuffled)
    again = Imdb(train=shuffled, test=[]).split_validation()
    assert imdb.split_validation() == again  # input order does not matter either
    other_seed = imdb.split_validation(seed=data.SPLIT_SEED + 100)
    assert {r.id for r in other_seed[1]} != {r.id for r in again[1]}


# -- download ----------------------------------------------------------------------------------


@pytest.fixture
def payload(tmp_path: Path) -> tuple[Path, str]:
    source = tmp_path / "www" / "aclImdb.tar.gz"
    source.parent.mkdir()
    source.write_bytes(os.urandom(3 << 20))  # several read blocks, so the copy loop repeats
    return source, hashlib.sha256(source.read_bytes()).hexdigest()


@pytest.fixture
def server(payload: tuple[Path, str]) -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server for the payload's folder; yields its URL and the paths requested."""
    requests: list[str] = []

    class Handler(http.server.SimpleHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            super().do_GET()

        def log_message(self, *args: object) -> None:
            pass

    directory = str(payload[0].parent)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(Handler, directory=directory))
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/{payload[0].name}", requests
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_download_from_file_url_caches(payload: tuple[Path, str], tmp_path: Path) -> None:
    source, sha = payload
    cache = tmp_path / "cache"
    got = data.download(source.as_uri(), sha, cache)
    assert got.parent == cache
    assert got.read_bytes() == source.read_bytes()
    source.unlink()  # a second fetch would now fail, so success means the cache answered
    assert data.download(source.as_uri(), sha, cache) == got


def test_download_over_http_fetches_once(
    server: tuple[str, list[str]], payload: tuple[Path, str], tmp_path: Path
) -> None:
    url, requests = server
    cache = tmp_path / "cache"
    first = data.download(url, payload[1], cache)
    second = data.download(url, payload[1], cache)
    assert first == second
    assert first.read_bytes() == payload[0].read_bytes()
    assert requests == ["/aclImdb.tar.gz"]


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_download_with_wrong_sha256_leaves_nothing(
    scheme: str, server: tuple[str, list[str]], payload: tuple[Path, str], tmp_path: Path
) -> None:
    url = payload[0].as_uri() if scheme == "file" else server[0]
    cache = tmp_path / "cache"
    with pytest.raises(DatasetError, match="does not match the expected"):
        data.download(url, "0" * 64, cache)
    assert list(cache.iterdir()) == []


def test_download_failure_is_a_dataset_error(tmp_path: Path) -> None:
    missing = (tmp_path / "gone.tar.gz").as_uri()
    with pytest.raises(DatasetError, match="could not download"):
        data.download(missing, "0" * 64, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


# -- the real archive --------------------------------------------------------------------------


@pytest.mark.dataset
@pytest.mark.skipif(
    not os.environ.get(data.ENV_DATA), reason=f"${data.ENV_DATA} is not set to the real archive"
)
def test_real_archive() -> None:
    imdb = load(os.environ[data.ENV_DATA])
    for split in (imdb.train, imdb.test):
        assert len(split) == 25_000
        assert [sum(r.label == label for r in split) for label in (0, 1)] == [12_500, 12_500]
        assert all(r.label == data.LABELS[r.id.split("/")[1]] for r in split)
        assert {r.rating for r in split if r.label == 0} == set(STARS["neg"])
        assert {r.rating for r in split if r.label == 1} == set(STARS["pos"])
