"""Send one prediction to the deployed API and check the answer's shape."""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Final

from handler.constants import LABELS
from infra.errors import SmokeTestError
from infra.names import PREDICT_PATH

DEFAULT_TEXT: Final = "A warm, funny film with a wonderful cast; I would happily watch it again."


@dataclass(frozen=True)
class Prediction:
    label: str
    probability: float


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
    return _prediction(url, body)


def _prediction(url: str, body: bytes) -> Prediction:
    try:
        answer = json.loads(body)
    except ValueError as error:
        raise SmokeTestError(f"POST {url} answered something that is not JSON") from error
    if not isinstance(answer, dict):
        raise SmokeTestError(f"POST {url} answered JSON that is not an object")
    label, probability = answer.get("label"), answer.get("probability")
    if label not in LABELS:
        raise SmokeTestError(f"POST {url}: label {label!r} is not one of {', '.join(LABELS)}")
    if isinstance(probability, bool) or not isinstance(probability, int | float):
        raise SmokeTestError(f"POST {url}: probability {probability!r} is not a number")
    if not 0.0 <= probability <= 1.0:
        raise SmokeTestError(f"POST {url}: probability {probability} is outside [0, 1]")
    return Prediction(label=label, probability=float(probability))
