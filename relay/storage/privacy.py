"""A shopper's data on the relay (by email or phone) and the retention window.

Conversations are the shopper's when they gave that email, or when a lead from that email
or phone belongs to them. Erasing deletes those conversations with their messages and
leads, and the console events that carry them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.serialize import to_jsonable
from relay.storage.models import (
    channel_messages,
    conversations,
    events,
    leads,
    messages,
    relay_meta,
)

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

    channel = channel_messages.c
    counts = {
        "channel_messages": await gone(
            delete(channel_messages).where(channel.conversation_id.in_(ids))
        ),
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
    connection: AsyncConnection, now: datetime, widget_days: Mapping[str, int] | None = None
) -> tuple[list[str], dict[str, int]]:
    """Delete conversations idle for longer than their widget's retention period
    (``widget_days``, by widget key) or else the relay's (none set: kept), with their
    messages, leads, events and WhatsApp delivery records; the ids and the counts.

    Delivery records that never belonged to a conversation go after the same period."""
    default = await retention_days(connection)
    own = dict(widget_days or {})
    c, channel = conversations.c, channel_messages.c
    ids: list[str] = []
    orphans = 0
    periods: list[tuple[int, Any, Any]] = []  # (days, conversations', delivery records' clause)
    for days in sorted(set(own.values())):
        keys = [key for key, kept in own.items() if kept == days]
        periods.append((days, c.widget_key.in_(keys), channel.widget_key.in_(keys)))
    if default is not None:
        keys = list(own)
        periods.append((default, c.widget_key.not_in(keys), channel.widget_key.not_in(keys)))
    for days, of_widgets, of_channel in periods:
        cutoff = now - timedelta(days=days)
        old = select(c.id).where(of_widgets, c.updated_at < cutoff)
        ids.extend((await connection.execute(old)).scalars())
        stray = delete(channel_messages).where(
            of_channel, channel.conversation_id.is_(None), channel.created_at < cutoff
        )
        orphans += int((await connection.execute(stray)).rowcount or 0)
    counts = await _delete_conversations(connection, ids)
    counts["channel_messages"] += orphans
    return ids, counts
