"""The browsers the widget's tests run in: Debian's Chromium (every test) and Debian's
Firefox ESR (the tests marked ``IN_EVERY_BROWSER``).

What can drive a stock Firefox here, without downloads beyond PyPI, Debian and npm:
- Playwright's own Firefox is a patched build (Juggler) fetched from Playwright's CDN by
  ``playwright install``: not obtainable offline.
- Selenium (PyPI) needs geckodriver, which Debian does not package; Selenium Manager and the
  npm ``geckodriver`` package both download it from GitHub at run/install time, and the one
  PyPI wrapper (``geckodriver-wrapper``) ships a Windows ``.exe`` only.
- Recent Playwright drives a stock Firefox over WebDriver BiDi (``channel="moz-firefox"``
  with the browser's path): that is what is used here. It needs every BiDi command that
  Playwright sends; where the Firefox is too old for one, the Firefox tests skip, naming
  the command and both versions (a newer Firefox ESR from Debian then runs them unchanged).
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.widget.bidi import PREFS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

FIREFOX_NAMES = ("firefox-esr", "firefox")
IN_EVERY_BROWSER = pytest.mark.parametrize("browser_name", ["chromium", "firefox"], indirect=True)
"""Mark a widget test with this to run it in Chromium and in Firefox."""


def firefox_path() -> Path | None:
    for name in FIREFOX_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def launch_firefox(playwright: Playwright) -> tuple[Browser | None, str]:
    """Firefox launched and able to open a browser context, or ``None`` and why not."""
    path = firefox_path()
    if path is None:
        return None, (
            "Firefox is not installed; `make test` installs Debian's firefox-esr "
            "(apt-get install firefox-esr) when run as root or with sudo."
        )
    from playwright.sync_api import Error

    try:
        browser = playwright.firefox.launch(
            channel="moz-firefox",
            executable_path=str(path),
            headless=True,
            firefox_user_prefs=PREFS,
        )
    except Error as exc:
        return None, f"Playwright could not start {path} over WebDriver BiDi: {_first_line(exc)}"
    try:
        browser.new_context().close()
    except Error as exc:
        browser.close()
        return None, _too_old(path, exc)
    return browser, ""


def _too_old(path: Path, exc: Exception) -> str:
    message = _first_line(exc)
    command = message.split("(", 1)[1].split(")", 1)[0] if "(" in message else message
    return (
        f"{_version(path)} lacks the WebDriver BiDi command {command} that Playwright "
        f"{importlib.metadata.version('playwright')} sends for every browser context "
        f"({message}). Playwright's own Firefox build needs a download from its CDN, and "
        "Linux's geckodriver (for Selenium) is not in Debian, and PyPI and npm only fetch it "
        "from GitHub. The Firefox runs start once Debian's firefox-esr has that command."
    )


def _version(path: Path) -> str:
    try:
        done = subprocess.run(
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return f"The Firefox at {path}"
    return done.stdout.strip() or f"The Firefox at {path}"


def _first_line(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
