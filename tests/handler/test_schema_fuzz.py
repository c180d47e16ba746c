"""Schemathesis against the app's own OpenAPI schema, in process (ASGI), with every default check.

Positive and negative cases, at least 200 per operation where the schema allows that many (the
two GET operations take no input, so Hypothesis runs out of distinct cases after a few); fixed
seed, so a failure reproduces.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handler.api.app import create_app
from handler.inference.predictor import LitePredictor
from handler.requests import NOT_BLANK
from handler.settings import DEFAULT_MODEL_DIR, Settings

app = create_app(Settings(), LitePredictor.load(DEFAULT_MODEL_DIR))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
schema.config.generation.update(max_examples=200, deterministic=True)


@schema.parametrize()
@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_conforms_to_its_schema(case):
    case.call_and_validate()


# --- One meaning of "blank" in the published schema and in the service's check ---------------
# schemathesis once generated {"texts": ["\u001e"]}: ECMA-262 (the regex dialect of OpenAPI
# tools) reads `\S` as matching U+001E, Python's re does not, so the schema promised what the
# service refused. The text fields' pattern must mean the same in both engines and in the app.


def _patterns(node: object, path: str = "") -> dict[str, str]:
    """Every `pattern` in the schema, keyed by where it is."""
    found: dict[str, str] = {}
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "pattern" and isinstance(value, str):
                found[path] = value
            else:
                found |= _patterns(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found |= _patterns(value, f"{path}/{i}")
    return found


PATTERNS = _patterns(app.openapi())
# Blank characters per Python's str.isspace(), the rule the service documents.
PY_BLANK = [i for i in range(0x110000) if chr(i).isspace()]
NODE_BLANK = """
const pattern = process.argv[1];
for (const flags of ["", "u"]) {
  const re = new RegExp(pattern, flags);
  const blank = [];
  for (let i = 0; i < 0x110000; i++) if (!re.test(String.fromCodePoint(i))) blank.push(i);
  console.log(JSON.stringify(blank));
}
"""


def test_every_text_field_has_the_one_not_blank_pattern():
    text_fields = {p for p in PATTERNS if p.endswith(("/text", "/texts/items"))}
    assert len(text_fields) == 2, PATTERNS  # PredictRequest.text, BatchRequest.texts[]
    assert set(PATTERNS.values()) == {NOT_BLANK}


@pytest.mark.parametrize("pattern", sorted(set(PATTERNS.values())))
def test_pattern_means_the_same_to_python_and_to_ecma_262(pattern):
    # Every code point, in both engines: Node's RegExp is the ECMA-262 reference at hand (the
    # CDK CLI needs it anyway).
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH: the ECMA-262 side of this check needs it")
    compiled = re.compile(pattern)
    python_blank = [i for i in range(0x110000) if compiled.search(chr(i)) is None]
    assert python_blank == PY_BLANK
    out = subprocess.run(
        [node, "-e", NODE_BLANK, pattern], capture_output=True, text=True, check=True, timeout=60
    ).stdout.split()
    for flags, blank in zip(("no flags", "u flag"), out, strict=True):
        assert json.loads(blank) == PY_BLANK, flags


# The characters where the two engines' `\s` differ, and all of Python's whitespace.
DISPUTED = "\x1c\x1d\x1e\x1f\x85\ufeff"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(char=st.one_of(st.characters(), st.sampled_from([*map(chr, PY_BLANK), *DISPUTED])))
def test_the_app_refuses_a_character_exactly_when_the_schema_does(char):
    blank = re.search(NOT_BLANK, char) is None
    with TestClient(app) as client:
        for path, body in (
            ("/v1/predict", {"text": char}),
            ("/v1/predict/batch", {"texts": [char]}),
        ):
            response = client.post(path, json=body)
            assert response.status_code == (422 if blank else 200), (path, hex(ord(char)))
            if blank:
                assert "non-whitespace" in response.json()["error"]["message"]
