"""The plugin's tests run on a real WordPress (``wordpress.py``) next to a real relay with the
demo SQL shop; browser tests drive Debian's Chromium like the widget's. Skipped, saying why,
only where PHP (or, for the browser tests, Chromium or Playwright) is missing."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.plugin.wordpress import WordPress, why_no_php
from tests.relay.process import RelayProcess
from tests.widget.shop import CHROMIUM, CHROMIUM_ARGS, ROOT, Console, _pairing_code, why_no_browser

if TYPE_CHECKING:
    from playwright.sync_api import Browser


@dataclass(frozen=True, slots=True)
class Relay:
    process: RelayProcess
    widget_key: str
    secret: str

    @property
    def url(self) -> str:
        return self.process.base_url


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
    folder = tmp_path_factory.mktemp("relay")
    (folder / "relay").mkdir()
    process = RelayProcess(folder / "relay").start()
    try:
        console = Console(folder / "workspace")
        console("store", "add", "sql", "--name", "demo", "--demo")
        console("relay", "pair", process.base_url, _pairing_code(process), "--name", "wordpress")
        out = console(
            "widget", "create", "--name", "Shop", "--store", "demo",
            "--allowed-origin", wordpress.url, "--title", "Northwind help",
        )  # fmt: skip
        match = re.search(r"\bwk_[A-Za-z0-9_-]+", out)
        assert match, out
        console("relay", "publish")
        secret = console("widget", "secret", match.group(0)).splitlines()[0].strip()
        yield Relay(process, match.group(0), secret)
    finally:
        process.kill()


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
