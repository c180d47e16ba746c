"""Fixtures for the infra tier: one synthesized app per session, moto and a fake API on loopback."""

import json
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from aws_cdk import App
from aws_cdk.assertions import Template
from moto.server import ThreadedMotoServer

from infra.app import build
from infra.settings import Settings, read_settings
from infra.stack import SentimentStack
from scripts.paths import REPO_ROOT

REGION = "us-east-1"
CDK_JSON_CONTEXT = json.loads((REPO_ROOT / "cdk.json").read_text())["context"]
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
    "deployment": "all-at-once",
    "bulkMaxTextChars": "150000",
    "alarmEmail": "ops@example.com",
    "baseImage": "public.ecr.aws/lambda/python:3.13@sha256:" + "b" * 64,
}
# The opt-in web ACL, which adds a stack in us-east-1; on arm64, so that the policy scan
# (tests/infra/test_scan.py) covers `-c waf=true -c architecture=arm64` as well as the default.
WAF_CONTEXT = {"stage": "edge", "waf": "true", "wafRateLimit": "250", "architecture": "arm64"}


@dataclass
class Synthesized:
    stack: SentimentStack
    template: Template
    outdir: Path

    @property
    def other_templates(self) -> list[Path]:
        """Every other stack's template in the same assembly (the web ACL's, with waf=true)."""
        return sorted(p for p in self.outdir.glob("*.template.json") if p != self.template_file)

    @property
    def template_file(self) -> Path:
        return self.outdir / self.stack.template_file

    def resources(self, kind: str) -> dict[str, Any]:
        return self.template.find_resources(kind)

    def only(self, kind: str) -> dict[str, Any]:
        (resource,) = self.resources(kind).values()
        return resource["Properties"]


def without_bulk(resources: dict[str, Any]) -> dict[str, Any]:
    """`resources` less the bulk jobs' (infra/bulk.py, construct "Bulk": their ids start so)."""
    return {key: value for key, value in resources.items() if not key.startswith("Bulk")}


def _synth(outdir: Path, context: dict[str, Any] | None = None) -> Synthesized:
    # The feature flags in cdk.json, as the CDK CLI passes them, so tests build what `cdk` does.
    app = App(outdir=str(outdir), context={**CDK_JSON_CONTEXT, **(context or {})})
    stack = build(app)
    app.synth()  # raises if cdk-nag (or anything else) reports an unacknowledged finding
    return Synthesized(stack=stack, template=Template.from_stack(stack), outdir=outdir)


def settings_from(**context: object) -> Settings:
    """read_settings on a stand-in construct: it only asks the node for context values."""
    scope = SimpleNamespace(node=SimpleNamespace(try_get_context=context.get))
    return read_settings(scope)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def default_app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    """The app exactly as `cdk synth` builds it with no context."""
    return _synth(tmp_path_factory.mktemp("cdk-default"))


@pytest.fixture(scope="session")
def variant_app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return _synth(tmp_path_factory.mktemp("cdk-variant"), VARIANT_CONTEXT)


@pytest.fixture(scope="session")
def waf_app(tmp_path_factory: pytest.TempPathFactory) -> Synthesized:
    return _synth(tmp_path_factory.mktemp("cdk-waf"), WAF_CONTEXT)


@pytest.fixture(autouse=True)
def _no_real_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test may find real credentials or ask the EC2 metadata service for some."""
    for name in ("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """A moto server on loopback: the scripts talk real HTTP to it."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Fake credentials, every AWS call routed to the moto server, state reset afterwards."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    yield moto_server
    urllib.request.urlopen(urllib.request.Request(f"{moto_server}/moto-api/reset", method="POST"))


def aws_client(service: str) -> Any:
    """A client for the moto server, configured by the `aws` fixture's environment."""
    return boto3.client(service, region_name=REGION)


@dataclass
class FakeApi:
    """A stand-in for the deployed API: answers each POST with the configured response."""

    url: str
    status: int = 200
    body: bytes = b'{"label": "positive", "probability": 0.93}'
    headers: dict[str, str] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)

    def answer(self, payload: object, status: int = 200, **headers: str) -> None:
        self.body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.status = status
        self.headers = headers


@pytest.fixture
def fake_api() -> Iterator[FakeApi]:
    api = FakeApi(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            api.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(api.status)
            self.send_header("content-type", "application/json")
            for name, value in api.headers.items():
                self.send_header(name.replace("_", "-"), value)
            self.end_headers()
            self.wfile.write(api.body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield api
    server.shutdown()
    thread.join()


def fake_stack(name: str, outputs: dict[str, str]) -> None:
    """Create a stack in moto whose only content is the given outputs."""
    template = {
        "Resources": {"Placeholder": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    aws_client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(template))
