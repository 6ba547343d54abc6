"""Leads (status, notes, CSV), the activity log, a shopper's data and retention."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from core.privacy import PrivacyError, RetentionError, check_retention, shopper_from
from core.workspace import Workspace
from core.workspace.activity import ActivityRepository, record
from core.workspace.leads import LeadError, LeadRepository, leads_csv
from core.workspace.models import ConversationRow, LeadRow, MessageRow
from core.workspace.privacy import PrivacyRepository
from core.workspace.settings import WorkspaceSettings
from tests.core.analytics.conftest import Writer, at


def count(workspace: Workspace, model: object) -> int:
    with workspace.engine.connect() as c:
        return int(c.scalar(select(func.count()).select_from(model)) or 0)  # type: ignore[arg-type]


def test_lead_status_notes_and_csv_with_the_slot_in_the_widget_zone(
    workspace: Workspace, write: Writer
) -> None:
    paris = write.widget("shop", timezone="Europe/Paris")
    cid = write.conversation(at(2), widget_id=paris)
    write.lead(at(2), name="Ann", email="ann@example.com", conversation_id=cid)
    visit = write.lead(
        at(3),
        kind="appointment",
        name="=cmd()",
        conversation_id=cid,
        requested_time=datetime(2026, 11, 10, 14, 0, tzinfo=UTC),
    )
    leads = LeadRepository(workspace)
    [ann] = leads.list("contact")
    leads.set_status(ann.id, "won")
    leads.set_notes(ann.id, "  called back  ")
    assert (leads.require(ann.id).status, leads.require(ann.id).notes) == ("won", "called back")
    with pytest.raises(LeadError, match="use one of new, contacted, won, lost"):
        leads.set_status(ann.id, "maybe")
    with pytest.raises(LeadError, match="use one of new, confirmed, declined"):
        leads.set_status(visit, "won")
    with pytest.raises(LeadError, match="no lead"):
        leads.set_status("l_missing", "won")

    [appointment] = leads.list("appointment")
    assert appointment.slot_text() == "Tue 10 Nov 2026, 15:00 (Europe/Paris)"
    rows = list(csv.reader(io.StringIO(leads_csv([appointment]))))
    assert rows[1][4] == "'=cmd()"  # never a formula in a spreadsheet
    assert rows[1][8] == "2026-11-10T15:00:00+01:00"
    assert leads.list("contact", status="won", text="ann")[0].id == ann.id
    assert leads.list("contact", status="lost") == []
    actions = [a.action for a in ActivityRepository(workspace).list()]
    assert actions.count("lead.changed") == 2


def test_activity_log_filters(workspace: Workspace) -> None:
    record(workspace, "store.connected", "shop", {"platform": "sql"}, actor="ann")
    record(workspace, "store.synced", "shop", {"created": 3}, actor="ann")
    record(workspace, "published", "http://relay", actor="bob")
    log = ActivityRepository(workspace)
    assert [a.action for a in log.list()] == ["published", "store.synced", "store.connected"]
    assert [a.action for a in log.list(action="store.")] == ["store.synced", "store.connected"]
    assert [a.actor for a in log.list(text="BOB")] == ["bob"]
    assert log.list(action="store.synced")[0].summary() == "created=3"
    assert log.list()[0].label == "Published"


def test_find_export_and_erase_a_shopper(workspace: Workspace, write: Writer) -> None:
    mine = write.conversation(at(2), customer_email="Ann@Example.com")
    write.message(mine, "shopper", at(2), "where is my order")
    by_phone = write.conversation(at(3))
    write.message(by_phone, "shopper", at(3), "call me")
    write.lead(at(3), phone="+33 6 12-34-56-78", conversation_id=by_phone)
    other = write.conversation(at(4), customer_email="bob@example.com")
    write.message(other, "shopper", at(4), "hello")

    privacy = PrivacyRepository(workspace)
    shopper = shopper_from(" ann@example.com ", "+33612345678")
    found = privacy.find(shopper)
    assert found.counts() == {
        "conversations": 2, "messages": 2, "leads": 1, "customers": 0, "orders": 0,
    }  # fmt: skip
    assert {m["text"] for m in found.messages} == {"where is my order", "call me"}
    assert found.as_json()["leads"][0]["phone"] == "+33 6 12-34-56-78"

    assert privacy.erase(shopper) == {"conversations": 2, "messages": 2, "leads": 1}
    assert privacy.find(shopper).empty
    assert count(workspace, ConversationRow) == 1 and count(workspace, MessageRow) == 1
    assert privacy.erase(shopper) == {"conversations": 0, "messages": 0, "leads": 0}
    erased = ActivityRepository(workspace).list(action="privacy.erased")
    assert erased[0].subject == "a shopper"  # the log does not keep who it was


def test_shopper_identity_is_checked() -> None:
    with pytest.raises(PrivacyError, match="email address or phone"):
        shopper_from("", " ")
    with pytest.raises(PrivacyError, match="not an email"):
        shopper_from("ann", None)
    with pytest.raises(PrivacyError, match="not a phone number"):
        shopper_from(None, "call me")


def test_retention_is_checked_and_deletes_old_conversations(
    workspace: Workspace, write: Writer
) -> None:
    assert check_retention("90") == 90 and check_retention("off") is None
    for bad, why in (("0", "from 1 to 3650"), ("ninety", "not a number"), (True, "whole")):
        with pytest.raises(RetentionError, match=why):
            check_retention(bad)
    old = write.conversation(at(1), last_message_at=at(1))
    write.message(old, "shopper", at(1), "old")
    write.lead(at(1), email="x@example.com", conversation_id=old)
    write.conversation(at(20), last_message_at=at(20))
    settings = WorkspaceSettings(workspace)
    settings.set("retention_days", 10)
    assert settings.retention_days == 10
    privacy = PrivacyRepository(workspace, now=lambda: at(25))
    assert privacy.apply_retention(10) == {"conversations": 1, "messages": 1}
    assert count(workspace, ConversationRow) == 1
    assert count(workspace, LeadRow) == 1  # the lead stays, without its conversation


def test_a_widget_with_its_own_retention_period_keeps_its_conversations_that_long(
    workspace: Workspace, write: Writer
) -> None:
    short = write.widget("Short", retention_days=3)
    usual = write.widget("Usual")
    mistyped = write.widget("Mistyped", retention_days="soon")  # kept: not a period
    gone = write.conversation(at(1), widget_id=short, last_message_at=at(1))
    kept = write.conversation(at(1), widget_id=usual, last_message_at=at(1))
    odd = write.conversation(at(1), widget_id=mistyped, last_message_at=at(1))
    privacy = PrivacyRepository(workspace, now=lambda: at(6))
    assert privacy.apply_retention(None) == {"conversations": 1, "messages": 0}
    assert privacy.apply_retention(10) == {"conversations": 0, "messages": 0}
    assert privacy.apply_retention(4) == {"conversations": 2, "messages": 0}
    with workspace.engine.begin() as connection:
        left = set(connection.scalars(select(ConversationRow.id)))
    assert gone not in left and kept not in left and odd not in left
