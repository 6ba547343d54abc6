"""The Inbox when things go wrong: a relay that drops mid-reply (the reply is kept, shown as
pending, retried and posted once), a conversation the relay no longer has (an erased shopper),
a conversation erased locally while open, a reply over the size limit; and canned replies."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from sqlalchemy import delete

from console.context import ConsoleContext
from console.inbox_live import REPLY_LIMIT
from console.views.inbox import InboxView
from core.workspace.models import ConversationRow
from tests.console.gui.helpers import wait_until
from tests.console.gui.inbox_helpers import FlakyProxy, Shopper, demo_on
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
async def view(ctx: ConsoleContext, relay: LiveRelay, qtbot: object) -> AsyncIterator[InboxView]:
    """The Inbox; closed and deleted before the relay stops (which blocks this loop)."""
    inbox = InboxView(ctx)
    inbox.resize(1200, 700)
    inbox.show()
    yield inbox
    await inbox.aclose()
    inbox.close()
    inbox.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
async def proxy(relay: LiveRelay) -> AsyncIterator[FlakyProxy]:
    flaky = FlakyProxy(relay.base_url)
    await flaky.start()
    yield flaky
    await flaky.close()


async def chat_in_inbox(
    view: InboxView, ctx: ConsoleContext, relay: LiveRelay, web: httpx.AsyncClient, url: str
) -> Shopper:
    ready = await demo_on(ctx, relay, url)
    ctx.relay_changed.emit()
    shopper = Shopper(web, relay.base_url, url)
    await shopper.start(ready.widget_key)
    await shopper.say("talk to a human")
    await wait_until(lambda: view.model.row_total() == 1, timeout=10)
    view.table.selectRow(0)
    await wait_until(lambda: view.panel.conversation is not None)
    return shopper


async def test_a_reply_the_relay_dropped_is_kept_retried_and_posted_once(
    view: InboxView, ctx: ConsoleContext, relay: LiveRelay, proxy: FlakyProxy
) -> None:
    async with httpx.AsyncClient(timeout=10) as web:
        shopper = await chat_in_inbox(view, ctx, relay, web, proxy.url)
        proxy.mode = "swallow"  # the relay gets the reply; its answer never comes back
        view.panel.reply.setPlainText("Your parcel left this morning.")
        QTest.keyClick(view.panel.reply, Qt.Key.Key_Return)
        await wait_until(lambda: "kept and will be sent" in view.panel.notice.text(), timeout=15)
        assert view.panel.reply.toPlainText() == ""  # not lost: it is in the thread, pending
        assert "waiting to be sent" in view.panel.transcript.toPlainText()
        [pending] = view.replies.queue.waiting()
        assert pending.text == "Your parcel left this morning."
        proxy.mode = "pass"
        await wait_until(lambda: not view.replies.queue.waiting(), timeout=15)
        agent = [m for m in await shopper.history() if m["role"] == "agent"]
        assert [m["text"] for m in agent] == ["Your parcel left this morning."]  # once
        await wait_until(lambda: "waiting to be sent" not in view.panel.transcript.toPlainText())
        assert "Your parcel left this morning." in view.panel.transcript.toPlainText()


async def test_replies_wait_while_the_relay_is_down(
    view: InboxView, ctx: ConsoleContext, relay: LiveRelay, proxy: FlakyProxy
) -> None:
    async with httpx.AsyncClient(timeout=10) as web:
        shopper = await chat_in_inbox(view, ctx, relay, web, proxy.url)
        proxy.mode = "refuse"
        view.panel.reply.setPlainText("First")
        view.panel.send.click()
        await wait_until(lambda: len(view.replies.queue.waiting()) == 1, timeout=10)
        view.panel.reply.setPlainText("Second")
        view.panel.send.click()
        await wait_until(lambda: len(view.replies.queue.waiting()) == 2, timeout=10)
        proxy.mode = "pass"
        await wait_until(lambda: not view.replies.queue.waiting(), timeout=20)
        agent = [m["text"] for m in await shopper.history() if m["role"] == "agent"]
        assert agent == ["First", "Second"]  # in the order written


async def test_a_conversation_the_relay_no_longer_has_keeps_the_reply(
    view: InboxView, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    await demo_on(ctx, relay)
    await view.live.aclose()  # only what this test feeds it
    events = [
        {
            "id": "e_erased",
            "seq": 1,
            "type": "message",
            "conversation_id": "c_erased0000000000000000000000000",
            "at": "2026-12-01T10:00:00Z",
            "data": {"message": {"id": "m_erased1", "role": "shopper", "text": "Hello?"}},
        }
    ]
    view.live._inbox.apply(events)
    view.reload()
    view.table.selectRow(0)
    await wait_until(lambda: view.panel.conversation is not None)
    view.panel.reply.setPlainText("Are you still there?")
    view.panel.send.click()
    await wait_until(lambda: "no longer on the relay" in view.panel.notice.text(), timeout=10)
    [kept] = view.replies.queue.of("c_erased0000000000000000000000000")
    assert kept.state == "failed" and kept.text == "Are you still there?"
    assert not view.replies.queue.waiting()  # not retried forever
    assert "not sent" in view.panel.transcript.toPlainText()


async def test_an_open_conversation_erased_here_says_so_and_keeps_the_draft(
    view: InboxView, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    async with httpx.AsyncClient(timeout=10) as web:
        shopper = await chat_in_inbox(view, ctx, relay, web, relay.base_url)
        view.panel.reply.setPlainText("A draft")
        with ctx.session.workspace.engine.begin() as connection:
            connection.execute(
                delete(ConversationRow).where(ConversationRow.id == shopper.conversation_id)
            )
        view.reload()
        assert "erased" in view.panel.header.text()
        assert view.panel.reply.toPlainText() == "A draft"
        assert not view.panel.send.isEnabled()


async def test_a_reply_over_the_limit_is_refused_and_kept(
    view: InboxView, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    async with httpx.AsyncClient(timeout=10) as web:
        shopper = await chat_in_inbox(view, ctx, relay, web, relay.base_url)
        huge = "x" * (REPLY_LIMIT + 500)
        view.panel.reply.setPlainText(huge)
        view.panel.send.click()
        await wait_until(lambda: "limited to 2,000 characters" in view.panel.notice.text())
        assert "this one has 2,500" in view.panel.notice.text()
        assert view.panel.reply.toPlainText() == huge
        assert not [m for m in await shopper.history() if m["role"] == "agent"]


async def test_canned_replies_are_edited_and_inserted_with_a_slash(
    view: InboxView, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    async with httpx.AsyncClient(timeout=10) as web:
        shopper = await chat_in_inbox(view, ctx, relay, web, relay.base_url)
        dialog = view.edit_canned()
        dialog.shortcut.setText("Ship!")
        dialog.text.setPlainText("Shipping is free over 50 EUR.")
        assert not dialog.save()
        assert "lower-case letters" in dialog.error.text()
        dialog.shortcut.setText("shipping")
        assert dialog.save() and dialog.list.count() == 1
        dialog.close()
        box = view.panel.reply
        box.setFocus()
        QTest.keyClicks(box, "/ship")
        assert box.completer.completionCount() == 1
        box.completer.popup().hide()
        QTest.keyClicks(box, "ping")
        QTest.keyClick(box, Qt.Key.Key_Return)  # expands the shortcut; a second Enter sends
        assert box.toPlainText() == "Shipping is free over 50 EUR."
        QTest.keyClick(box, Qt.Key.Key_Return)
        await wait_until(lambda: "Shipping is free" in view.panel.transcript.toPlainText())
        await wait_until(lambda: not view.replies.queue.of(shopper.conversation_id), timeout=10)
        agent = [m["text"] for m in await shopper.history() if m["role"] == "agent"]
        assert agent == ["Shipping is free over 50 EUR."]
