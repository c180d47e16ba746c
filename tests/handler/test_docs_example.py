"""The documented `curl` examples still work: same request, same shape, and the same answer.

The documents quote the shipped model's real answers, so a new model fails these tests until
`python -m scripts.refresh_examples` has rewritten them.
"""

from __future__ import annotations

import json
import re
import shlex

import pytest

from convert.paths import DOCS_DIR
from handler.constants import HEALTH_PATH
from scripts.paths import REPO_ROOT

DOCS = [p for p in (REPO_ROOT / "README.md", DOCS_DIR / "serving.md") if p.exists()]
# A ```console block: `$ curl ...` (continued with backslashes), then the output up to the fence.
BLOCK = re.compile(r"```console\n\$ (curl .*?)\n(?<!\\\n)(.*?)```", re.S)


def examples() -> list[tuple[str, str, str]]:
    found = []
    for doc in DOCS:
        for command, output in BLOCK.findall(doc.read_text()):
            found.append((doc.name, command.replace("\\\n", " "), output.strip()))
    return found


def parse(command: str) -> tuple[str, str, bytes | None, dict[str, str]]:
    args = shlex.split(command)[1:]
    method, body, headers, url = "GET", None, {}, ""
    it = iter(args)
    for arg in it:
        if arg in ("-X", "--request"):
            method = next(it)
        elif arg in ("-d", "--data", "--data-raw"):
            body, method = next(it).encode(), "POST" if method == "GET" else method
        elif arg in ("-H", "--header"):
            name, _, value = next(it).partition(":")
            headers[name.strip().lower()] = value.strip()
        elif arg.startswith("http"):
            url = arg
    return method, re.sub(r"^https?://[^/]+", "", url), body, headers


def test_serving_doc_has_examples():
    assert any(name == "serving.md" for name, _, _ in examples())


def test_readme_shows_per_sentence_answers():
    shown = [json.loads(output) for doc, _, output in examples() if doc == "README.md"]
    assert any(answer.get("sentences") for answer in shown)


@pytest.mark.parametrize(("doc", "command", "output"), examples())
def test_documented_request_gets_the_documented_shape(client, doc, command, output):
    method, path, body, headers = parse(command)
    response = client.request(method, path, content=body, headers=headers)
    documented = json.loads(output)
    assert response.status_code == (422 if "error" in documented else 200), (doc, response.text)
    got = response.json()
    assert set(got) == set(documented), doc
    if "label" in got:
        assert got["label"] in ("positive", "negative")
        assert (got["probability"] >= 0.5) == (got["label"] == "positive")
    if got.get("explanation") is not None:
        assert all(set(entry) == {"word", "weight", "occurrences"} for entry in got["explanation"])


@pytest.mark.parametrize(("doc", "command", "output"), examples())
def test_examples_from_the_shipped_model_are_its_real_answers(client, doc, command, output):
    # Every example is the shipped model's exact answer, so the docs cannot quote numbers the
    # service does not give: replacing the model means re-running the examples (see README).
    documented = json.loads(output)
    if "model_version" in documented:
        shipped = client.get(HEALTH_PATH).json()["model_version"]
        assert documented["model_version"] == shipped, f"{doc} quotes another model"
    method, path, body, headers = parse(command)
    assert client.request(method, path, content=body, headers=headers).json() == documented
