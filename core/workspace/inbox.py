"""Relay events into the workspace inbox: conversations, messages, leads, feedback, handoffs.

``apply`` stores a batch in one transaction and remembers each event id, so a batch pulled
twice (the relay delivers at least once) is stored once. Messages are also unique by their
own id, so an agent reply stored when it was sent is not doubled by its event.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from core.pages import clean_page_url
from core.serialize import parse_datetime
from core.workspace.authors import author_columns
from core.workspace.database import Workspace
from core.workspace.models import (
    ConversationRow,
    KnowledgeEntryRow,
    LeadRow,
    MessageRow,
    RelayEvent,
    Widget,
)
from core.workspace.store_events import BadChange, apply_change

log = logging.getLogger(__name__)
ROLES = ("shopper", "bot", "agent", "system")
PREVIEW = 200


class MalformedEvent(ValueError):
    """An event without the fields its type needs; it is skipped (and logged)."""


@dataclass(frozen=True, slots=True)
class InboxReport:
    conversations: int = 0
    messages: int = 0
    leads: int = 0
    feedback: int = 0
    handoffs: int = 0
    store_changes: int = 0
    duplicates: int = 0
    skipped: int = 0
    spam: int = 0
    """Conversations taken for spam or restored."""


def _text(data: Mapping[str, Any], name: str, *, required: bool = False) -> str | None:
    value = data.get(name)
    if isinstance(value, str) and (value or not required):
        return value
    if value is None and not required:
        return None
    raise MalformedEvent(f"{name!r} is missing or not text")


def _page_url(value: Any) -> str | None:
    """The page the chat started on, cleaned again (the relay's word is not trusted blindly);
    anything unusable is dropped rather than losing the conversation."""
    return clean_page_url(value) if isinstance(value, str) else None


def _mapping(data: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = data.get(name)
    if not isinstance(value, Mapping):
        raise MalformedEvent(f"{name!r} is missing or not an object")
    return value


def _moment(value: Any, fallback: datetime) -> datetime:
    return (parse_datetime(value) if isinstance(value, str) else None) or fallback


class _Batch:
    """One event at a time, inside the caller's transaction."""

    def __init__(self, connection: Connection, widgets: Mapping[str, int], now: datetime) -> None:
        self.c = connection
        self.widgets = widgets
        self.now = now
        self.counts: Counter[str] = Counter()

    def apply(self, event: Mapping[str, Any]) -> None:
        handler = {
            "conversation.created": self.conversation,
            "message": self.message,
            "lead": self.lead,
            "feedback": self.feedback,
            "handoff.requested": self.handoff,
            "store.changed": self.store_change,
            "conversation.status": self.status,
            "conversation.assigned": self.assigned,
            "conversation.spam": self.spam,
        }.get(str(event.get("type")))
        data = event.get("data")
        if handler is None or not isinstance(data, Mapping):
            self.counts["skipped"] += 1
            return
        handler(event, data, _moment(event.get("at"), self.now))

    def store_change(self, event: Mapping[str, Any], data: Mapping[str, Any], at: datetime) -> None:
        try:
            self.counts[apply_change(self.c, event, data, at)] += 1
        except BadChange as exc:
            raise MalformedEvent(str(exc)) from None

    def ensure_conversation(self, conversation_id: str, widget_key: Any, at: datetime) -> None:
        """A placeholder row for a conversation whose ``conversation.created`` event has
        not arrived (yet), so nothing that belongs to it is lost."""
        query = select(ConversationRow.id).where(ConversationRow.id == conversation_id)
        if self.c.scalar(query) is not None:
            return
        values = {
            "id": conversation_id,
            "widget_id": self.widgets.get(widget_key) if isinstance(widget_key, str) else None,
            "channel": "widget",
            "status": "open",
            "started_at": at,
            "updated_at": at,
        }
        self.c.execute(insert(ConversationRow).values(values))
        self.counts["conversations"] += 1

    def conversation(self, event: Mapping[str, Any], data: Mapping[str, Any], at: datetime) -> None:
        conv = _mapping(data, "conversation")
        conversation_id = _text(conv, "id") or _text(event, "conversation_id", required=True)
        assert conversation_id is not None
        widget_key = conv.get("widget_key") or event.get("widget_key")
        self.ensure_conversation(conversation_id, widget_key, at)
        values: dict[str, Any] = {
            "channel": _text(conv, "channel") or "widget",
            "started_at": _moment(conv.get("started_at"), at),
            "customer_email": _text(conv, "customer_email"),
            "customer_name": _text(conv, "customer_name"),
            "language": _text(conv, "language"),
            "page_url": _page_url(conv.get("page_url")),
        }
        if isinstance(widget_key, str) and widget_key in self.widgets:
            values["widget_id"] = self.widgets[widget_key]
        self.c.execute(
            update(ConversationRow).where(ConversationRow.id == conversation_id).values(values)
        )

    def message(self, event: Mapping[str, Any], data: Mapping[str, Any], at: datetime) -> None:
        message = _mapping(data, "message")
        conversation_id = _text(message, "conversation_id") or _text(
            event, "conversation_id", required=True
        )
        assert conversation_id is not None
        self.ensure_conversation(conversation_id, event.get("widget_key"), at)
        if store_message(self.c, conversation_id, message, at):
            self.counts["messages"] += 1

    def lead(self, event: Mapping[str, Any], data: Mapping[str, Any], at: datetime) -> None:
        lead = _mapping(data, "lead")
        lead_id = _text(lead, "id", required=True)
        kind = _text(lead, "kind", required=True)
        conversation_id = _text(event, "conversation_id") or _text(lead, "conversation_id")
        if conversation_id:
            self.ensure_conversation(conversation_id, event.get("widget_key"), at)
        requested = lead.get("requested_time")
        values = {
            "id": lead_id,
            "kind": kind,
            "conversation_id": conversation_id,
            "name": _text(lead, "name"),
            "email": _text(lead, "email"),
            "phone": _text(lead, "phone"),
            "message": _text(lead, "message"),
            "requested_time": parse_datetime(requested) if isinstance(requested, str) else None,
            "created_at": _moment(lead.get("created_at"), at),
        }
        result = self.c.execute(
            sqlite_insert(LeadRow).values(values).on_conflict_do_nothing(index_elements=["id"])
        )
        self.counts["leads"] += result.rowcount

    def feedback(self, event: Mapping[str, Any], data: Mapping[str, Any], at: datetime) -> None:
        rating = data.get("rating")
        if isinstance(rating, int) and not isinstance(rating, bool) and 1 <= rating <= 5:
            conversation_id = _text(event, "conversation_id", required=True)
            assert conversation_id is not None
            self.ensure_conversation(conversation_id, event.get("widget_key"), at)
            self.c.execute(
                update(ConversationRow)
                .where(ConversationRow.id == conversation_id)
                .values(rating=rating)
            )
        elif isinstance(data.get("helpful"), bool):
            rate_message(self.c, _text(data, "message_id", required=True) or "", data["helpful"])
        else:
            raise MalformedEvent("feedback has neither a rating nor helpful")
        self.counts["feedback"] += 1

    def handoff(self, event: Mapping[str, Any], data: Mapping[str, Any], at: datetime) -> None:
        conversation_id = _text(event, "conversation_id", required=True)
        assert conversation_id is not None
        self.ensure_conversation(conversation_id, event.get("widget_key"), at)
        self.c.execute(
            update(ConversationRow)
            .where(ConversationRow.id == conversation_id)
            .values(status="waiting", handoff_reason=_text(data, "reason"), updated_at=at)
        )
        self.counts["handoffs"] += 1

    def status(self, event: Mapping[str, Any], data: Mapping[str, Any], at: datetime) -> None:
        status = data.get("status")
        if status not in ("open", "waiting", "closed"):
            raise MalformedEvent(f"unknown conversation status {status!r}")
        self._change(event, at, status=status)

    def assigned(self, event: Mapping[str, Any], data: Mapping[str, Any], at: datetime) -> None:
        self._change(event, at, assignee=(_text(data, "assignee", required=True) or "")[:80])

    def spam(self, event: Mapping[str, Any], data: Mapping[str, Any], at: datetime) -> None:
        """Taken for spam (``spam``: the rule it broke), or restored (``None``)."""
        reason = data.get("spam")
        if reason is not None and not isinstance(reason, str):
            raise MalformedEvent("spam must be the rule it broke or null")
        self._change(event, at, spam=reason[:200] if reason else None)
        self.counts["spam"] += 1

    def _change(self, event: Mapping[str, Any], at: datetime, **values: Any) -> None:
        conversation_id = _text(event, "conversation_id", required=True)
        assert conversation_id is not None
        self.ensure_conversation(conversation_id, event.get("widget_key"), at)
        self.c.execute(
            update(ConversationRow).where(ConversationRow.id == conversation_id).values(values)
        )


def store_message(
    connection: Connection, conversation_id: str, message: Mapping[str, Any], at: datetime
) -> bool:
    """Insert one message (Message JSON) unless its id is already stored."""
    role = _text(message, "role", required=True)
    if role not in ROLES:
        raise MalformedEvent(f"unknown message role {role!r}")
    entry_id = _text(message, "knowledge_entry_id")
    if entry_id is not None:
        known = connection.scalar(
            select(KnowledgeEntryRow.id).where(KnowledgeEntryRow.id == entry_id)
        )
        entry_id = known  # an entry deleted since: keep the message, drop the link
    confidence = message.get("confidence")
    created = _moment(message.get("created_at"), at)
    values = {
        "id": _text(message, "id", required=True),
        "conversation_id": conversation_id,
        "role": role,
        "text": _text(message, "text") or "",
        "created_at": created,
        "confidence": float(confidence) if isinstance(confidence, int | float) else None,
        "knowledge_entry_id": entry_id,
        "cards": [c for c in message.get("cards") or [] if isinstance(c, Mapping)],
        "suggestions": [s for s in message.get("suggestions") or [] if isinstance(s, str)],
        "form": message.get("form") if message.get("form") in ("lead", "appointment") else None,
        "intent": (_text(message, "intent") or "")[:32] or None,
        **author_columns(role, message),
    }
    result = connection.execute(
        sqlite_insert(MessageRow).values(values).on_conflict_do_nothing(index_elements=["id"])
    )
    if not result.rowcount:
        return False
    if entry_id is not None:
        connection.execute(
            update(KnowledgeEntryRow)
            .where(KnowledgeEntryRow.id == entry_id)
            .values(uses=KnowledgeEntryRow.uses + 1)
        )
    _touch_conversation(connection, conversation_id, created, values, unread=role == "shopper")
    return True


def _touch_conversation(
    connection: Connection,
    conversation_id: str,
    at: datetime,
    message: Mapping[str, Any],
    *,
    unread: bool,
) -> None:
    """The conversation's last activity and preview follow its newest message; a shopper's
    message counts as unread until the merchant opens the conversation."""
    row = connection.execute(
        select(ConversationRow.last_message_at).where(ConversationRow.id == conversation_id)
    ).one()
    values: dict[str, Any] = {}
    if row.last_message_at is None or row.last_message_at < at:
        preview = " ".join(str(message["text"]).split())[:PREVIEW]
        values |= {"last_message_at": at, "updated_at": at, "preview": preview or None}
    if unread:
        values["unread"] = ConversationRow.unread + 1
    if values:
        connection.execute(
            update(ConversationRow).where(ConversationRow.id == conversation_id).values(values)
        )


def rate_message(connection: Connection, message_id: str, helpful: bool) -> None:
    """Record a shopper's helpful / not helpful vote and keep the entry's counters right
    when they change their mind."""
    row = connection.execute(
        select(MessageRow.helpful, MessageRow.knowledge_entry_id).where(MessageRow.id == message_id)
    ).one_or_none()
    if row is None or row.helpful is helpful:
        return
    messages = update(MessageRow).where(MessageRow.id == message_id)
    connection.execute(messages.values(helpful=helpful))
    if row.knowledge_entry_id is None:
        return
    entries = update(KnowledgeEntryRow).where(KnowledgeEntryRow.id == row.knowledge_entry_id)
    change: dict[str, Any] = {}
    if row.helpful is not None:  # an earlier opposite vote
        old = KnowledgeEntryRow.helpful if row.helpful else KnowledgeEntryRow.unhelpful
        change[old.key] = old - 1
    new = KnowledgeEntryRow.helpful if helpful else KnowledgeEntryRow.unhelpful
    change[new.key] = new + 1
    connection.execute(entries.values(change))


class InboxRepository:
    def __init__(
        self, workspace: Workspace, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._workspace = workspace
        self._now = now

    def apply(self, events: Sequence[Mapping[str, Any]]) -> InboxReport:
        """Store a batch of relay events in one transaction; each event id only once."""
        now = self._now()
        ids = [e["id"] for e in events if isinstance(e.get("id"), str) and e["id"]]
        with self._workspace.engine.begin() as connection:
            seen = set(connection.scalars(select(RelayEvent.id).where(RelayEvent.id.in_(ids))))
            widgets = {k: i for k, i in connection.execute(select(Widget.key, Widget.id)).all()}
            totals: Counter[str] = Counter()
            for event in events:
                event_id = event.get("id")
                if not isinstance(event_id, str) or not event_id:
                    totals["skipped"] += 1
                    continue
                if event_id in seen:
                    totals["duplicates"] += 1
                    continue
                seen.add(event_id)
                totals += self._one(connection, widgets, event, now)
                connection.execute(insert(RelayEvent).values(_seen_row(event, event_id, now)))
        return InboxReport(**totals)

    def _one(
        self,
        connection: Connection,
        widgets: Mapping[str, int],
        event: Mapping[str, Any],
        now: datetime,
    ) -> Counter[str]:
        batch = _Batch(connection, widgets, now)
        try:
            with connection.begin_nested():  # a malformed event leaves nothing half-stored
                batch.apply(event)
        except MalformedEvent as err:
            log.warning("Skipped relay event %s (%s): %s", event.get("id"), event.get("type"), err)
            return Counter(skipped=1)
        return batch.counts

    def store_reply(self, conversation_id: str, message: Mapping[str, Any]) -> bool:
        """Keep an agent reply the relay confirmed (its event later changes nothing)."""
        now = self._now()
        with self._workspace.engine.begin() as connection:
            batch = _Batch(connection, {}, now)
            batch.ensure_conversation(conversation_id, None, now)
            return store_message(connection, conversation_id, message, now)


def _seen_row(event: Mapping[str, Any], event_id: str, now: datetime) -> dict[str, Any]:
    seq = event.get("seq")
    return {
        "id": event_id,
        "seq": seq if isinstance(seq, int) and not isinstance(seq, bool) else 0,
        "type": str(event.get("type"))[:32],
        "received_at": now,
    }
