"""The console application: one QApplication, one qasync loop, the context, the main window.

``STOREDESK_EXIT_AFTER_PAINT=1`` makes it print ``first-paint <unix time>`` when the main
window first paints, then ``ready <unix time>`` once the workspace is open and the first
screen filled, and quit (``bench/console_start.py`` measures cold start with it).
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from core import __version__

if TYPE_CHECKING:
    from console.context import ConsoleContext
    from console.local_relay import LocalRelay
    from console.window import MainWindow

EXIT_AFTER_PAINT = "STOREDESK_EXIT_AFTER_PAINT"


class FirstPaint(QObject):
    """Calls back once, at the watched widget's first paint (or after ``fallback_ms``, for a
    window that starts hidden or minimised)."""

    def __init__(
        self, watched: QObject, callback: Callable[[], None], fallback_ms: int = 1000
    ) -> None:
        super().__init__(watched)
        self._callback: Callable[[], None] | None = callback
        watched.installEventFilter(self)
        QTimer.singleShot(fallback_ms, self._fire)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            QTimer.singleShot(0, self._fire)  # after this paint is on screen
        return False

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            callback()


def application() -> QApplication:
    from console.theme import app_icon, apply_theme

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(sys.argv[:1])
    app.setApplicationName("Storedesk")
    app.setOrganizationName("Storedesk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("storedesk")
    app.setWindowIcon(app_icon())
    apply_theme(app)
    return app


def window_settings(data_dir: Path) -> QSettings:
    """Window size/position and last screen, kept in the workspace (not the user's config)."""
    return QSettings(str(data_dir / "console.ini"), QSettings.Format.IniFormat)


def run_console(data_dir: str | Path | None, *, demo: bool = False) -> int:
    """Open the console window and run until it is closed. The window paints first; the
    workspace is then opened (and migrated) off the UI thread. With ``demo``, the demo is set
    up (local relay, store, widget, publish) while the window shows; the relay stops on quit."""
    import qasync  # type: ignore[import-untyped]

    from console.window import MainWindow
    from core.workspace.paths import resolve_data_dir

    app = application()
    folder = resolve_data_dir(str(data_dir) if data_dir else None)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow(window_settings(folder))
    probe = os.environ.get(EXIT_AFTER_PAINT) == "1"
    opened: list[ConsoleContext] = []
    relays: list[LocalRelay] = []

    def painted() -> None:  # the workspace opens once the window is on screen
        if probe:
            print(f"first-paint {time.time():.6f}", flush=True)
        loop.create_task(start(window, folder, demo, opened, relays, probe=probe))

    FirstPaint(window, painted)
    window.show()
    _quit_on_signals(app)
    try:
        closed = asyncio.Event()
        app.aboutToQuit.connect(closed.set)
        with loop:
            loop.run_until_complete(closed.wait())
            for ctx in opened:
                loop.run_until_complete(ctx.aclose())
    finally:
        for relay in relays:
            relay.stop_now()
        asyncio.set_event_loop(None)
    return 0


def _quit_on_signals(app: QApplication) -> None:
    """Ctrl-C, SIGTERM or SIGHUP (the terminal closed) closes the console cleanly (the
    relay stops too). Python handles signals only when it runs, so a timer wakes it now
    and then."""
    for name in ("SIGINT", "SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: app.quit())
    wake = QTimer(app)
    wake.timeout.connect(lambda: None)
    wake.start(300)


async def _report_ready(window: MainWindow) -> None:
    view = window.current_view()
    if view is not None:
        await view.refresh()
    print(f"ready {time.time():.6f}", flush=True)
    QApplication.quit()


def _prepare(folder: Path) -> None:
    """The slow part of opening: loading the database code and migrating the workspace."""
    import console.context  # noqa: F401  (loads SQLAlchemy, the connectors, the vault)
    from core.workspace import Workspace

    Workspace.open(folder).close()


async def start(
    window: MainWindow,
    folder: Path,
    demo: bool,
    opened: list[ConsoleContext],
    relays: list[LocalRelay],
    *,
    probe: bool = False,
) -> None:
    """Open the workspace, give the window its screens, then the demo if asked for."""
    from console.errors import sentence_for
    from console.privacy_flow import apply_local_retention

    try:
        await asyncio.to_thread(_prepare, folder)
        from console.context import ConsoleContext

        ctx = ConsoleContext.open(folder)
    except Exception as err:
        window.show_opening_failed(sentence_for(err))
        return
    opened.append(ctx)
    window.attach(ctx)
    ctx.spawn(asyncio.to_thread(apply_local_retention, ctx.session.workspace), what="Retention")
    if probe:
        await _report_ready(window)
        return
    if demo:
        relay = _local_relay(ctx)
        relays.append(relay)
        window.show_screen("Dashboard")
        ctx.spawn(run_demo(ctx, relay, window), what="Setting up the demo")


def _local_relay(ctx: ConsoleContext) -> LocalRelay:
    from console.local_relay import LocalRelay

    return LocalRelay(ctx.data_dir / "relay")


async def run_demo(ctx: ConsoleContext, relay: LocalRelay, window: MainWindow) -> None:
    """The demo set-up on the window's loop: progress in the status bar, the storefront's
    address on the Dashboard and the terminal."""
    from console.commands.demo import storefront_lines
    from console.demo_setup import DEMO_STORE, set_up_demo

    def progress(phase: str, done: int, total: int | None) -> None:
        ctx.sync_state.emit(DEMO_STORE, phase, done, -1 if total is None else total)

    ctx.status.emit("Setting up the demo shop…")
    ready = await set_up_demo(
        ctx.session, ctx.http, relay, say=ctx.status.emit, sync_progress=progress
    )
    ctx.sync_state.emit(DEMO_STORE, "done", 0, 0)
    ctx.demo_url = ready.storefront_url
    print("\n".join(storefront_lines(ready, ctx.data_dir)), flush=True)
    for changed in (ctx.stores_changed, ctx.widgets_changed, ctx.relay_changed):
        changed.emit()
    window.show_screen("Dashboard")
