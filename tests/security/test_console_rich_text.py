"""The console's own views render some text as rich text (the inbox thread in a
``QTextBrowser``, labels with bold headings, ``QLabel``'s automatic rich-text detection):
hostile text from shoppers, stores and the relay must show there as the text it is — no
image loaded, no link, every payload readable."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from console.commands.store import connection_for_demo
from console.context import ConsoleContext
from console.overview import Overview, Today
from console.views.dashboard import DashboardView
from console.views.inbox_thread import ThreadPanel
from console.views.leads import LeadsView
from console.views.settings import link_text
from console.views.stores import StoresView
from core.workspace.inbox_browse import ConversationLine, ThreadMessage
from core.workspace.inbox_profile import OrderSummary, Profile
from core.workspace.inbox_replies import CannedReplies, Pending
from core.workspace.models import LeadRow
from core.workspace.relay_link import RelayLinkEntry
from tests.console.gui.conftest import ctx
from tests.security.payloads import xss_payloads
from tests.security.qt_checks import assert_shown_as_text

__all__ = ["ctx"]
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
SHORT = [p for p in xss_payloads() if len(p) <= 80]


def _card(batch: tuple[str, ...] | list[str]) -> dict[str, Any]:
    return {
        "type": "order",
        "number": batch[0],
        "status": batch[1],
        "status_label": batch[2],
        "total": batch[3],
        "currency": batch[4],
        "items": [{"name": p, "quantity": p} for p in batch],
        "tracking": [{"carrier": p, "number": p, "url": p} for p in batch],
    }


def _messages() -> list[ThreadMessage]:
    payloads = xss_payloads()
    messages = []
    for n, payload in enumerate(payloads):
        messages.append(
            ThreadMessage(
                id=f"m{n}",
                role=("shopper", "bot", "agent", "system", payload)[n % 5],
                text=payload,
                created_at=NOW,
                confidence=0.5 if n % 5 == 1 else None,
                knowledge_entry_id="kb" if n % 5 == 1 else None,
                knowledge_question=payload if n % 5 == 1 else None,
                cards=[_card(payloads[n : n + 5] or payloads[:5])] if n % 10 == 0 else [],
                form=payload if n % 7 == 0 else None,
            )
        )
    messages.append(
        ThreadMessage(
            "p",
            "bot",
            "a product",
            NOW,
            None,
            None,
            None,
            cards=[{"type": "product", "title": p, "price": p, "currency": p} for p in payloads],
        )
    )
    return messages


def _pending() -> list[Pending]:
    return [
        Pending(f"r{n}", "c1", p, [_card(xss_payloads()[:5])], p, NOW, 1, state, p)
        for n, (p, state) in enumerate(
            zip(xss_payloads()[:10], ["failed", "pending"] * 5, strict=True)
        )
    ]


def _profile(payload: str) -> Profile:
    orders = [OrderSummary(n, p, p, Decimal("9.90"), p, NOW, p) for n, p in enumerate(SHORT[:8])]
    return Profile(1, payload, payload, payload, 3, Decimal("42.00"), payload, payload, orders)


@pytest.fixture
def thread(qapp: object, ctx: ConsoleContext) -> Iterator[ThreadPanel]:
    view = ThreadPanel(CannedReplies(ctx.session.workspace))
    view.resize(1000, 700)
    view.show()
    yield view
    view.close()


async def test_the_inbox_thread_shows_hostile_text_as_text(thread: ThreadPanel) -> None:
    for payload in SHORT[::8]:
        line = ConversationLine("c1", payload, NOW, payload, payload, payload, 1, "widget", 1,
                                payload, 5, spam=payload)  # fmt: skip
        thread.show_conversation(line, _messages(), _pending())
        thread.show_profile(_profile(payload))
        assert_shown_as_text(thread, [*xss_payloads(), payload])
        thread.show_profile(None, searched=payload)
        assert_shown_as_text(thread, [payload])


def _hostile_leads(ctx: ConsoleContext, payloads: list[str]) -> None:
    with ctx.session.workspace.session() as session:
        for n, payload in enumerate(payloads):
            session.add(
                LeadRow(id=f"lead-{n}", kind="contact", conversation_id=None, name=payload,
                        email="ann@example.com", phone=None, message=payload,
                        requested_time=None, status="new", created_at=NOW, notes=payload)
            )  # fmt: skip
        session.commit()


async def test_hostile_leads_show_as_text(qapp: object, ctx: ConsoleContext) -> None:
    payloads = SHORT[::2]
    _hostile_leads(ctx, payloads)
    view = LeadsView(ctx)
    view.show()
    try:
        await view.refresh()
        leads = view.contacts
        rows = {item.name: n for n, item in enumerate(leads.model.rows())}
        assert set(rows) == set(payloads)
        for payload in payloads:
            index = leads.proxy.mapFromSource(leads.model.index(rows[payload], 0))
            leads.table.selectRow(index.row())
            leads.show_current()
            saved = view.save(leads)
            assert saved is not None and saved.name == payload
            assert_shown_as_text(view, [payload])
    finally:
        view.close()


async def test_a_hostile_store_name_and_platform_message_show_as_text(
    qapp: object, ctx: ConsoleContext
) -> None:
    """The store's name, and what a platform says (an error, the shop's own name once
    connected), are words from outside the console."""
    settings, secrets = connection_for_demo()
    payloads = SHORT[::5]
    entries = [
        ctx.session.stores.add(f"{payload} {n}", "sql", settings, secrets)
        for n, payload in enumerate(payloads)
    ]
    view = StoresView(ctx)
    view.show()
    try:
        await view.refresh()
        for entry, payload in zip(entries, payloads, strict=True):
            view.detail.show_store(entry)
            view.detail.say(entry.name, f"Connected to {payload}.", failed=True)
            assert_shown_as_text(view.detail, [entry.name, f"Connected to {payload}."])
    finally:
        view.close()


async def test_what_a_relay_says_shows_as_text(qapp: object, ctx: ConsoleContext) -> None:
    """The relay's id, version and error sentences reach the Dashboard and Settings: a
    hostile relay cannot put markup there."""
    view = DashboardView(ctx)
    label = QLabel(textFormat=Qt.TextFormat.RichText)
    try:
        for payload in SHORT[::6]:
            link = RelayLinkEntry(1, f"https://relay.example/{payload}", None, payload,
                                  payload, NOW)  # fmt: skip
            overview = Overview((), (), link, Today())
            view._show_relay(overview, None, payload)
            assert_shown_as_text(view.relay_label, [payload])
            view._show_relay(overview, {"version": payload}, None)
            assert_shown_as_text(view.relay_label, [payload, link.url])
            label.setText(link_text(link))
            assert_shown_as_text(label, [payload, link.url])
    finally:
        view.close()
