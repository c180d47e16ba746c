"""Rewrite the answers under each ```console `$ curl` example in README.md and docs/serving.md.

Run after replacing the model: `.venv/bin/python -m scripts.refresh_examples`. The answers come
from the real app in-process with the shipped model, byte for byte what the local server sends;
tests/handler/test_docs_example.py fails until the documents agree with the model again.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from convert.paths import DOCS_DIR
from handler.api.app import service_from_environment
from scripts.paths import REPO_ROOT
from tests.handler.test_docs_example import BLOCK, parse


def main() -> None:
    client = TestClient(service_from_environment().app)
    for doc in (REPO_ROOT / "README.md", DOCS_DIR / "serving.md"):
        text = doc.read_text()

        def answer(m: re.Match[str]) -> str:
            method, path, body, headers = parse(m.group(1).replace("\\\n", " "))
            got = client.request(method, path, content=body, headers=headers).text
            return f"```console\n$ {m.group(1)}\n{got}\n```"

        doc.write_text(BLOCK.sub(answer, text))
        print(f"refreshed {doc.relative_to(REPO_ROOT)}")


if __name__ == "__main__":
    main()
