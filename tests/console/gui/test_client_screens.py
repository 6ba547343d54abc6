"""Agency mode on the last three screens: the Activity screen follows the chosen client, the
Privacy screen says whose customer each finding is (and still erases everywhere), and desktop
notifications are titled with the shopper's client whichever client is chosen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import update

from console.context import ConsoleContext
from console.views.activity import ActivityView
from console.views.inbox import InboxView
from console.views.privacy import PrivacyView
from console.window import MainWindow
from core.privacy import Shopper
from core.workspace.activity import record
from core.workspace.leads import LeadRepository
from core.workspace.models import ConversationRow
from core.workspace.privacy import PrivacyRepository
from tests.console.gui.helpers import wait_until
from tests.console.gui.test_clients import agency, screen
from tests.core.test_clients import add_chat

EMAIL = "ann@example.com"


@pytest.fixture
def activity(ctx: ConsoleContext) -> Iterator[ActivityView]:
    view = ActivityView(ctx)
    view.show()
    yield view
    view.close()


def _seen(view: ActivityView) -> set[tuple[str, str]]:
    return {(a.action, a.subject or "") for a in view.model.rows()}


async def test_the_activity_screen_follows_the_chosen_client(
    ctx: ConsoleContext, activity: ActivityView
) -> None:
    clients = agency(ctx)
    acme_chat, bolt_chat = ctx.widgets.get("Acme chat"), ctx.widgets.get("Bolt chat")
    assert acme_chat is not None and bolt_chat is not None
    ctx.knowledge.add(acme_chat.id, "Do you ship to Canada?", "Yes, in five days.")
    ctx.knowledge.add(bolt_chat.id, "Do you rent bikes?", "Only e-bikes.")
    LeadRepository(ctx.session.workspace).set_notes("bolt-1-lead", "call back")
    workspace = ctx.session.workspace
    record(workspace, "store.synced", "acme-shop", {"created": 3})
    record(workspace, "relay.paired", "https://relay.example")  # about no client
    record(workspace, "widget.changed", "Acme chat", {"fields": ["title"]})  # no id: by name
    ctx.clients.rename(clients.bolt, "Bolt Cycles")

    ctx.choose_client(clients.acme.id)
    acme = _seen(activity)
    assert acme == {
        ("client.added", "Acme"),
        ("store.connected", "acme-shop"),
        ("store.synced", "acme-shop"),
        ("widget.created", "Acme chat"),
        ("widget.changed", "Acme chat"),
        ("knowledge.changed", "Do you ship to Canada?"),
    }
    assert "About Acme only." in activity.count.text()

    ctx.choose_client(clients.bolt.id)
    bolt = _seen(activity)
    assert ("lead.changed", "bolt-1") in bolt
    assert ("client.renamed", "Bolt Cycles") in bolt and (
        "knowledge.changed",
        "Do you rent bikes?",
    ) in bolt
    assert not {subject for _, subject in bolt} & {"Acme", "acme-shop", "Acme chat", "Loose chat"}

    activity.search.setText("canada")  # the filters still apply within the client
    ctx.choose_client(clients.acme.id)
    assert _seen(activity) == {("knowledge.changed", "Do you ship to Canada?")}
    activity.search.clear()

    ctx.choose_client(None)  # all clients: everything, including what belongs to none
    everyone = _seen(activity)
    assert acme | bolt < everyone
    assert ("relay.paired", "https://relay.example") in everyone
    assert ("widget.created", "Loose chat") in everyone
    assert "About" not in activity.count.text()


async def test_privacy_findings_name_each_client_and_erasure_stays_global(
    ctx: ConsoleContext,
) -> None:
    clients = agency(ctx)
    workspace = ctx.session.workspace
    with workspace.engine.begin() as connection:  # the same shopper chatted with both clients
        connection.execute(
            update(ConversationRow)
            .where(ConversationRow.id.in_(["acme-1", "bolt-2"]))
            .values(customer_email=EMAIL)
        )
    ctx.choose_client(clients.acme.id)  # a chosen client narrows nothing here
    view = PrivacyView(ctx)

    async def yes(_: str) -> bool:
        return True

    view.confirm = yes
    view.email.setText(EMAIL)
    findings = await view.find_shopper()
    assert findings is not None
    assert not view.table.isColumnHidden(1)
    rows = {(r[1], r[2], r[4]) for r in view.model.rows()}
    assert ("Acme", "conversation", "acme-1") in rows
    assert ("Bolt Bikes", "conversation", "bolt-2") in rows
    assert ("Acme", "contact lead", "acme-1") in rows
    assert ("Acme", "message (shopper)", "where is acme-1?") in rows
    assert "Customer of Acme, Bolt Bikes (the erasure covers every client)." in (
        view.summary.text()
    )

    erased = await view.erase()
    assert erased is not None and erased.local["conversations"] == 2
    assert PrivacyRepository(workspace).find(Shopper(EMAIL, None)).empty
    view.close()


async def test_privacy_findings_have_no_client_column_without_clients(
    ctx: ConsoleContext,
) -> None:
    widget = ctx.widgets.create("Shop chat", store=None)
    add_chat(ctx.session.workspace, "c-1", widget.id, lead=False)
    with ctx.session.workspace.engine.begin() as connection:
        connection.execute(update(ConversationRow).values(customer_email=EMAIL))
    view = PrivacyView(ctx)
    view.email.setText(EMAIL)
    await view.find_shopper()
    assert view.model.rows() and view.table.isColumnHidden(1)
    assert "Customer of" not in view.summary.text()
    view.close()


async def test_notifications_name_the_client_whichever_client_is_chosen(
    window: MainWindow, ctx: ConsoleContext
) -> None:
    clients = agency(ctx)
    loose = ctx.widgets.get("Loose chat")
    assert loose is not None
    add_chat(ctx.session.workspace, "loose-1", loose.id, lead=False)
    ctx.choose_client(clients.acme.id)
    inbox = screen(window, InboxView)
    assert isinstance(inbox, InboxView)
    lead = {"lead": {"name": "Ann", "kind": "appointment"}}
    inbox.live.arrived.emit(
        [
            {"type": "handoff.requested", "conversation_id": "bolt-2"},  # not the chosen one
            {"type": "lead", "conversation_id": "acme-1", "data": lead},
            {"type": "handoff.requested", "conversation_id": "loose-1"},  # a widget of no client
        ]
    )
    await wait_until(lambda: len(window.notifications) == 3)
    titles = [title for title, _ in window.notifications]
    assert titles == [
        "Bolt Bikes: A shopper asks for a person",
        "Acme: New appointment request",
        "A shopper asks for a person",
    ]
    assert window.notifications[1][1] == "Ann"
