"""The local service: page and API on one origin, a clear exit without a model, a load smoke run."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from fastapi.testclient import TestClient

from bench import load
from handler import constants
from handler.api.app import create_app
from handler.settings import Settings
from scripts.serve import add_frontend


def test_page_config_and_api_share_one_origin(tmp_path, fake):
    (tmp_path / "index.html").write_text("<!doctype html><title>sentiment</title>")
    (tmp_path / "app.js").write_text("console.log('hi')")
    app = create_app(Settings(), fake)
    assert add_frontend(app, tmp_path)
    client = TestClient(app)
    assert "<title>sentiment</title>" in client.get("/").text
    assert client.get("/app.js").status_code == 200
    assert client.get("/config.json").json() == {"apiBaseUrl": ""}
    assert client.post(constants.PREDICT_PATH, json={"text": "good"}).status_code == 200
    assert client.get("/docs").status_code == 200
    missing = client.get("/nothing.js")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"


def test_a_deployed_config_json_is_served_as_it_is(tmp_path, fake):
    (tmp_path / constants.FRONTEND_CONFIG_FILE).write_text('{"apiBaseUrl": "https://api.example"}')
    app = create_app(Settings(), fake)
    add_frontend(app, tmp_path)
    assert TestClient(app).get("/config.json").json() == {"apiBaseUrl": "https://api.example"}


def test_without_a_page_the_root_is_a_json_404_and_the_api_works(tmp_path, fake):
    app = create_app(Settings(), fake)
    assert not add_frontend(app, tmp_path)
    client = TestClient(app)
    assert client.get("/").json()["error"]["code"] == "not_found"
    assert client.get("/config.json").json() == {"apiBaseUrl": ""}
    assert client.get(constants.HEALTH_PATH).status_code == 200


def test_no_model_is_a_clear_message_and_a_non_zero_exit(tmp_path):
    env = {**os.environ, constants.ENV_MODEL_DIR: str(tmp_path / "no-model"), "PYTHONPATH": "."}
    result = subprocess.run(
        [sys.executable, "-m", "scripts.serve", "--port", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "no-model/manifest.json: model manifest not found" in result.stderr
    assert constants.ENV_MODEL_DIR in result.stderr


def test_load_smoke_run_has_no_unexpected_answers():
    summary = load.run(total=300, concurrency=10, max_seconds=120)
    assert summary["requests"] == 300
    assert summary["unexpected"] == 0, summary["unexpected_by_kind"]
    assert summary["rss_mb"]["samples"] >= 2


def test_page_files_are_logged_as_one_route_never_by_their_url(tmp_path, fake, capsys):
    from handler.observability import logs

    (tmp_path / "index.html").write_text("<!doctype html><title>sentiment</title>")
    (tmp_path / "app.js").write_text("console.log('hi')")
    app = create_app(Settings(), fake)
    add_frontend(app, tmp_path)
    logs.configure("INFO")
    client = TestClient(app)
    capsys.readouterr()
    for url in ("/", "/app.js", "/missing-typed-by-a-client.js", "/config.json", "/v1/health"):
        client.get(url)
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    logged = [(line["path"], line["status"]) for line in lines if line["message"] == "request"]
    assert logged == [
        ("/{file:path}", 200),
        ("/{file:path}", 200),
        ("/{file:path}", 404),
        ("/config.json", 200),
        (constants.HEALTH_PATH, 200),
    ]
