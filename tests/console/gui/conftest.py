"""Console GUI fixtures: Qt offscreen, a ``ctx`` on a fresh workspace, the main ``window`` on it,
``screenshot()``.

Screenshots go to ``artifacts/screenshots/`` (kept by CI as test artefacts).
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QWidget

from console.app import window_settings
from console.context import ConsoleContext
from console.window import MainWindow
from relay.app import create_app
from relay.settings import Settings
from tests.relay.live import LiveRelay, live_relay

ARTIFACTS = Path(__file__).resolve().parents[3] / "artifacts" / "screenshots"


@pytest.fixture(autouse=True)
def _collect_qt_garbage_on_the_gui_thread() -> Iterator[None]:
    """Python may collect a reference cycle on whichever thread allocates next: a live relay's
    or a database worker thread. A cycle holding a Qt object would then destroy it off the GUI
    thread while Qt runs its timers (a crash). Collect before and after each test, here."""
    gc.collect()
    yield
    gc.collect()


@pytest.fixture(autouse=True)
async def _no_window_outlives_its_test() -> AsyncIterator[None]:
    """Close and delete what a test left open (a wizard, a view), on the test's own loop:
    a timer of a window left behind would otherwise fire in a later test, outside any loop."""
    yield
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    await asyncio.sleep(0)


@pytest.fixture
async def ctx(tmp_path: Path, qapp: object) -> AsyncIterator[ConsoleContext]:
    """A console context on an empty workspace in ``tmp_path/workspace``."""
    context = ConsoleContext.open(tmp_path / "workspace")
    try:
        yield context
    finally:
        await context.aclose()


@pytest.fixture
async def window(ctx: ConsoleContext, qtbot: object) -> AsyncIterator[MainWindow]:
    """The main window on ``ctx``, shown; closed after the test."""
    win = MainWindow(window_settings(ctx.data_dir), ctx)
    win.show()
    yield win
    win.close()


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[LiveRelay]:
    """A real relay (SQLite, migrated) on a free port, on its own loop in a thread."""
    settings = Settings(data_dir=tmp_path / "relay", relay_key=b"r" * 32)
    with live_relay(create_app(settings)) as live:
        yield live


@pytest.fixture
def screenshot() -> Callable[[QWidget, str], Path]:
    """``screenshot(widget, "stores-wizard")`` saves a PNG artefact and returns its path."""

    def save(widget: QWidget, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        widget.grab().save(str(path))
        return path

    return save


def _qasync_loop() -> object:
    import qasync

    app = QApplication.instance() or QApplication([])
    app.setQuitOnLastWindowClosed(False)  # closing a test's window must not end its loop
    return qasync.QEventLoop(app)


def pytest_asyncio_loop_factories(config: object, item: object) -> dict[str, object]:
    """Async GUI tests run on qasync's loop, as the console does: awaiting lets Qt paint
    and deliver events, and ``@asyncSlot`` handlers run as they would in the app."""
    return {"qasync": _qasync_loop}
