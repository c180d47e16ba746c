"""Settings: names shared with infra/, validation at start with errors naming the variable."""

from __future__ import annotations

import pytest

from handler import constants
from handler.errors import SettingsError
from handler.settings import Settings, load_settings


def test_every_env_name_in_constants_is_a_setting():
    names = {v for k, v in vars(constants).items() if k.startswith("ENV_") and k != "ENV_PREFIX"}
    aliases = {field.validation_alias for field in Settings.model_fields.values()}
    assert names == aliases


def test_defaults_match_the_contract(monkeypatch):
    for name in Settings.model_fields:
        monkeypatch.delenv(Settings.model_fields[name].validation_alias, raising=False)
    settings = load_settings()
    assert (settings.max_text_chars, settings.max_batch_items, settings.max_body_bytes) == (
        10_000,
        64,
        1_048_576,
    )
    assert (settings.max_sentences, settings.max_batch_sentences) == (100, 256)
    assert settings.allowed_origins == ()


def test_values_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv(constants.ENV_ALLOWED_ORIGINS, "https://a.example, http://localhost:5173")
    monkeypatch.setenv(constants.ENV_MAX_TEXT_CHARS, "500")
    monkeypatch.setenv(constants.ENV_LOG_LEVEL, "debug")
    monkeypatch.setenv(constants.ENV_ROOT_PATH, "/prod")
    settings = load_settings()
    assert settings.allowed_origins == ("https://a.example", "http://localhost:5173")
    assert settings.max_text_chars == 500
    assert settings.log_level == "DEBUG"
    assert settings.root_path == "/prod"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        (constants.ENV_MAX_TEXT_CHARS, "lots"),
        (constants.ENV_MAX_TEXT_CHARS, "0"),
        (constants.ENV_MAX_BATCH_ITEMS, "-1"),
        (constants.ENV_MAX_BODY_BYTES, str(7 * 1024 * 1024)),
        (constants.ENV_MAX_SENTENCES, "0"),
        (constants.ENV_MAX_BATCH_SENTENCES, "many"),
        (constants.ENV_ALLOWED_ORIGINS, "*"),
        (constants.ENV_ALLOWED_ORIGINS, "https://a.example/path"),
        (constants.ENV_LOG_LEVEL, "LOUD"),
        (constants.ENV_ROOT_PATH, "prod/"),
    ],
)
def test_invalid_settings_stop_the_start_with_the_variable_named(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError, match=name):
        load_settings()


def test_invalid_settings_stop_the_entry_point_in_a_fresh_process(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", "import handler.lambda_function"],
        env={"PATH": "", constants.ENV_MAX_BATCH_ITEMS: "many", "PYTHONPATH": "."},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SettingsError" in result.stderr
    assert constants.ENV_MAX_BATCH_ITEMS in result.stderr


READS_AT_START = """
import io, json
from handler import settings

counts = {"settings": 0, "manifest": 0}
real_open, real_init = io.open, settings.Settings.__init__


def counting_open(file, *args, **kwargs):
    counts["manifest"] += str(file).endswith("manifest.json")
    return real_open(file, *args, **kwargs)


def counting_init(self, *args, **kwargs):
    counts["settings"] += 1
    real_init(self, *args, **kwargs)


io.open, settings.Settings.__init__ = counting_open, counting_init
import handler.lambda_function
print(json.dumps(counts))
"""


def test_the_entry_point_reads_the_settings_and_the_manifest_once():
    import json
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c", READS_AT_START],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(result.stdout.splitlines()[-1]) == {"settings": 1, "manifest": 1}
