"""The console outbox: events with a sequence number, read after each console's cursor.

Events are only written by the group writer, one transaction at a time; on PostgreSQL the
batch takes an advisory lock first, so with several relays a ``seq`` never commits after a
larger one has been seen (a console could otherwise skip it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from relay.storage.engine import dialect_insert
from relay.storage.models import console_cursors, consoles, events
from relay.storage.records import Event, NewEvent
from relay.storage.writer import CoreStep, DriverStep, Op, sqlite_datetime, sqlite_json

EVENTS_LOCK = 0x5D_4E1A_0002
RETENTION = timedelta(days=7)

INSERT_EVENTS = CoreStep(
    events.insert(),
    lambda e: {
        "id": e.id,
        "type": e.type,
        "conversation_id": e.conversation_id,
        "widget_key": e.widget_key,
        "at": e.at,
        "data": e.data,
    },
)
SQLITE_INSERT_EVENTS = DriverStep(
    "INSERT INTO events (id, type, conversation_id, widget_key, at, data) "
    "VALUES (?, ?, ?, ?, ?, ?)",
    lambda e: (
        e.id,
        e.type,
        e.conversation_id,
        e.widget_key,
        sqlite_datetime(e.at),
        sqlite_json(e.data),
    ),
)
"""``event.insert`` (a ``NewEvent``), through SQLAlchemy and through the SQLite driver."""


def event_ops(new_events: Sequence[NewEvent]) -> list[Op]:
    return [("event.insert", e) for e in new_events]


async def lock_for_events(connection: AsyncConnection, kinds: set[str]) -> None:
    """Run before each group batch (PostgreSQL only): serialise batches that add events."""
    if "event.insert" in kinds:
        await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": EVENTS_LOCK})


def _acked(console_id: str) -> Any:
    return func.coalesce(
        select(console_cursors.c.acked_seq)
        .where(console_cursors.c.console_id == console_id)
        .scalar_subquery(),
        0,
    )


async def events_after(connection: AsyncConnection, console_id: str, limit: int) -> list[Event]:
    rows = await connection.execute(
        select(events)
        .where(events.c.seq > _acked(console_id))
        .order_by(events.c.seq)
        .limit(max(0, limit))
    )
    return [Event(**row) for row in rows.mappings()]


async def pending(connection: AsyncConnection, console_id: str) -> int:
    count = await connection.execute(
        select(func.count()).select_from(events).where(events.c.seq > _acked(console_id))
    )
    return int(count.scalar_one())


async def cursor(connection: AsyncConnection, console_id: str) -> int:
    """The console's acknowledged seq (0 before its first ack)."""
    return int((await connection.execute(select(_acked(console_id)))).scalar_one())


async def ack(connection: AsyncConnection, console_id: str, seq: int, now: datetime) -> int:
    """Move the console's cursor forward to ``seq`` (never back, never past the newest
    event); prune what every console has seen. Returns the cursor."""
    newest = (await connection.execute(select(func.max(events.c.seq)))).scalar_one() or 0
    current = await cursor(connection, console_id)
    target = max(current, min(int(seq), int(newest)))
    if target != current:
        await _upsert_cursor(connection, console_id, target)
        await prune(connection, now)
    return target


async def _upsert_cursor(connection: AsyncConnection, console_id: str, seq: int) -> None:
    values = {"console_id": console_id, "acked_seq": seq}
    statement: Any = dialect_insert(connection)(console_cursors).values(values)
    statement = statement.on_conflict_do_update(
        index_elements=[console_cursors.c.console_id], set_={"acked_seq": seq}
    )
    await connection.execute(statement)


async def prune(connection: AsyncConnection, now: datetime) -> int:
    """Delete events older than the retention window that every paired console acked (a
    revoked console waits for nothing)."""
    acked = func.coalesce(console_cursors.c.acked_seq, 0)
    joined = consoles.outerjoin(console_cursors, console_cursors.c.console_id == consoles.c.id)
    seen = (
        await connection.execute(
            select(func.min(acked)).select_from(joined).where(consoles.c.revoked_at.is_(None))
        )
    ).scalar_one()
    if not seen:
        return 0
    result = await connection.execute(
        delete(events).where(events.c.seq <= seen, events.c.at < now - RETENTION)
    )
    return int(result.rowcount or 0)
