"""The main window: its screens, shortcuts, remembered geometry and screen, errors shown as
sentences, the About box, and the publish flow (summary, confirmation) against a real relay."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSize

from console.app import run_demo, window_settings
from console.commands.store import connection_for_demo
from console.context import ConsoleContext
from console.local_relay import LocalRelay, free_port
from console.window import MainWindow
from core import __version__
from relay.keys import STORE
from tests.console.gui.helpers import Shot, pair_with, press, question_box, wait_until
from tests.relay.live import LiveRelay


def published_at(ctx: ConsoleContext) -> object:
    entry = ctx.widgets.get("Shop chat")
    assert entry is not None
    return entry.published_at


def sidebar_titles(win: MainWindow) -> list[str]:
    return [win.sidebar.item(i).text() for i in range(win.sidebar.count())]


async def test_the_sidebar_has_every_screen_and_shortcuts_switch_them(
    window: MainWindow, screenshot: Shot
) -> None:
    assert sidebar_titles(window) == [
        "Dashboard",
        "Inbox",
        "Widgets",
        "Knowledge base",
        "Stores",
        "Settings",
        "Leads",
        "Analytics",
        "Activity",
        "Privacy",
    ]
    assert window.current_view().title == "Dashboard"
    shortcuts = {a.shortcut().toString(): a for a in window.actions()}
    shortcuts["Ctrl+5"].trigger()
    assert window.current_view().title == "Stores"
    shortcuts["Ctrl+,"].trigger()
    assert window.current_view().title == "Settings"
    shortcuts["Ctrl+8"].trigger()
    assert window.current_view().title == "Analytics"
    assert "Ctrl+0" not in shortcuts  # the tenth screen (Privacy) has none
    assert "Ctrl+Q" in shortcuts and "F5" in shortcuts
    window.ctx.navigate.emit("Widgets")
    assert window.current_view().title == "Widgets"
    window.ctx.navigate.emit("Dashboard")
    await wait_until(lambda: window.relay_state.text() == "Relay: not paired")
    window.resize(1100, 720)
    screenshot(window, "window")


async def test_size_and_last_screen_are_remembered(ctx: ConsoleContext, qtbot: object) -> None:
    first = MainWindow(window_settings(ctx.data_dir), ctx)
    first.show()
    first.resize(780, 540)
    first.show_screen("Knowledge base")
    first.close()

    second = MainWindow(window_settings(ctx.data_dir), ctx)
    second.show()
    try:
        assert second.current_view().title == "Knowledge base"
        assert second.size() == QSize(780, 540)
    finally:
        second.close()


async def test_an_error_is_a_sentence_in_a_message_box(window: MainWindow) -> None:
    async def fails() -> None:
        raise ConnectionError("boom")

    window.ctx.spawn(fails(), what="Syncing demo")
    await wait_until(lambda: window.error_box is not None and window.error_box.isVisible())
    assert window.error_box is not None
    assert window.error_box.text() == "Syncing demo did not work."
    assert "Traceback" not in window.error_box.informativeText()
    assert window.error_box.informativeText().endswith("with -v to log the details.")
    window.error_box.close()


async def test_about_shows_the_version(window: MainWindow) -> None:
    window.show_about()
    assert window.about_box is not None and __version__ in window.about_box.text()
    window.about_box.close()


async def test_publishing_unpaired_says_how_to_pair(window: MainWindow) -> None:
    window.ctx.publish_requested.emit()
    await wait_until(lambda: window.last_error is not None)
    assert window.last_error is not None and "Pair it in Settings" in window.last_error[1]


async def test_publish_shows_what_will_change_and_asks_first(
    window: MainWindow, relay: LiveRelay, screenshot: Shot
) -> None:
    ctx = window.ctx
    settings, secrets = connection_for_demo()
    ctx.session.stores.add("demo", "sql", settings, secrets)
    widget = ctx.widgets.create("Shop chat", store="demo")
    await pair_with(ctx, relay)
    ctx.relay_changed.emit()
    await wait_until(lambda: window.relay_state.text().startswith("Relay: online"))

    ctx.publish_requested.emit()
    await wait_until(lambda: question_box() is not None)
    box = question_box()
    assert box is not None
    assert f"to {relay.base_url}?" in box.text()
    assert f"1 added ({widget.key} 'Shop chat')" in box.informativeText()
    screenshot(box, "publish-confirmation")
    press(box, "Cancel")
    await wait_until(lambda: "nothing was sent" in window.statusBar().currentMessage())
    assert published_at(ctx) is None

    ctx.publish_requested.emit()
    await wait_until(lambda: question_box() is not None)
    box = question_box()
    assert box is not None
    press(box, "Publish")
    await wait_until(lambda: published_at(ctx) is not None)
    assert relay.app[STORE].widget_count() == 1

    await wait_until(lambda: not window._publishing)  # the publish has finished, not just saved
    ctx.publish_requested.emit()  # again: the relay already has it, so nothing is asked
    await wait_until(lambda: "Nothing to publish" in window.statusBar().currentMessage())
    assert question_box() is None


async def test_the_status_bar_says_when_the_relay_is_older_than_the_console(
    window: MainWindow, relay: LiveRelay, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("relay.routes.console.__version__", "0.0.9")  # a relay not yet updated
    await pair_with(window.ctx, relay)
    window.ctx.relay_changed.emit()
    await wait_until(lambda: window.relay_state.text() == "Relay: online · 0.0.9 · update it")
    assert "Your relay runs Storedesk 0.0.9, older than" in window.relay_state.toolTip()


async def test_the_demo_opens_on_the_dashboard_with_the_storefront_button(
    ctx: ConsoleContext, qtbot: object, screenshot: Shot, capsys: pytest.CaptureFixture[str]
) -> None:
    win = MainWindow(window_settings(ctx.data_dir), ctx)
    win.show()
    relay = LocalRelay(ctx.data_dir / "relay", port=free_port())
    try:
        win.show_screen("Stores")
        await run_demo(ctx, relay, win)
        dashboard = win.views[0]
        assert win.current_view() is dashboard
        assert ctx.demo_url is not None and ctx.demo_url.startswith(f"{relay.url}/demo/wk_")
        assert (
            f"The demo storefront, with the chat widget: {ctx.demo_url}" in capsys.readouterr().out
        )
        await wait_until(lambda: dashboard.demo_box.isVisible())
        await wait_until(lambda: "Online" in dashboard.relay_label.text(), timeout=15)
        await wait_until(lambda: not dashboard.next_box.isVisible(), timeout=15)
        assert dashboard.stores.data(dashboard.stores.index(0, 2)) == "120"
        screenshot(win, "window-demo")
    finally:
        await relay.stop()
        win.close()
