"""The activity log: who changed what (settings, publishing, stores, syncs, privacy).

``record`` is the one way to write it, from the console's services and the CLI alike;
``ActivityRepository.list`` reads it newest first with filters.
"""

from __future__ import annotations

import getpass
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, func, insert, or_, select

from core.workspace.database import Workspace
from core.workspace.models import ActivityLog, Client, ConversationRow, LeadRow, StoreRow, Widget

ACTIONS = {
    "settings.changed": "Changed settings",
    "widget.created": "Created a widget",
    "widget.changed": "Changed a widget",
    "widget.deleted": "Deleted a widget",
    "knowledge.changed": "Changed the knowledge base",
    "relay.paired": "Paired with a relay",
    "published": "Published",
    "store.connected": "Connected a store",
    "store.disconnected": "Disconnected a store",
    "store.synced": "Synced a store",
    "store.redact": "Store asked to erase data",
    "store.data_request": "Store asked for a shopper's data",
    "lead.changed": "Changed a lead",
    "appointment.answered": "Answered an appointment request",
    "privacy.exported": "Exported a shopper's data",
    "privacy.erased": "Erased a shopper's data",
    "retention.set": "Set the retention period",
    "retention.applied": "Deleted old conversations",
    "client.added": "Added a client",
    "client.renamed": "Renamed a client",
    "client.removed": "Removed a client",
    "client.store_assigned": "Gave a store to a client",
    "client.widget_assigned": "Gave a widget to a client",
}
HIDDEN = frozenset({"widget_id"})  # details kept for filtering, not worth a reader's eye


@dataclass(frozen=True, slots=True)
class Activity:
    id: int
    at: datetime
    actor: str
    action: str
    subject: str | None
    details: dict[str, Any]

    @property
    def label(self) -> str:
        return ACTIONS.get(self.action, self.action)

    def summary(self) -> str:
        """The details as one short line ("created=12, errors=0; relay: conversations=1")."""
        return ", ".join(
            f"{k}={_short(v)}"
            for k, v in self.details.items()
            if v not in (None, "", [], {}) and k not in HIDDEN
        )


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k} {v}" for k, v in value.items()) + ")"
    if isinstance(value, list):
        return "; ".join(" ".join(str(v).split()) for v in value)
    return str(value)


def who() -> str:
    """The person at this computer (the OS account), for the log."""
    try:
        return getpass.getuser()[:64] or "someone"
    except (OSError, KeyError):
        return "someone"


def record(
    target: Workspace | Connection,
    action: str,
    subject: str | None = None,
    details: Mapping[str, Any] | None = None,
    *,
    actor: str | None = None,
    at: datetime | None = None,
) -> None:
    """Add one line to the activity log (inside ``target``'s transaction when a connection)."""
    values = {
        "at": at or datetime.now(UTC),
        "actor": (actor or who())[:64],
        "action": action[:64],
        "subject": None if subject is None else subject[:255],
        "details": dict(details or {}),
    }
    if isinstance(target, Connection):
        target.execute(insert(ActivityLog).values(values))
        return
    with target.engine.begin() as connection:
        connection.execute(insert(ActivityLog).values(values))


class ActivityRepository:
    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    def list(
        self,
        *,
        action: str | None = None,
        text: str | None = None,
        since: datetime | None = None,
        client_id: int | None = None,
        limit: int = 500,
    ) -> list[Activity]:
        """Newest first; ``action`` a prefix ("store." for every store change), ``text``
        found in the subject or the actor; ``client_id`` only what concerns that client
        (agency mode, see ``about_client``)."""
        query = select(ActivityLog).order_by(ActivityLog.at.desc(), ActivityLog.id.desc())
        if client_id is not None:
            query = query.where(about_client(client_id))
        if action:
            query = query.where(ActivityLog.action.startswith(action, autoescape=True))
        if text:
            needle = f"%{text.strip().lower()}%"
            query = query.where(
                or_(
                    func.lower(ActivityLog.subject).like(needle),
                    func.lower(ActivityLog.actor).like(needle),
                )
            )
        if since is not None:
            query = query.where(ActivityLog.at >= since)
        with self._workspace.session() as session:
            rows = session.scalars(query.limit(limit)).all()
            return [
                Activity(r.id, r.at, r.actor, r.action, r.subject, dict(r.details or {}))
                for r in rows
            ]


def about_client(client_id: int) -> ColumnElement[bool]:
    """The entries about one client: the client itself (added, renamed, removed, given a
    store or a widget, published), its stores (by name: connected, synced, disconnected,
    store requests), its widgets (by id where the entry keeps it, else by name) with their
    knowledge bases, and the leads and appointments of its widgets' conversations.

    Global entries (relay pairing, settings, privacy, retention) belong to no client."""
    action, subject, details = ActivityLog.action, ActivityLog.subject, ActivityLog.details
    name = select(Client.name).where(Client.id == client_id).scalar_subquery()
    stores = select(StoreRow.name).where(StoreRow.client_id == client_id)
    widget_ids = select(Widget.id).where(Widget.client_id == client_id)
    widget_names = select(Widget.name).where(Widget.client_id == client_id)
    leads = (
        select(LeadRow.id)
        .join(ConversationRow, ConversationRow.id == LeadRow.conversation_id)
        .where(ConversationRow.widget_id.in_(widget_ids))
    )
    widget_id = details["widget_id"].as_integer()
    for_client = details["client"].as_string() == name
    return or_(
        and_(action.startswith("client."), or_(subject == name, for_client)),
        and_(action == "published", for_client),
        and_(
            or_(action.startswith("store."), action == "client.store_assigned"),
            subject.in_(stores),
        ),
        and_(
            or_(action.startswith("widget."), action == "client.widget_assigned"),
            or_(widget_id.in_(widget_ids), and_(widget_id.is_(None), subject.in_(widget_names))),
        ),
        and_(action == "knowledge.changed", widget_id.in_(widget_ids)),
        and_(
            action.in_(("lead.changed", "appointment.answered")),
            details["id"].as_string().in_(leads),
        ),
    )
