"""Shared fixtures: the shipped model, an in-memory fake predictor, app/client factories, and the
Lambda context the entry point is invoked with."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from handler import constants
from handler.api.app import create_app
from handler.errors import ModelUnavailableError
from handler.inference.manifest import Manifest
from handler.inference.predictor import Answer, LitePredictor
from handler.settings import DEFAULT_MODEL_DIR, Settings

EVENTS = Path(__file__).resolve().parent.parent / "events"


@dataclass(frozen=True)
class FakeLambdaContext:
    """What Lambda's Python runtime passes as `context`: every field the service and Powertools
    read (`dataclasses.replace` for another request id)."""

    function_name: str = "sentiment"
    function_version: str = "12"
    memory_limit_in_mb: int = 1024
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:sentiment:live"
    aws_request_id: str = "8f5a2c8e-1d1b-4c55-9a57-2b6c3f0f9d11"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


LAMBDA_CONTEXT = FakeLambdaContext()


def _set_cold_start(monkeypatch: pytest.MonkeyPatch, cold: bool) -> None:
    # Powertools' Logger and Metrics each keep a process-wide flag; monkeypatch restores both.
    from aws_lambda_powertools.logging import logger
    from aws_lambda_powertools.metrics.provider import cold_start

    for module in (logger, cold_start):
        monkeypatch.setattr(module, "is_cold_start", cold)


@pytest.fixture
def cold_container(monkeypatch: pytest.MonkeyPatch) -> None:
    """A container whose next invocation is its first."""
    _set_cold_start(monkeypatch, True)


@pytest.fixture
def warm_container(monkeypatch: pytest.MonkeyPatch) -> None:
    """A container that has served already: no ColdStart line, whichever test ran first."""
    _set_cold_start(monkeypatch, False)


class FakePredictor:
    """P(positive) = share of "good" among words, every word known; `fail_next` makes the next
    call raise 503; `probability`, when set, is the answer to every text (for exact edge cases)."""

    def __init__(self) -> None:
        self.calls: list[Sequence[str]] = []
        self.fail_next = 0
        self.probability: float | None = None

    model_version = "fake-1"
    manifest = Manifest.read(DEFAULT_MODEL_DIR / constants.MANIFEST_FILE)

    def _answer(self, text: str) -> Answer:
        words = text.split()
        share = sum(w == "good" for w in words) / len(words) if words else 0.5
        return Answer(share if self.probability is None else self.probability, len(words))

    def _call(self, texts: Sequence[str]) -> None:
        self.calls.append(list(texts))
        if self.fail_next:
            self.fail_next -= 1
            raise ModelUnavailableError()

    def predict(self, texts: Sequence[str]) -> list[Answer]:
        self._call(texts)
        return [self._answer(t) for t in texts]

    def explain(self, text: str) -> tuple[Answer, list[tuple[str, float]]]:
        self._call([text])
        return self._answer(text), [(w, 0.1) for w in dict.fromkeys(text.split())]


@pytest.fixture(scope="session")
def predictor() -> LitePredictor:
    return LitePredictor.load(DEFAULT_MODEL_DIR)


@pytest.fixture
def fake() -> FakePredictor:
    return FakePredictor()


MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client() -> Iterator[MakeClient]:
    """`make_client(predictor, **settings)` -> a TestClient on a fresh app."""
    clients: list[TestClient] = []

    def make(predictor: Any, **settings: Any) -> TestClient:
        client = TestClient(create_app(Settings(**settings), predictor))
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture(scope="session")
def client(predictor: LitePredictor) -> Iterator[TestClient]:
    """The real app over the shipped model, with default settings."""
    with TestClient(create_app(Settings(), predictor)) as client:
        yield client


@pytest.fixture
def model_copy(tmp_path: Path) -> Path:
    """A private copy of the shipped model folder, to damage."""
    return Path(shutil.copytree(DEFAULT_MODEL_DIR, tmp_path / "model"))


def load_event(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / name).read_text())  # type: ignore[no-any-return]
