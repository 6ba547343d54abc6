"""Clients (agency mode) in the workspace: adding, renaming, removing without orphaning,
stores and widgets given to clients, and every list narrowed to one client."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert

from core.analytics.series import Period, daily_series, unanswered_questions
from core.vault import Vault
from core.workspace import Workspace
from core.workspace.clients import ClientError, ClientInUse, ClientRepository
from core.workspace.inbox_browse import InboxFilter, InboxReader
from core.workspace.leads import LeadRepository
from core.workspace.models import ConversationRow, LeadRow, MessageRow
from core.workspace.stores import StoreRepository
from core.workspace.widgets import WidgetRepository

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "ws")
    yield ws
    ws.close()


class Agency:
    """Two clients, each with a store and a widget, and one widget without a client."""

    def __init__(self, workspace: Workspace) -> None:
        vault = Vault.open(workspace.data_dir)
        self.clients = ClientRepository(workspace)
        self.stores = StoreRepository(workspace, vault)
        self.widgets = WidgetRepository(workspace, vault)
        self.acme = self.clients.add("Acme", "ops@acme.example")
        self.bolt = self.clients.add("Bolt Bikes")
        self.stores.add("acme-shop", "sql", {}, {}, client_id=self.acme.id)
        self.stores.add("bolt-shop", "sql", {}, {})
        self.clients.assign_store("bolt-shop", self.bolt)
        self.acme_chat = self.widgets.create("Acme chat", store="acme-shop")
        self.bolt_chat = self.widgets.create("Bolt chat", store="bolt-shop")
        self.loose = self.widgets.create("Loose chat", store=None)


@pytest.fixture
def agency(workspace: Workspace) -> Agency:
    return Agency(workspace)


def test_a_widget_follows_its_stores_client_unless_set_on_its_own(agency: Agency) -> None:
    assert (agency.acme_chat.client, agency.bolt_chat.client) == ("Acme", "Bolt Bikes")
    own = agency.widgets.create("Bolt for Acme", store="bolt-shop", client_id=agency.acme.id)
    assert own.client == "Acme"

    agency.clients.assign_store("bolt-shop", agency.acme)  # the store changes hands
    assert agency.widgets.get("Bolt chat").client == "Acme"  # type: ignore[union-attr]
    agency.clients.assign_store("bolt-shop", agency.bolt)
    assert agency.widgets.get("Bolt chat").client == "Bolt Bikes"  # type: ignore[union-attr]
    assert agency.widgets.get("Bolt for Acme").client == "Acme"  # type: ignore[union-attr]

    moved = agency.widgets.update(agency.acme_chat, {"store": "bolt-shop"})
    assert moved.client == "Bolt Bikes"  # it followed its old store's client: it follows


def test_lists_narrow_to_one_client(agency: Agency) -> None:
    assert [s.name for s in agency.stores.list(client_id=agency.acme.id)] == ["acme-shop"]
    assert [w.name for w in agency.widgets.list(client_id=agency.bolt.id)] == ["Bolt chat"]
    assert len(agency.widgets.list()) == 3
    listed = {c.name: (c.stores, c.widgets) for c in agency.clients.list()}
    assert listed == {"Acme": (1, 1), "Bolt Bikes": (1, 1)}
    scope = agency.clients.scope(agency.acme)
    assert scope.widget_ids == {agency.acme_chat.id}
    assert scope.store_ids == {agency.stores.get("acme-shop").id}  # type: ignore[union-attr]


def test_names_are_checked_and_unique_ignoring_case(agency: Agency) -> None:
    with pytest.raises(ClientError, match="already exists"):
        agency.clients.add("  acme ")
    with pytest.raises(ClientError, match="needs a name"):
        agency.clients.add("   ")
    with pytest.raises(ClientError, match="not an email"):
        agency.clients.add("Cobalt", "not-an-address")
    with pytest.raises(ClientError, match="already exists"):
        agency.clients.rename(agency.bolt, "ACME")
    renamed = agency.clients.rename(agency.bolt, "Bolt  Cycles")
    assert renamed.name == "Bolt Cycles"
    assert agency.widgets.get("Bolt chat").client == "Bolt Cycles"  # type: ignore[union-attr]


def test_removing_a_client_that_owns_things_is_refused_until_told_where_they_go(
    agency: Agency,
) -> None:
    with pytest.raises(ClientInUse, match=r"1 store \(acme-shop\) and 1 widget \(Acme chat\)"):
        agency.clients.remove(agency.acme)
    assert agency.clients.get("Acme") is not None  # nothing changed
    assert agency.widgets.get("Acme chat").client == "Acme"  # type: ignore[union-attr]

    agency.clients.remove(agency.acme, move_to=agency.bolt)
    assert agency.clients.get("Acme") is None
    assert {w.client for w in agency.widgets.list(client_id=agency.bolt.id)} == {"Bolt Bikes"}
    assert len(agency.stores.list(client_id=agency.bolt.id)) == 2

    agency.clients.remove(agency.bolt, release=True)
    assert all(s.client is None for s in agency.stores.list())
    assert len(agency.widgets.list()) == 3  # released, never deleted


def test_a_client_without_stores_or_widgets_goes_at_once(agency: Agency) -> None:
    empty = agency.clients.add("Cobalt")
    agency.clients.remove(empty)
    assert agency.clients.get("cobalt") is None
    with pytest.raises(ClientError, match="no client named"):
        agency.clients.require("Cobalt")


def add_chat(
    workspace: Workspace, cid: str, widget_id: int, *, lead: bool, now: datetime = NOW
) -> None:
    """A conversation of ``widget_id`` an hour before ``now``: an unanswered question, and a
    lead when ``lead``."""
    at = now - timedelta(hours=1)
    with workspace.engine.begin() as connection:
        connection.execute(
            insert(ConversationRow).values(
                id=cid, widget_id=widget_id, channel="web", status="open", started_at=at,
                updated_at=at, unread=1,
            )
        )  # fmt: skip
        connection.execute(
            insert(MessageRow).values(
                id=f"{cid}-q", conversation_id=cid, role="shopper", text=f"where is {cid}?",
                created_at=at,
            )
        )  # fmt: skip
        connection.execute(
            insert(MessageRow).values(
                id=f"{cid}-a", conversation_id=cid, role="bot", text="?", created_at=at,
                intent="fallback", confidence=0.1,
            )
        )  # fmt: skip
        if lead:
            connection.execute(
                insert(LeadRow).values(
                    id=f"{cid}-lead", kind="contact", conversation_id=cid, name=cid,
                    status="new", created_at=at,
                )
            )  # fmt: skip


def test_conversations_leads_and_analytics_narrow_to_a_clients_widgets(
    workspace: Workspace, agency: Agency
) -> None:
    add_chat(workspace, "acme-1", agency.acme_chat.id, lead=True)
    add_chat(workspace, "bolt-1", agency.bolt_chat.id, lead=True)
    add_chat(workspace, "bolt-2", agency.bolt_chat.id, lead=False)
    bolt = agency.clients.scope(agency.bolt).widget_ids

    reader = InboxReader(workspace)
    browser = reader.browser(InboxFilter(widget_ids=bolt))
    assert browser.count() == 2 and reader.browser().count() == 3
    assert (reader.unread(bolt), reader.unread()) == (2, 3)

    leads = LeadRepository(workspace)
    assert [i.name for i in leads.list("contact", widget_ids=bolt)] == ["bolt-1"]
    assert len(leads.list("contact")) == 2

    period = Period(7, NOW.date(), client_widgets=bolt)
    with workspace.engine.begin() as connection:
        assert daily_series(connection, period).totals["conversations"] == 2
        assert daily_series(connection, Period(7, NOW.date())).totals["conversations"] == 3
        asked = {q.conversation_id for q in unanswered_questions(connection, period)}
    assert asked == {"bolt-1", "bolt-2"}
    other = Period(7, NOW.date(), widget_id=agency.acme_chat.id, client_widgets=bolt)
    assert other.widgets() == frozenset()  # a widget of another client shows nothing
