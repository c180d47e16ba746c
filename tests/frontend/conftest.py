"""The real service on a free local port, and Debian's Chromium driven by Playwright.

The page is tested against the app that `make serve` runs (`python -m scripts.serve`), so the
browser exercises the same API, model and static files a person sees locally.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

from scripts.local_server import ServerStartError, local_server

# Re-exported for the tests that need a port nothing listens on.
from scripts.local_server import free_port as free_port
from scripts.paths import REPO_ROOT

ARTIFACTS = REPO_ROOT / "test-artifacts"
UI_TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 900}

# Keep Chromium off the network: its background services would otherwise try (and fail) to reach
# Google, which in a closed network only adds noise and delays.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def base_url() -> Iterator[str]:
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        with local_server(log=ARTIFACTS / "server.log") as server:
            yield server.url
    except ServerStartError as exc:
        pytest.fail(str(exc))


@pytest.fixture(scope="session")
def model_info(base_url: str) -> dict:
    return httpx.get(f"{base_url}/v1/model", timeout=10).json()


# Package scope, not session: the sync API keeps an asyncio loop running in the main thread
# while it is open, and the Lambda handler tests that run after this package need that thread's
# loop to be free, as it is on Lambda.
@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        # Fail, not skip: `make test` installs the browser first, so a missing one is a broken
        # setup that must not pass silently.
        pytest.fail(
            "Debian's Chromium is not on PATH; run scripts/install-browser "
            "(Playwright may not download its own browsers here)."
        )
    browser = playwright.chromium.launch(
        executable_path=executable, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Factory for fresh pages, each in its own context, so routes can be set before loading.

    An uncaught script error on any of them fails the test.
    """
    contexts = []
    errors: list[str] = []

    def make(viewport: dict | None = None, **context_options) -> Page:
        context = browser.new_context(viewport=viewport or DESKTOP, **context_options)
        context.set_default_timeout(UI_TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, f"uncaught errors in the page: {errors}"


@pytest.fixture
def page(new_page: Callable[..., Page], base_url: str) -> Page:
    """The page, loaded, with the model details (and so the text limit) already fetched."""
    page = new_page()
    open_page(page, base_url)
    return page


def open_page(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/")
    # Locator assertions rather than wait_for_function: the page's CSP forbids the eval it uses.
    expect(page.locator("#model-info")).not_to_have_text(re.compile(r"^Loading"))


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
