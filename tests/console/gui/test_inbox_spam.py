"""Spam in the Inbox, on a real relay: a shopper who breaks the widget's rules is kept out
of the conversations (no notification, not unread) and waits under the Spam filter; "Not
spam" restores the conversation, and the bot answers its next message."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication

from console import publish_flow
from console.app import window_settings
from console.context import ConsoleContext
from console.views.inbox import SPAM_FILTER, InboxView
from console.window import MainWindow
from tests.console.gui.helpers import Shot, wait_until
from tests.console.gui.inbox_helpers import Shopper, demo_on
from tests.relay.live import LiveRelay

pytestmark = [
    pytest.mark.filterwarnings("ignore:coroutine 'connect_tcp.<locals>.try_connect'"),
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <coroutine object connect_tcp"
        ":pytest.PytestUnraisableExceptionWarning"
    ),
]
NEUTRAL = "Thanks for your message."


@pytest.fixture
async def window(ctx: ConsoleContext, relay: LiveRelay, qtbot: object) -> AsyncIterator[MainWindow]:
    win = MainWindow(window_settings(ctx.data_dir), ctx)
    win.resize(1280, 800)
    win.show()
    yield win
    view = next(v for v in win.views if isinstance(v, InboxView))
    await view.aclose()
    win.close()
    win.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


async def test_spam_waits_under_its_filter_until_not_spam(
    window: MainWindow, ctx: ConsoleContext, relay: LiveRelay, screenshot: Shot
) -> None:
    ready = await demo_on(ctx, relay)
    entry = ctx.widgets.get(ready.widget_key)
    assert entry is not None
    ctx.widgets.update(entry, {"spam": {"words": ["casino"]}})
    client, link = ctx.relay_client(), ctx.relay_link()
    assert client is not None and link is not None
    await publish_flow.publish(ctx.session, client, link)
    ctx.relay_changed.emit()
    window.show_screen("Inbox")
    inbox = next(v for v in window.views if isinstance(v, InboxView))

    async with httpx.AsyncClient(timeout=10) as web:
        shopper = Shopper(web, relay.base_url, relay.base_url)
        await shopper.start(ready.widget_key)
        answer = await shopper.say("casino bonus! also I want to talk to a human")
        assert answer[-1]["text"] == NEUTRAL
        await wait_until(
            lambda: inbox.reader.conversation(shopper.conversation_id) is not None
            and inbox.reader.conversation(shopper.conversation_id).spam is not None,  # type: ignore[union-attr]
            timeout=10,
        )
        assert inbox.model.row_total() == 0 and inbox.reader.unread() == 0
        assert not [n for n in window.notifications if "person" in n[0]]

        inbox.status_filter.setCurrentIndex(inbox.status_filter.findData(SPAM_FILTER))
        await wait_until(lambda: inbox.model.row_total() == 1)
        inbox.table.selectRow(0)
        panel = inbox.panel
        await wait_until(lambda: panel.conversation is not None)
        assert "spam" in panel.header.text() and "word casino" in panel.header.text()
        assert panel.not_spam.isVisible() and not panel.spam_button.isVisible()
        assert "casino bonus" in panel.transcript.toPlainText()
        screenshot(window, "inbox-spam")

        panel.not_spam.click()
        await wait_until(
            lambda: inbox.reader.conversation(shopper.conversation_id).spam is None,  # type: ignore[union-attr]
            timeout=10,
        )
        await wait_until(lambda: inbox.model.row_total() == 0)
        again = await shopper.say("What is your return policy?")
        assert again[-1]["role"] == "bot" and again[-1]["text"] != NEUTRAL
        inbox.status_filter.setCurrentIndex(0)
        await wait_until(lambda: inbox.model.row_total() == 1)
        await shopper.stop()
