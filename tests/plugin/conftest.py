"""The plugin's tests run on a real WordPress (``wordpress.py``) next to a real relay with the
demo SQL shop; browser tests drive Debian's Chromium like the widget's. Skipped, saying why,
only where PHP (or, for the browser tests, Chromium or Playwright) is missing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.plugin.wordpress import WordPress, why_no_php
from tests.widget.shop import CHROMIUM, CHROMIUM_ARGS, ROOT, why_no_browser
from tests.widget.storefront import Relay, start_relay

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@pytest.fixture(scope="module")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPress]:
    reason = why_no_php()
    if reason:
        pytest.skip(reason)
    site = WordPress(tmp_path_factory.mktemp("wordpress")).install().start()
    try:
        yield site
    finally:
        site.stop()


@pytest.fixture(scope="module")
def relay(tmp_path_factory: pytest.TempPathFactory, wordpress: WordPress) -> Iterator[Relay]:
    """A relay with the demo SQL shop and a widget allowed on the WordPress site's origin."""
    started = start_relay(tmp_path_factory.mktemp("relay"), wordpress.url)
    try:
        yield started
    finally:
        started.process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    reason = why_no_browser()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=15_000)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def screenshots() -> Path:
    folder = ROOT / "artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
