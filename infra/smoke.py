"""Send one prediction to the deployed API, or to one function version, and check the answer.

`smoke_test` goes over HTTP (after a deploy, `make smoke`); `invoke_smoke_test` sends the same
request as an HTTP API event straight to a Lambda version, which is how the pre-traffic hook checks
a new version before CodeDeploy shifts any traffic to it. Both judge the answer the same way.
"""

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Final, Protocol

from handler.constants import LABELS, PREDICT_PATH
from infra.errors import SmokeTestError

DEFAULT_TEXT: Final = "A warm, funny film with a wonderful cast; I would happily watch it again."


@dataclass(frozen=True)
class Prediction:
    label: str
    probability: float


class LambdaClient(Protocol):
    def invoke(self, **kwargs: Any) -> dict[str, Any]: ...


def smoke_test(
    api_url: str,
    *,
    text: str = DEFAULT_TEXT,
    origin: str | None = None,
    timeout_s: float = 30.0,
) -> Prediction:
    """POST `text` to `<api_url>/v1/predict`; raise SmokeTestError unless the answer fits.

    With `origin`, also check that CORS lets a page served from there read the answer.
    """
    if not api_url.startswith(("https://", "http://")):
        raise SmokeTestError(f"API URL {api_url!r} is not an http(s) URL")
    url = api_url.rstrip("/") + PREDICT_PATH
    headers = {"content-type": "application/json", "accept": "application/json"}
    if origin:
        headers["origin"] = origin
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=json.dumps({"text": text}).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:  # noqa: S310
            body = response.read()
            allowed_origin = response.headers.get("access-control-allow-origin")
    except urllib.error.HTTPError as error:
        raise SmokeTestError(f"POST {url} answered HTTP {error.code}") from error
    except (urllib.error.URLError, TimeoutError) as error:
        raise SmokeTestError(f"POST {url} failed: {error}") from error

    if origin and allowed_origin != origin:
        raise SmokeTestError(
            f"POST {url}: CORS allows {allowed_origin!r}, not the page's origin {origin!r}"
        )
    return _prediction(f"POST {url}", body)


def smoke_event(text: str = DEFAULT_TEXT) -> dict[str, Any]:
    """`POST /v1/predict` with `text`, as API Gateway's HTTP API (payload 2.0) delivers it."""
    body = json.dumps({"text": text})
    return {
        "version": "2.0",
        "routeKey": f"POST {PREDICT_PATH}",
        "rawPath": PREDICT_PATH,
        "rawQueryString": "",
        "headers": {"content-type": "application/json", "content-length": str(len(body))},
        "requestContext": {
            "http": {
                "method": "POST",
                "path": PREDICT_PATH,
                "protocol": "HTTP/1.1",
                "sourceIp": "127.0.0.1",
                "userAgent": "pre-traffic-hook",
            },
            "requestId": "pre-traffic-hook",
            "routeKey": f"POST {PREDICT_PATH}",
            "stage": "$default",
        },
        "body": body,
        "isBase64Encoded": False,
    }


def invoke_smoke_test(
    lambda_client: LambdaClient, function_arn: str, *, text: str = DEFAULT_TEXT
) -> Prediction:
    """Invoke `function_arn` (a version) with `smoke_event(text)`; SmokeTestError unless it fits."""
    where = f"invoke {function_arn}"
    response = lambda_client.invoke(
        FunctionName=function_arn, Payload=json.dumps(smoke_event(text)).encode()
    )
    payload = response["Payload"].read()
    if response.get("FunctionError"):
        raise SmokeTestError(f"{where}: the function failed ({response['FunctionError']})")
    try:
        answer = json.loads(payload)
    except ValueError as error:
        raise SmokeTestError(f"{where}: the response is not JSON") from error
    status = answer.get("statusCode") if isinstance(answer, dict) else None
    if status != 200:
        raise SmokeTestError(f"{where} answered HTTP {status}")
    body = answer.get("body") or ""
    raw = base64.b64decode(body) if answer.get("isBase64Encoded") else body.encode()
    return _prediction(where, raw)


def _prediction(where: str, body: bytes) -> Prediction:
    try:
        answer = json.loads(body)
    except ValueError as error:
        raise SmokeTestError(f"{where} answered something that is not JSON") from error
    if not isinstance(answer, dict):
        raise SmokeTestError(f"{where} answered JSON that is not an object")
    label, probability = answer.get("label"), answer.get("probability")
    if label not in LABELS:
        raise SmokeTestError(f"{where}: label {label!r} is not one of {', '.join(LABELS)}")
    if isinstance(probability, bool) or not isinstance(probability, int | float):
        raise SmokeTestError(f"{where}: probability {probability!r} is not a number")
    if not 0.0 <= probability <= 1.0:
        raise SmokeTestError(f"{where}: probability {probability} is outside [0, 1]")
    return Prediction(label=label, probability=float(probability))
