"""CodeDeploy's pre-traffic hook: the smoke check against the new version, before any traffic.

CodeDeploy calls this function with the deployment's ids before it moves the `live` alias; it
invokes the new version (named in its environment by the stack) with one review and reports
Succeeded or Failed back. Failed stops the deployment and the alias stays where it was.
Packaged with infra/smoke.py and what that imports; boto3 comes with the Lambda runtime.
"""

import json
import os
from typing import Any, Final

import boto3

from infra.errors import SmokeTestError
from infra.smoke import invoke_smoke_test

ENV_TARGET_VERSION: Final = "TARGET_VERSION_ARN"
HANDLER: Final = "infra.pre_traffic.handler"


def handler(event: dict[str, Any], context: Any, clients: Any = boto3) -> None:
    """Run the smoke check on the version in TARGET_VERSION_ARN; tell CodeDeploy how it went."""
    target = os.environ[ENV_TARGET_VERSION]
    try:
        prediction = invoke_smoke_test(clients.client("lambda"), target)
    except SmokeTestError as error:
        status, outcome = "Failed", {"error": str(error)}
    else:
        status, outcome = "Succeeded", {"label": prediction.label}
    # One line per run; the smoke review is a fixed sentence, never a user's text.
    print(json.dumps({"event": "pre_traffic_hook", "target": target, "status": status, **outcome}))
    clients.client("codedeploy").put_lifecycle_event_hook_execution_status(
        deploymentId=event["DeploymentId"],
        lifecycleEventHookExecutionId=event["LifecycleEventHookExecutionId"],
        status=status,
    )
