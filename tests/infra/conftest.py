"""Fixtures for the infra tier: the app synthesized once per session."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aws_cdk import App
from aws_cdk.assertions import Template

from infra.app import build
from infra.stack import SentimentStack

# Every option away from its default, so one synth shows that each setting reaches the template.
VARIANT_CONTEXT = {
    "stage": "test",
    "architecture": "arm64",
    "memoryMb": "2048",
    "timeoutSeconds": 20,
    "throttleRateLimit": "7",
    "throttleBurstLimit": "9",
    "extraAllowedOrigins": "http://localhost:8000,https://preview.example.com",
    "reservedConcurrency": 3,
}


@dataclass
class Synthesized:
    stack: SentimentStack
    template: Template
    outdir: Path

    @property
    def template_file(self) -> Path:
        return self.outdir / self.stack.template_file

    def resources(self, kind: str) -> dict[str, Any]:
        return self.template.find_resources(kind)

    def only(self, kind: str) -> dict[str, Any]:
        (resource,) = self.resources(kind).values()
        return resource["Properties"]


def _synth(outdir: Path, context: dict[str, Any] | None = None) -> Synthesized:
    app = App(outdir=str(outdir), context=context or {})
    stack = build(app)
    app.synth()  # raises if cdk-nag (or anything else) reports an unacknowledged finding
    return Synthesized(stack=stack, template=Template.from_stack(stack), outdir=outdir)


@pytest.fixture(scope="session")
def default_app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The app exactly as `cdk synth` builds it with no context."""
    return _synth(tmp_path_factory.mktemp("cdk-default"))


@pytest.fixture(scope="session")
def variant_app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return _synth(tmp_path_factory.mktemp("cdk-variant"), VARIANT_CONTEXT)
