"""The pre-traffic hook: botocore's Stubber stands in for Lambda and CodeDeploy."""

import dataclasses
import io
import json

import boto3
import pytest
from botocore.response import StreamingBody
from botocore.stub import ANY, Stubber

from handler import lambda_function
from infra import pre_traffic
from infra.errors import SmokeTestError
from infra.smoke import DEFAULT_TEXT, invoke_smoke_test, smoke_event
from tests.handler.conftest import LAMBDA_CONTEXT
from tests.infra.conftest import REGION

VERSION = "arn:aws:lambda:us-east-1:123456789012:function:sentiment:7"
EVENT = {"DeploymentId": "d-ABC123", "LifecycleEventHookExecutionId": "hook-exec-1"}


def _payload(answer: object) -> StreamingBody:
    raw = json.dumps(answer).encode()
    return StreamingBody(io.BytesIO(raw), len(raw))


class Clients:
    """What the hook asks boto3 for, each client under a Stubber."""

    def __init__(self) -> None:
        self.clients = {
            name: boto3.client(name, region_name=REGION, aws_access_key_id="x",
                               aws_secret_access_key="x")
            for name in ("lambda", "codedeploy")
        }  # fmt: skip
        self.stubs = {name: Stubber(client) for name, client in self.clients.items()}

    def client(self, name: str) -> object:
        return self.clients[name]

    def expect_invoke(self, answer: object, function_error: str | None = None) -> None:
        response = {"StatusCode": 200, "Payload": _payload(answer)}
        if function_error:
            response["FunctionError"] = function_error
        self.stubs["lambda"].add_response(
            "invoke", response, {"FunctionName": VERSION, "Payload": ANY}
        )

    def expect_status(self, status: str) -> None:
        self.stubs["codedeploy"].add_response(
            "put_lifecycle_event_hook_execution_status",
            {"lifecycleEventHookExecutionId": EVENT["LifecycleEventHookExecutionId"]},
            {
                "deploymentId": EVENT["DeploymentId"],
                "lifecycleEventHookExecutionId": EVENT["LifecycleEventHookExecutionId"],
                "status": status,
            },
        )

    def run(self) -> None:
        for stub in self.stubs.values():
            stub.activate()
        pre_traffic.handler(EVENT, None, clients=self)
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> Clients:
    monkeypatch.setenv(pre_traffic.ENV_TARGET_VERSION, VERSION)
    return Clients()


def _ok(label: str = "positive", probability: float = 0.97) -> dict:
    body = json.dumps({"label": label, "probability": probability, "model_version": "m"})
    return {"statusCode": 200, "headers": {}, "body": body, "isBase64Encoded": False}


def test_a_good_answer_lets_the_deployment_go_on(clients: Clients, capsys) -> None:
    clients.expect_invoke(_ok())
    clients.expect_status("Succeeded")
    clients.run()
    line = json.loads(capsys.readouterr().out)
    assert line == {"event": "pre_traffic_hook", "target": VERSION, "status": "Succeeded",
                    "label": "positive"}  # fmt: skip


@pytest.mark.parametrize(
    ("answer", "function_error"),
    [
        ({"statusCode": 500, "body": '{"error": {"code": "internal_error"}}'}, None),
        ({"errorMessage": "Runtime exited", "errorType": "Runtime.ExitError"}, "Unhandled"),
        (_ok(label="great"), None),
        (_ok(probability=1.5), None),
        ({"statusCode": 200, "body": "not json"}, None),
    ],
)
def test_any_bad_answer_fails_the_deployment(
    clients: Clients, answer: dict, function_error: str | None
) -> None:
    clients.expect_invoke(answer, function_error)
    clients.expect_status("Failed")
    clients.run()


class InProcess:
    """A Lambda client whose `invoke` runs the service's own entry point on the payload."""

    def __init__(self, **header_overrides: str) -> None:
        self.header_overrides = header_overrides

    def invoke(self, **kwargs: object) -> dict:
        event = json.loads(kwargs["Payload"])  # type: ignore[arg-type]
        event["headers"].update(self.header_overrides)
        answer = lambda_function.handler(
            event, dataclasses.replace(LAMBDA_CONTEXT, aws_request_id="hook")
        )
        return {"StatusCode": 200, "Payload": _payload(answer)}


def test_the_hooks_event_is_answered_by_the_real_handler() -> None:
    prediction = invoke_smoke_test(InProcess(), VERSION)
    assert prediction.label == "positive"
    assert smoke_event()["body"] == json.dumps({"text": DEFAULT_TEXT})


def test_a_refusal_by_the_real_handler_is_a_smoke_failure() -> None:
    with pytest.raises(SmokeTestError, match="answered HTTP 415"):
        invoke_smoke_test(InProcess(**{"content-type": "text/plain"}), VERSION)
