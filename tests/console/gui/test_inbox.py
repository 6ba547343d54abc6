"""The Inbox, end to end on a real relay: a shopper asks for a person, the console shows it
(with a notification and the unread count), the merchant answers and the shopper sees it live,
typing shows both ways, an order card goes out, the merchant closes the chat and the shopper's
rating comes back and shows in Analytics."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from console.app import window_settings
from console.context import ConsoleContext
from console.views.analytics import AnalyticsView
from console.views.inbox import InboxView
from console.window import MainWindow
from tests.console.gui.helpers import Shot, wait_until
from tests.console.gui.inbox_helpers import Shopper, demo_on
from tests.relay.live import LiveRelay

# anyio leaves a happy-eyeballs connect coroutine un-awaited when a connection attempt is
# cancelled as the test's loop winds down; that is its clean-up, not this code's.
pytestmark = [
    pytest.mark.filterwarnings("ignore:coroutine 'connect_tcp.<locals>.try_connect'"),
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <coroutine object connect_tcp"
        ":pytest.PytestUnraisableExceptionWarning"
    ),
]


@pytest.fixture
async def window(ctx: ConsoleContext, relay: LiveRelay, qtbot: object) -> AsyncIterator[MainWindow]:
    """The console; closed and deleted before the relay stops (which blocks this loop)."""
    win = MainWindow(window_settings(ctx.data_dir), ctx)
    win.resize(1280, 800)
    win.show()
    yield win
    await inbox_of(win).aclose()
    win.close()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
async def web() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client
        for shopper in Shopper.listening:  # a failed test leaves no stream behind
            await shopper.stop()


def inbox_of(window: MainWindow) -> InboxView:
    view = next(v for v in window.views if v.title == "Inbox")
    assert isinstance(view, InboxView)
    return view


async def test_the_whole_loop_from_handoff_to_rating(
    window: MainWindow,
    ctx: ConsoleContext,
    relay: LiveRelay,
    web: httpx.AsyncClient,
    screenshot: Shot,
) -> None:
    ready = await demo_on(ctx, relay)
    ctx.relay_changed.emit()
    window.show_screen("Inbox")
    inbox = inbox_of(window)
    shopper = Shopper(web, relay.base_url, relay.base_url)
    await shopper.start(ready.widget_key, f"{relay.base_url}/products/kettle?utm=mail#buy")
    await shopper.say("where is my order 1001")
    await shopper.say("alice@example.com")  # verified: the bot shows the order card
    await shopper.say("I want to talk to a human")

    # the console shows it without a manual pull, with a notification and the unread count
    await wait_until(lambda: inbox.model.row_total() == 1, timeout=10)
    await wait_until(lambda: ("A shopper asks for a person", "Visitor") in window.notifications)
    line = inbox.model.record(0)
    assert line is not None and line.status == "waiting" and line.unread == 3
    assert window.sidebar.item(1).text() == "Inbox (1)"
    assert window.windowTitle() == "Storedesk — 1 unread"
    assert "1 unread conversation" in window.tray_tip

    shopper.listen()
    inbox.table.selectRow(0)
    panel = inbox.panel
    await wait_until(lambda: "Recent orders" in panel.profile.text())
    assert "Alice Martin" in panel.profile.text() and "#1001" in panel.profile.text()
    page = f"{relay.base_url}/products/kettle"  # the page the chat started on, no query
    assert f"<a href='{page}'>{page}</a>" in panel.page.text() and "utm" not in panel.page.text()
    transcript = panel.transcript.toPlainText()
    assert "Order #1001" in transcript and "I want to talk to a human" in transcript
    assert window.sidebar.item(1).text() == "Inbox"  # read once opened

    # the shopper types: the console shows it
    assert (await shopper.post("typing")).status_code == 200
    await wait_until(lambda: panel.typing.text() == "The shopper is typing…")

    # the merchant assigns, types (the shopper sees "typing"), answers with Enter
    panel.assign.click()
    await wait_until(
        lambda: any("joined the chat" in m["text"] for m in shopper.messages("system"))
    )
    panel.reply.setFocus()
    QTest.keyClicks(panel.reply, "Hi Alice, I am looking at it")
    await wait_until(lambda: any(e == "typing" for e, _ in shopper.received))
    QTest.keyClick(panel.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    QTest.keyClicks(panel.reply, "right now.")
    QTest.keyClick(panel.reply, Qt.Key.Key_Return)
    await wait_until(lambda: shopper.messages("agent"), timeout=5)
    assert shopper.messages("agent")[0]["text"] == "Hi Alice, I am looking at it\nright now."
    assert panel.reply.toPlainText() == ""

    # an order card from the picker
    [action] = [a for a in panel.card_menu.actions() if "#1001" in a.text()]
    action.trigger()
    await wait_until(lambda: len(shopper.messages("agent")) == 2)
    card = shopper.messages("agent")[1]["cards"][0]
    assert card["type"] == "order" and card["number"] == "1001" and card["items"]

    # the merchant closes; the shopper is asked to rate and rates
    panel.close_button.click()
    await wait_until(lambda: any(m.get("form") == "rating" for m in shopper.messages("system")))
    assert (await shopper.post("feedback", {"rating": 5})).status_code == 200
    await wait_until(lambda: "rated this chat 5/5" in panel.transcript.toPlainText(), timeout=10)
    line = inbox.reader.conversation(shopper.conversation_id)
    assert line is not None and line.status == "closed" and line.rating == 5
    assert not panel.close_button.isVisible() and panel.reopen.isVisible()
    await shopper.stop()
    screenshot(window, "inbox")

    # the rating shows in Analytics
    window.show_screen("Analytics")
    analytics = next(v for v in window.views if isinstance(v, AnalyticsView))
    await analytics.refresh()
    assert analytics.ratings_total() == 1
    assert [rating for _, rating in analytics.satisfaction_points()] == [5.0]


async def test_filters_and_search_find_conversations(
    window: MainWindow, ctx: ConsoleContext, relay: LiveRelay, web: httpx.AsyncClient
) -> None:
    ready = await demo_on(ctx, relay)
    ctx.relay_changed.emit()
    inbox = inbox_of(window)
    first, second = (Shopper(web, relay.base_url, relay.base_url) for _ in range(2))
    for shopper in (first, second):
        await shopper.start(ready.widget_key)
    await first.say("where is my order 1002")
    await second.say("talk to a human please")
    await wait_until(lambda: inbox.model.row_total() == 2, timeout=10)

    def newest() -> str | None:
        line = inbox.model.record(0)
        return line.status if line is not None and line.id == second.conversation_id else None

    await wait_until(lambda: newest() == "waiting", timeout=10)  # newest activity first
    inbox.status_filter.setCurrentIndex(inbox.status_filter.findData("waiting"))
    assert inbox.model.row_total() == 1
    inbox.status_filter.setCurrentIndex(0)
    inbox.search.setText("1002")
    await wait_until(lambda: inbox.model.row_total() == 1)
    found = inbox.model.record(0)
    assert found is not None and found.id == first.conversation_id
    inbox.search.setText("nothing like this")
    await wait_until(lambda: inbox.model.row_total() == 0)
    assert inbox.count.text() == "0 conversations"
