"""`python -m handler.bulk`: every record answered in order, as the API answers, resumable."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from handler.api.app import create_app
from handler.bulk import local
from handler.bulk.__main__ import EXIT_INTERRUPTED, main
from handler.bulk.scoring import limits_of, max_record_bytes
from handler.constants import ENV_BULK_MAX_TEXT_CHARS
from handler.errors import SettingsError
from handler.settings import Settings, load_settings
from scripts.paths import REPO_ROOT
from tests.handler.bulk_files import (
    AT_BULK,
    OVER_API,
    OVER_SIZE,
    csv_file,
    jsonl,
    long_csv,
    long_reviews,
    review,
)

# Small chunks, so a few hundred records make several (the model call costs the same per text).
CHUNK = 64
RECORDS = 200


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bulk") / "reviews.jsonl"
    path.write_bytes(jsonl(RECORDS)[0])
    return path


@pytest.fixture(scope="module")
def fresh(source: Path) -> bytes:
    """The answers of one uninterrupted run."""
    out = source.with_name("fresh.jsonl")
    local.run(source, out, workers=2, chunk=CHUNK)
    return out.read_bytes()


def test_every_record_gets_one_line_in_order_and_bad_ones_an_error(fresh: bytes) -> None:
    _, bad = jsonl(RECORDS)
    answers = [json.loads(line) for line in fresh.splitlines()]
    assert len(answers) == RECORDS
    errors = {a["id"]: a["error"]["code"] for a in answers if "error" in a}
    # Bad lines without a usable id are named by their line in the file.
    named = {5: "x5", 13: "x13", 21: "x21"}
    assert errors == {named.get(n, n): code for n, code in bad.items()}
    good = [a for a in answers if "error" not in a]
    assert [list(a) for a in good[:1]] == [
        ["id", "label", "probability", "words_used", "model_version"]
    ]
    assert good[0]["id"] == "r1"
    assert answers[-1]["id"] == RECORDS + 1


def test_answers_are_the_apis_answers(fresh: bytes, predictor) -> None:
    texts = {f"r{n}": t for n, t in enumerate(_texts(RECORDS), start=1)}
    client = TestClient(create_app(Settings(), predictor))
    for line in fresh.splitlines()[:30]:
        answer = json.loads(line)
        if "error" in answer or not str(answer["id"]).startswith("r"):
            continue
        body = client.post("/v1/predict", json={"text": texts[answer["id"]]}).json()
        assert {k: body[k] for k in answer if k != "id"} == {
            k: v for k, v in answer.items() if k != "id"
        }


def _texts(count: int) -> list[str]:
    from tests.handler.bulk_files import texts

    return texts(count)


def test_an_interrupted_run_resumes_without_scoring_a_line_twice(
    source: Path, fresh: bytes, tmp_path: Path
) -> None:
    out = tmp_path / "answers.jsonl"
    chunks = []

    def stop_after_first(lines: int) -> None:
        chunks.append(lines)
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        local.run(source, out, workers=2, chunk=CHUNK, on_chunk=stop_after_first)
    assert out.read_bytes() == fresh[: len(out.read_bytes())]
    assert out.read_bytes().count(b"\n") == chunks[0] == CHUNK
    outcome = local.run(source, out, workers=2, chunk=CHUNK)
    assert (outcome.skipped, outcome.written) == (CHUNK, RECORDS - CHUNK)
    assert out.read_bytes() == fresh


def test_a_half_written_last_line_is_cut_and_answered_again(
    source: Path, fresh: bytes, tmp_path: Path
) -> None:
    out = tmp_path / "answers.jsonl"
    lines = fresh.splitlines(keepends=True)
    out.write_bytes(b"".join(lines[:3]) + lines[3][:10])
    assert local.complete_lines(out) == 3
    local.run(source, out, workers=1, chunk=CHUNK)
    assert out.read_bytes() == fresh


def test_an_output_longer_than_the_input_is_refused(
    source: Path, fresh: bytes, tmp_path: Path
) -> None:
    out = tmp_path / "answers.jsonl"
    out.write_bytes(fresh + b'{"id": "extra"}\n')
    with pytest.raises(local.ResumeError):
        local.run(source, out, workers=1)


def test_csv_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "reviews.csv"
    source.write_bytes(csv_file(40))
    out = tmp_path / "answers.jsonl"
    assert main([str(source), str(out), "--workers", "1"]) == 0
    answers = [json.loads(line) for line in out.read_bytes().splitlines()]
    assert len(answers) == 41
    assert answers[0]["id"] == "c1"
    assert answers[6]["id"] == 7
    assert answers[-1]["error"]["code"] == "invalid_csv"
    assert "41/41 records" in capsys.readouterr().err  # the progress meter


def test_the_cli_refuses_a_file_it_cannot_read(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hello")
    with pytest.raises(SystemExit) as exc:
        main([str(tmp_path / "x.txt"), str(tmp_path / "out.jsonl")])
    assert exc.value.code == 2


AT_A_TERMINAL = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('handler.bulk', run_name='__main__', alter_sys=True)"
)


def test_ctrl_c_stops_the_cli_and_the_same_command_carries_on(tmp_path: Path, fresh: bytes) -> None:
    source = tmp_path / "reviews.jsonl"
    source.write_bytes(jsonl(RECORDS)[0])
    out = tmp_path / "answers.jsonl"
    # `python -m handler.bulk`, as from a terminal: a shell starts a background job with Ctrl-C
    # ignored, a child inherits that, and Python then never raises KeyboardInterrupt (a pytest
    # started with `&` failed here so).
    command = [sys.executable, "-c", AT_A_TERMINAL, str(source), str(out), "--workers", "1"]
    command += ["--chunk", str(CHUNK)]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    process = subprocess.Popen(command, cwd=REPO_ROOT, env=env, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size == 0) and time.monotonic() < deadline:
        # A short poll: on a fast CPU the last of the 4 chunks follows the first within 0.1 s.
        time.sleep(0.002)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == EXIT_INTERRUPTED, err.decode()[-2000:]
    done = out.read_bytes()
    assert done.endswith(b"\n")
    assert 0 < done.count(b"\n") < RECORDS
    finished = subprocess.run(command, cwd=REPO_ROOT, env=env, capture_output=True, timeout=120)
    assert finished.returncode == 0, finished.stderr.decode()[-2000:]
    assert out.read_bytes() == fresh


def _outcomes(answers: bytes) -> dict[str, str]:
    """{id as text: "label" or the error's code} for every answer line."""
    found = {}
    for line in answers.splitlines():
        answer = json.loads(line)
        found[str(answer["id"])] = answer["error"]["code"] if "error" in answer else "label"
    return found


@pytest.mark.parametrize(("name", "make"), [("long.jsonl", long_reviews), ("long.csv", long_csv)])
def test_long_reviews_are_answered_and_over_size_lines_keep_their_ids(
    tmp_path: Path, name: str, make
) -> None:
    data, expected = make()
    source, out = tmp_path / name, tmp_path / "answers.jsonl"
    source.write_bytes(data)
    assert main([str(source), str(out), "--workers", "1", "--quiet"]) == 0
    assert _outcomes(out.read_bytes()) == expected
    errors = [json.loads(line).get("error") for line in out.read_bytes().splitlines()]
    too_large = [e["message"] for e in errors if e and e["code"] == "payload_too_large"]
    over = list(expected.values()).count("payload_too_large")
    assert too_large == ["the record is over 1204096 bytes"] * over


def test_a_long_review_gets_the_apis_answer_for_the_same_text(tmp_path: Path, predictor) -> None:
    texts = [review(OVER_API), review(AT_BULK, seed=5)]
    source, out = tmp_path / "long.jsonl", tmp_path / "answers.jsonl"
    source.write_text("".join(json.dumps({"text": t}) + "\n" for t in texts))
    local.run(source, out, workers=1)
    # The API with a limit as high as the bulk job's: the same request model, the same model call.
    client = TestClient(create_app(Settings(max_text_chars=AT_BULK), predictor))
    for text, line in zip(texts, out.read_bytes().splitlines(), strict=True):
        answer = json.loads(line)
        body = client.post("/v1/predict", json={"text": text}).json()
        assert {k: body[k] for k in answer if k != "id"} == {
            k: v for k, v in answer.items() if k != "id"
        }


def test_the_bulk_text_limit_is_its_own_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_BULK_MAX_TEXT_CHARS, raising=False)
    settings = load_settings()
    assert (settings.max_text_chars, limits_of(settings).max_text_chars) == (10_000, 100_000)
    assert max_record_bytes(limits_of(settings)) < OVER_SIZE
    monkeypatch.setenv(ENV_BULK_MAX_TEXT_CHARS, "200000")
    raised = limits_of(load_settings())
    assert raised.max_text_chars == 200_000
    assert max_record_bytes(raised) > OVER_SIZE  # the byte limit grows with it
    # Past this, a batch of texts at the limit could outlast the job function's 15 minutes.
    monkeypatch.setenv(ENV_BULK_MAX_TEXT_CHARS, "200001")
    with pytest.raises(SettingsError, match=ENV_BULK_MAX_TEXT_CHARS):
        load_settings()
