"""Helpers for the console's GUI tests: waiting on the qasync loop, answering the message box
shown, and pairing a test's workspace with a live relay."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from console.context import ConsoleContext
from console.pairing import pair
from relay.keys import SETTINGS, STORE
from relay.services.pairing import issue_code
from tests.relay.live import LiveRelay

Shot = Callable[[QWidget, str], Path]


async def wait_until(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    """Await (letting Qt and asyncio both run) until ``predicate()`` is true."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {predicate!r}")
        await asyncio.sleep(0.02)


def question_box() -> QMessageBox | None:
    """The message box on screen, if any."""
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox) and widget.isVisible():
            return widget
    return None


def press(box: QMessageBox, text: str) -> None:
    """Click the button of ``box`` labelled ``text`` (mnemonic ``&`` ignored)."""
    for candidate in box.buttons():
        if candidate.text().replace("&", "") == text:
            candidate.click()
            return
    raise AssertionError(f"no {text!r} button in {[b.text() for b in box.buttons()]}")


def pairing_code(relay: LiveRelay) -> str:
    """A one-time code from the live relay, as `storedesk-relay pairing-code` prints."""
    app = relay.app
    return relay.run(lambda: issue_code(app[STORE], app[SETTINGS].relay_key, app[SETTINGS].now()))


async def pair_with(ctx: ConsoleContext, relay: LiveRelay) -> None:
    """Pair the test's workspace with ``relay``, as the Settings screen does."""
    await pair(ctx.links, ctx.http, relay.base_url, pairing_code(relay), name="Test console")
