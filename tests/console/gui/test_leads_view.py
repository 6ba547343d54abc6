"""The Leads screen on the demo month and on a live relay: status and notes, CSV export,
and an appointment confirmed in the shopper's own conversation."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from console.context import ConsoleContext
from console.views.leads import LeadsView
from core.workspace.relay_link import RelayLinkRepository
from tests.console.gui.helpers import Shot, wait_until
from tests.console.gui.insights_helpers import Shopper, demo_workspace, publish_to, pull
from tests.relay.live import LiveRelay


@pytest.fixture
def view(ctx: ConsoleContext) -> Iterator[LeadsView]:
    screen = LeadsView(ctx)
    screen.resize(1150, 720)
    screen.show()
    yield screen
    screen.close()


async def test_leads_and_appointments_of_the_demo_month(
    view: LeadsView, ctx: ConsoleContext, tmp_path: Path, screenshot: Shot
) -> None:
    await demo_workspace(ctx)
    await view.refresh()
    leads = view.contacts
    assert leads.model.rowCount() > 5 and "leads" in leads.count.text()
    first = leads.current()
    assert first is not None
    leads.status.setCurrentText("won")
    leads.notes.setPlainText("Sent the decaf list")
    saved = view.save(leads)
    assert saved is not None and (saved.status, saved.notes) == ("won", "Sent the decaf list")

    leads.status_filter.setCurrentText("won")
    assert all(item.status == "won" for item in leads.model.rows())
    view.choose_export = lambda name: str(tmp_path / name)
    exported = view.export(leads)
    assert exported is not None
    rows = list(csv.DictReader(exported.read_text(encoding="utf-8").splitlines()))
    assert len(rows) == leads.model.rowCount() and rows[0]["status"] == "won"
    leads.status_filter.setCurrentIndex(0)
    screenshot(view, "leads")

    view.tabs.setCurrentIndex(1)
    slots = [item.slot_text() for item in view.appointments.model.rows()]
    assert slots and all(s.endswith("(Europe/Paris)") for s in slots)
    screenshot(view, "appointments")


async def test_confirming_an_appointment_tells_the_shopper_live(
    view: LeadsView, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    widget = await demo_workspace(ctx)
    await publish_to(ctx, relay)
    shopper = await Shopper(ctx, relay, widget).start()
    slot = await shopper.ask_appointment("Chloé Dubois", "chloe.dubois@example.fr")
    await pull(ctx)
    await view.refresh()
    part = view.appointments
    part.search.setText("chloe.dubois")
    row, request = next(
        (n, i) for n, i in enumerate(part.model.rows()) if i.conversation_id == shopper.id
    )
    paris = slot.astimezone(ZoneInfo("Europe/Paris"))
    assert request.slot_text() == f"{paris:%a %d %b %Y, %H:%M} (Europe/Paris)"
    assert paris.hour != slot.hour
    part.table.selectRow(row)
    assert "is confirmed" in part.answer.toPlainText()

    done = await view.answer(confirm=True)
    assert done is not None and done.status == "confirmed"
    texts = [m["text"] for m in await shopper.messages() if m["role"] == "agent"]
    assert texts and "is confirmed" in texts[-1]
    assert "Confirmed Chloé Dubois's request and told the shopper" in view.message.text()


async def test_a_relay_that_is_down_changes_nothing(
    view: LeadsView, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    widget = await demo_workspace(ctx)
    await publish_to(ctx, relay)
    shopper = await Shopper(ctx, relay, widget).start()
    await shopper.ask_appointment("Bob Johnson", "bob@example.com")
    await pull(ctx)
    relay.stop()
    relay.stop = lambda: None  # type: ignore[method-assign]  # already stopped
    await view.refresh()
    part = view.appointments
    part.search.setText("bob@example.com")
    await wait_until(lambda: part.model.rowCount() >= 1)
    target = next(i for i in part.model.rows() if i.conversation_id == shopper.id)
    rows = [n for n, i in enumerate(part.model.rows()) if i.id == target.id]
    part.table.selectRow(rows[0])
    assert await view.answer(confirm=False) is None
    assert view.message.text().startswith("Not sent, nothing changed: The relay at")
    assert "confirmed" in part.answer.toPlainText()  # the default shown is for Confirm
    assert view.leads.require(target.id).status == "new"
    assert RelayLinkRepository(ctx.session.workspace, ctx.session.vault).current() is not None


async def test_declining_sends_the_decline_words(
    view: LeadsView, ctx: ConsoleContext, relay: LiveRelay
) -> None:
    widget = await demo_workspace(ctx)
    await publish_to(ctx, relay)
    shopper = await Shopper(ctx, relay, widget).start()
    await shopper.ask_appointment("Emma de Vries", "emma.devries@example.nl")
    await pull(ctx)
    await view.refresh()
    part = view.appointments
    part.search.setText("emma.devries")
    target = next(n for n, i in enumerate(part.model.rows()) if i.conversation_id == shopper.id)
    part.table.selectRow(target)
    done = await view.answer(confirm=False)
    assert done is not None and done.status == "declined"
    texts = [m["text"] for m in await shopper.messages() if m["role"] == "agent"]
    assert "we cannot see you" in texts[-1] and "confirmed" not in texts[-1]
