"""Leads and appointment requests: list with filters, status and notes, CSV export.

An appointment's requested slot is shown in its widget's time zone (the widget's business
hours zone), which is read with the row, never guessed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import Select, func, or_, select, update

from core.workspace.activity import record
from core.workspace.database import Workspace
from core.workspace.models import ConversationRow, LeadRow, Widget

Kind = Literal["contact", "appointment"]
LEAD_STATUSES = ("new", "contacted", "won", "lost")
APPOINTMENT_STATUSES = ("new", "confirmed", "declined")
MAX_NOTES = 4000
CSV_COLUMNS = (
    "id", "kind", "status", "created_at", "name", "email", "phone", "message",
    "requested_time", "time_zone", "widget", "conversation_id", "notes",
)  # fmt: skip


class LeadError(ValueError):
    """A lead that is not there or a change it cannot take; ``str()`` is the sentence."""


@dataclass(frozen=True, slots=True)
class LeadItem:
    id: str
    kind: str
    status: str
    created_at: datetime
    name: str | None
    email: str | None
    phone: str | None
    message: str | None
    requested_time: datetime | None
    notes: str | None
    conversation_id: str | None
    widget: str | None
    time_zone: str

    @property
    def requested_local(self) -> datetime | None:
        """The requested slot in the widget's time zone."""
        if self.requested_time is None:
            return None
        return self.requested_time.astimezone(_zone(self.time_zone))

    def slot_text(self) -> str:
        local = self.requested_local
        if local is None:
            return ""
        return f"{local:%a %d %b %Y, %H:%M} ({self.time_zone})"

    def csv_row(self) -> list[str]:
        local = self.requested_local
        return [
            self.id, self.kind, self.status, self.created_at.isoformat(), self.name or "",
            self.email or "", self.phone or "", self.message or "",
            local.isoformat() if local else "", self.time_zone, self.widget or "",
            self.conversation_id or "", self.notes or "",
        ]  # fmt: skip


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def statuses_for(kind: str) -> tuple[str, ...]:
    return APPOINTMENT_STATUSES if kind == "appointment" else LEAD_STATUSES


def _query() -> Select[Any]:
    return (
        select(LeadRow, Widget.name, Widget.config)
        .outerjoin(ConversationRow, ConversationRow.id == LeadRow.conversation_id)
        .outerjoin(Widget, Widget.id == ConversationRow.widget_id)
    )


def _item(row: LeadRow, widget: str | None, config: dict[str, Any] | None) -> LeadItem:
    zone = (config or {}).get("timezone")
    return LeadItem(
        id=row.id,
        kind=row.kind,
        status=row.status,
        created_at=row.created_at,
        name=row.name,
        email=row.email,
        phone=row.phone,
        message=row.message,
        requested_time=row.requested_time,
        notes=row.notes,
        conversation_id=row.conversation_id,
        widget=widget,
        time_zone=zone if isinstance(zone, str) and zone else "UTC",
    )


class LeadRepository:
    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    def list(
        self,
        kind: Kind,
        *,
        status: str | None = None,
        text: str | None = None,
        limit: int | None = None,
        widget_ids: frozenset[int] | None = None,
    ) -> list[LeadItem]:
        """Newest first; ``text`` is found in the name, email, phone, message or notes;
        ``widget_ids``: only leads from those widgets' conversations (a client's)."""
        query = _query().where(LeadRow.kind == kind)
        if widget_ids is not None:
            query = query.where(ConversationRow.widget_id.in_(sorted(widget_ids)))
        if status:
            query = query.where(LeadRow.status == status)
        if text and text.strip():
            needle = f"%{text.strip().lower()}%"
            columns = (LeadRow.name, LeadRow.email, LeadRow.phone, LeadRow.message, LeadRow.notes)
            query = query.where(or_(*(func.lower(c).like(needle) for c in columns)))
        query = query.order_by(LeadRow.created_at.desc(), LeadRow.id)
        if limit is not None:
            query = query.limit(limit)
        with self._workspace.session() as session:
            return [_item(*row) for row in session.execute(query).all()]

    def get(self, lead_id: str) -> LeadItem | None:
        with self._workspace.session() as session:
            found = session.execute(_query().where(LeadRow.id == lead_id)).first()
            return None if found is None else _item(*found)

    def require(self, lead_id: str) -> LeadItem:
        found = self.get(lead_id.strip())
        if found is None:
            raise LeadError(f"There is no lead or appointment request {lead_id!r}.")
        return found

    def set_status(self, lead_id: str, status: str, *, actor: str | None = None) -> LeadItem:
        item = self.require(lead_id)
        allowed = statuses_for(item.kind)
        if status not in allowed:
            what = "an appointment request" if item.kind == "appointment" else "a lead"
            raise LeadError(
                f"{status!r} is not a status for {what}; use one of {', '.join(allowed)}."
            )
        self._change(item, {"status": status}, actor)
        return self.require(lead_id)

    def set_notes(self, lead_id: str, notes: str, *, actor: str | None = None) -> LeadItem:
        item = self.require(lead_id)
        if len(notes) > MAX_NOTES:
            raise LeadError(f"Notes may be at most {MAX_NOTES} characters ({len(notes)} given).")
        self._change(item, {"notes": notes.strip() or None}, actor)
        return self.require(lead_id)

    def _change(self, item: LeadItem, values: dict[str, Any], actor: str | None) -> None:
        answered = item.kind == "appointment" and values.get("status") in ("confirmed", "declined")
        action = "appointment.answered" if answered else "lead.changed"
        with self._workspace.engine.begin() as connection:
            connection.execute(
                update(LeadRow)
                .where(LeadRow.id == item.id)
                .values({**values, "updated_at": datetime.now(UTC)})
            )
            subject = item.name or item.email or item.phone or item.id
            record(connection, action, subject, {"id": item.id, **values}, actor=actor)


def leads_csv(items: Iterable[LeadItem]) -> str:
    """The rows as CSV text (a header first; the requested slot in the widget's zone)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        writer.writerow([_safe_cell(value) for value in item.csv_row()])
    return out.getvalue()


def _safe_cell(value: str) -> str:
    """Text a spreadsheet would run as a formula (=, +, -, @) is quoted with a leading '."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
