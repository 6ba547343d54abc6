"""Spam in the Inbox, on a real relay: a shopper who breaks the widget's rules is kept out
of the conversations (no notification, not unread) and waits under the Spam filter; "Not
spam" restores the conversation, and the bot answers its next message."""

from __future__ import annotations

import httpx

from console import publish_flow
from console.context import ConsoleContext
from console.views.inbox import SPAM_FILTER
from console.window import MainWindow
from tests.console.gui.helpers import Shot, wait_until
from tests.console.gui.inbox_helpers import Shopper, demo_on
from tests.console.gui.test_inbox import inbox_of, pytestmark, window  # noqa: F401 (fixture)
from tests.relay.live import LiveRelay

NEUTRAL = "Thanks for your message."


async def test_spam_waits_under_its_filter_until_not_spam(
    window: MainWindow,  # noqa: F811 (a fixture)
    ctx: ConsoleContext,
    relay: LiveRelay,
    screenshot: Shot,
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
    inbox = inbox_of(window)

    async with httpx.AsyncClient(timeout=10) as web:
        shopper = Shopper(web, relay.base_url, relay.base_url)
        await shopper.start(ready.widget_key)
        answer = await shopper.say("casino bonus! also I want to talk to a human")
        assert answer[-1]["text"] == NEUTRAL
        await wait_until(
            lambda: (
                inbox.reader.conversation(shopper.conversation_id) is not None
                and inbox.reader.conversation(shopper.conversation_id).spam is not None
            ),  # type: ignore[union-attr]
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
        # the widget's own rule stays: the merchant is told it still catches this chat
        await wait_until(lambda: "“word casino”" in panel.notice.text(), timeout=10)
        assert "still matches the rule “word casino”" in panel.notice.text()
        assert "a message with that word will be taken for spam again" in panel.notice.text()
        again = await shopper.say("What is your return policy?")
        assert again[-1]["role"] == "bot" and again[-1]["text"] != NEUTRAL
        inbox.status_filter.setCurrentIndex(0)
        await wait_until(lambda: inbox.model.row_total() == 1)
        await shopper.stop()


async def test_not_spam_says_when_a_blocked_address_will_catch_the_chat_again(
    window: MainWindow,  # noqa: F811 (a fixture)
    ctx: ConsoleContext,
    relay: LiveRelay,
    screenshot: Shot,
) -> None:
    ready = await demo_on(ctx, relay)
    entry = ctx.widgets.get(ready.widget_key)
    assert entry is not None
    ctx.widgets.update(entry, {"spam": {"ips": ["127.0.0.1"]}})  # the test shopper's address
    client, link = ctx.relay_client(), ctx.relay_link()
    assert client is not None and link is not None
    await publish_flow.publish(ctx.session, client, link)
    ctx.relay_changed.emit()
    window.show_screen("Inbox")
    inbox = inbox_of(window)
    inbox.status_filter.setCurrentIndex(inbox.status_filter.findData(SPAM_FILTER))

    async with httpx.AsyncClient(timeout=10) as web:
        shopper = Shopper(web, relay.base_url, relay.base_url)
        await shopper.start(ready.widget_key)
        assert (await shopper.say("hello"))[-1]["text"] == NEUTRAL
        await wait_until(lambda: inbox.model.row_total() == 1, timeout=10)
        inbox.table.selectRow(0)
        panel = inbox.panel
        await wait_until(lambda: panel.conversation is not None)
        panel.not_spam.click()
        await wait_until(lambda: "127.0.0.1/32" in panel.notice.text(), timeout=10)
        notice = panel.notice.text()
        assert (
            "still matches the rule “ip 127.0.0.1/32”: its next message will be taken for "
            "spam again" in notice
        )
        assert f"Widgets → {entry.name} → Spam" in notice
        screenshot(window, "inbox-not-spam-still-blocked")
        # nothing was lifted behind the merchant's back
        assert (await shopper.say("hello?"))[-1]["text"] == NEUTRAL
        await shopper.stop()
