"""A shopper's data on the relay (by email or phone) and the retention window.

Conversations are the shopper's when they gave that email, or when a lead from that email
or phone belongs to them. Erasing deletes those conversations with their messages and
leads, and the console events that carry them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.serialize import to_jsonable
from relay.storage.models import conversations, events, leads, messages, relay_meta

_PHONE_JUNK = (" ", "-", "(", ")", ".", "/")
CONVERSATION_FIELDS = (
    "id", "widget_key", "channel", "status", "language", "customer_email", "customer_name",
    "started_at", "updated_at", "rating", "page_url",
)  # fmt: skip
MESSAGE_FIELDS = ("id", "conversation_id", "role", "text", "cards", "created_at")
LEAD_FIELDS = (
    "id", "conversation_id", "kind", "name", "email", "phone", "message", "requested_time",
    "created_at",
)  # fmt: skip


def _phone(column: Any) -> Any:
    for junk in _PHONE_JUNK:
        column = func.replace(column, junk, "")
    return column


def _lead_match(email: str | None, phone: str | None) -> ColumnElement[bool]:
    clauses = []
    if email:
        clauses.append(func.lower(leads.c.email) == email)
    if phone:
        clauses.append(_phone(leads.c.phone) == phone)
    return or_(*clauses)


async def shopper_conversations(
    connection: AsyncConnection, email: str | None, phone: str | None
) -> list[str]:
    ids: dict[str, None] = {}
    if email:
        query = select(conversations.c.id).where(
            func.lower(conversations.c.customer_email) == email
        )
        ids.update(dict.fromkeys((await connection.execute(query)).scalars()))
    via_leads = select(leads.c.conversation_id).where(_lead_match(email, phone))
    ids.update(dict.fromkeys((await connection.execute(via_leads)).scalars()))
    return list(ids)


def _rows(result: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{name: to_jsonable(row[name]) for name in fields} for row in result.mappings()]


async def find(connection: AsyncConnection, email: str | None, phone: str | None) -> dict[str, Any]:
    ids = await shopper_conversations(connection, email, phone)
    found_conversations = await connection.execute(
        select(conversations).where(conversations.c.id.in_(ids))
    )
    found_messages = await connection.execute(
        select(messages)
        .where(messages.c.conversation_id.in_(ids))
        .order_by(messages.c.conversation_id, messages.c.created_at)
    )
    found_leads = await connection.execute(
        select(leads).where(or_(_lead_match(email, phone), leads.c.conversation_id.in_(ids)))
    )
    return {
        "conversations": _rows(found_conversations, CONVERSATION_FIELDS),
        "messages": _rows(found_messages, MESSAGE_FIELDS),
        "leads": _rows(found_leads, LEAD_FIELDS),
    }


async def _delete_conversations(connection: AsyncConnection, ids: list[str]) -> dict[str, int]:
    async def gone(statement: Any) -> int:
        return int((await connection.execute(statement)).rowcount or 0)

    counts = {
        "events": await gone(delete(events).where(events.c.conversation_id.in_(ids))),
        "leads": await gone(delete(leads).where(leads.c.conversation_id.in_(ids))),
        "messages": await gone(delete(messages).where(messages.c.conversation_id.in_(ids))),
    }
    counts["conversations"] = await gone(delete(conversations).where(conversations.c.id.in_(ids)))
    return counts


async def erase(
    connection: AsyncConnection, email: str | None, phone: str | None
) -> tuple[list[str], dict[str, int]]:
    """Delete the shopper's conversations, messages, leads and events; the ids and counts."""
    ids = await shopper_conversations(connection, email, phone)
    counts = await _delete_conversations(connection, ids)
    return ids, counts


async def retention_days(connection: AsyncConnection) -> int | None:
    value = (await connection.execute(select(relay_meta.c.retention_days))).scalar()
    return None if value is None else int(value)


async def set_retention(connection: AsyncConnection, days: int | None) -> None:
    await connection.execute(update(relay_meta).values(retention_days=days))


async def apply_retention(
    connection: AsyncConnection, now: datetime
) -> tuple[list[str], dict[str, int]]:
    """Delete conversations idle for longer than the retention period (none set: nothing)."""
    days = await retention_days(connection)
    if days is None:
        return [], {"conversations": 0, "messages": 0, "leads": 0, "events": 0}
    cutoff = now - timedelta(days=days)
    old = select(conversations.c.id).where(conversations.c.updated_at < cutoff)
    ids = list((await connection.execute(old)).scalars())
    return ids, await _delete_conversations(connection, ids)
