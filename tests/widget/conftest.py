"""Browser tests: Playwright for Python driving Debian's Chromium (headless) against a real
relay with the demo shop (see ``shop.py``), and a subset also in Debian's Firefox ESR
(``browsers.py``). The relay starts once per run, each browser once per module; each test
gets a fresh browser context (its own storage) on the demo storefront page.

Skipped, saying why, where a browser or Playwright is missing (``make test`` installs
Chromium and Firefox ESR where it can)."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.widget.shop import (
    CHROMIUM,
    CHROMIUM_ARGS,
    NO_PLAYWRIGHT,
    ROOT,
    DemoShop,
    open_demo_shop,
    why_no_browser,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page, Playwright

    from tests.widget.page import Watcher

SCREENSHOTS = ROOT / "artifacts" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}


def _skip_without_a_browser() -> None:
    reason = why_no_browser()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    """One Playwright per test module. Its sync API runs an event loop on this thread while it
    is open, so it is closed with each module: later async tests (the console's) can run
    their own loop whatever the order."""
    if importlib.util.find_spec("playwright") is None:
        pytest.skip(NO_PLAYWRIGHT)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15_000)
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium, headless (launched for the first test of a module that needs it)."""
    _skip_without_a_browser()
    chromium = playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    try:
        yield chromium
    finally:
        chromium.close()


@pytest.fixture(scope="module")
def firefox(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Firefox ESR through WebDriver BiDi (``tests.widget.browsers``); skipped, saying
    exactly why, where it cannot be driven."""
    from tests.widget.browsers import launch_firefox

    found, reason = launch_firefox(playwright)
    if found is None:
        pytest.skip(reason)
    try:
        yield found
    finally:
        found.close()


@pytest.fixture
def browser_name(request: pytest.FixtureRequest) -> str:
    """``chromium``, unless a test runs in every browser (``browsers.IN_EVERY_BROWSER``)."""
    return str(getattr(request, "param", "chromium"))


@pytest.fixture(scope="session")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoShop]:
    _skip_without_a_browser()  # no relay and shop set up for tests that cannot run
    demo = open_demo_shop(tmp_path_factory.mktemp("shop"))
    try:
        yield demo
    finally:
        demo.stop()


@pytest.fixture
def context(request: pytest.FixtureRequest, browser_name: str) -> Iterator[BrowserContext]:
    browser: Browser = request.getfixturevalue(
        "firefox" if browser_name == "firefox" else "browser"
    )
    context = browser.new_context(viewport=DESKTOP, locale="en-GB")
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def watcher() -> Watcher:
    from tests.widget.page import Watcher

    return Watcher()


@pytest.fixture
def page(context: BrowserContext, shop: DemoShop, watcher: Watcher) -> Page:
    """The demo storefront, loaded, with dialogs, page errors and CSP violations recorded."""
    page = context.new_page()
    watcher.attach(page)
    page.goto(shop.page_url)
    return page


@pytest.fixture
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
