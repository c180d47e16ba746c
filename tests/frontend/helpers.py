"""Small helpers shared by the browser tests."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Page, Request, Response, expect

# Worded plainly enough for any sentiment model (the first was the tiny fixture model too),
# so the label is certain while the exact probability is not.
POSITIVE = "A wonderful, brilliant, moving masterpiece. I loved it."
NEGATIVE = "Awful, boring, a terrible waste."
# Both directions at once, so screenshots show green and red highlights.
MIXED = (
    "A wonderful, moving story and a superb cast. Sadly the plot is a mess and the "
    "ending is dull, but I loved it anyway."
)


def is_predict(request: Request) -> bool:
    return request.url.split("?")[0].endswith("/v1/predict")


def record_predict_requests(page: Page) -> list[Request]:
    """Every /v1/predict request the page sends from now on, in order."""
    seen: list[Request] = []
    page.on("request", lambda r: seen.append(r) if is_predict(r) else None)
    return seen


def analyze(page: Page, text: str) -> dict[str, Any]:
    """Type-free fill, press Analyze, and return the API's JSON answer once the page shows it."""
    page.fill("#review", text)
    with page.expect_response(lambda r: is_predict(r.request)) as response_info:
        page.click("#analyze")
    response: Response = response_info.value
    body = response.json()
    wait_idle(page)
    return body


def wait_idle(page: Page) -> None:
    """The page has finished handling a request: the Analyze button is usable again."""
    expect(page.locator("#analyze")).to_be_enabled()


def sent_text(request: Request) -> str:
    return json.loads(request.post_data or "{}")["text"]
