"""The Inbox of a console that shares its relay with a team, on a real relay: each reply is
named after who wrote it ("You" only for this console's own), and a console paired as a
viewer reads conversations with its reply box and actions off, saying why."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from console.context import ConsoleContext, utc_now
from console.relay_client import RelayClient
from console.team import VIEWER_INBOX
from console.views.inbox import InboxView
from core.signing import new_private_key
from tests.console.gui.helpers import Shot, wait_until
from tests.console.gui.inbox_helpers import Shopper, demo_on
from tests.console.gui.test_inbox import inbox_of, web, window  # noqa: F401 (fixtures)
from tests.console.gui.test_team_view import invite_code
from tests.relay.live import LiveRelay

pytestmark = [
    pytest.mark.filterwarnings("ignore:coroutine 'connect_tcp.<locals>.try_connect'"),
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <coroutine object connect_tcp"
        ":pytest.PytestUnraisableExceptionWarning"
    ),
]


@pytest.fixture
async def teammate(relay: LiveRelay) -> AsyncIterator[RelayClient]:
    """Another console on the same relay, paired as an admin with an invite."""
    async with httpx.AsyncClient() as http:
        client = RelayClient(relay.base_url, new_private_key(), http, utc_now)
        await client.pair(invite_code(relay, "admin"), "Sam's laptop")
        yield client


async def chat_waiting(
    inbox: InboxView,
    ctx: ConsoleContext,
    relay: LiveRelay,
    web: httpx.AsyncClient,  # noqa: F811
) -> Shopper:
    ready = await demo_on(ctx, relay)
    shopper = Shopper(web, relay.base_url, relay.base_url)
    await shopper.start(ready.widget_key)
    await shopper.say("I want to talk to a human")
    ctx.relay_changed.emit()  # the console follows the relay and asks who it is there
    await wait_until(lambda: inbox.model.row_total() == 1, timeout=10)
    await wait_until(lambda: ctx.console_id is not None)
    inbox.table.selectRow(0)
    await wait_until(lambda: "talk to a human" in inbox.panel.transcript.toPlainText())
    return shopper


async def test_replies_are_named_after_who_wrote_them(
    window: object,  # noqa: F811
    ctx: ConsoleContext,
    relay: LiveRelay,
    web: httpx.AsyncClient,  # noqa: F811
    teammate: RelayClient,
    screenshot: Shot,
) -> None:
    window.show_screen("Inbox")  # type: ignore[attr-defined]
    inbox = inbox_of(window)  # type: ignore[arg-type]
    shopper = await chat_waiting(inbox, ctx, relay, web)
    panel = inbox.panel
    inbox.agent_name.setText("Ana")
    panel.reply.setPlainText("Hello, Ana here.")
    panel.send.click()
    await wait_until(lambda: "Hello, Ana here." in panel.transcript.toPlainText())
    await teammate.reply(shopper.conversation_id, "Sam here, I checked too.", "Sam")
    await inbox.live.pull(ctx.relay_client())  # type: ignore[arg-type]
    await wait_until(lambda: "Sam here" in panel.transcript.toPlainText())
    lines = panel.transcript.toPlainText().splitlines()
    assert lines[lines.index("Hello, Ana here.") - 1].startswith("You ")
    assert lines[lines.index("Sam here, I checked too.") - 1].startswith("Sam ")
    said = {m["author"] for m in await shopper.history() if m["role"] == "agent"}
    assert said == {"Ana", "Sam"}  # the shopper sees the names, never a console id
    screenshot(window, "inbox-team-authors")  # type: ignore[arg-type]


async def test_a_viewer_reads_but_cannot_answer(
    window: object,  # noqa: F811
    ctx: ConsoleContext,
    relay: LiveRelay,
    web: httpx.AsyncClient,  # noqa: F811
    teammate: RelayClient,
    screenshot: Shot,
) -> None:
    window.show_screen("Inbox")  # type: ignore[attr-defined]
    inbox = inbox_of(window)  # type: ignore[arg-type]
    await chat_waiting(inbox, ctx, relay, web)
    panel = inbox.panel
    assert panel.reply.isEnabled() and panel.role_note.isHidden()

    await teammate.set_role(str(ctx.console_id), "viewer")  # Sam, an admin, demotes it
    ctx.relay_changed.emit()
    await wait_until(lambda: ctx.role == "viewer")
    assert not panel.reply.isEnabled() and not panel.send.isEnabled()
    for button in (panel.assign, panel.close_button, panel.spam_button, panel.card_button):
        assert not button.isEnabled(), button.objectName()
    assert not panel.canned_button.isEnabled() and not inbox.agent_name.isEnabled()
    assert not panel.role_note.isHidden() and panel.role_note.text() == VIEWER_INBOX
    assert "Viewer: you can read conversations but not answer them" in VIEWER_INBOX
    assert "talk to a human" in panel.transcript.toPlainText()  # it still reads
    screenshot(window, "inbox-viewer")  # type: ignore[arg-type]

    await teammate.set_role(str(ctx.console_id), "agent")
    ctx.relay_changed.emit()
    await wait_until(lambda: ctx.role == "agent")
    assert panel.reply.isEnabled() and panel.assign.isEnabled() and panel.role_note.isHidden()
