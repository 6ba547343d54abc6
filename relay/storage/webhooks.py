"""The webhook inbox: verified deliveries in, processed (with their events) out.

A delivery is committed before the relay answers the platform (at least once); processing
marks it done in the same transaction that adds its console events, and only if it was
not done yet, so a delivery's effects reach the console once even if two workers try.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from relay.storage.engine import dialect_insert
from relay.storage.events import lock_for_events
from relay.storage.models import conversations, events, webhook_inbox
from relay.storage.records import Delivery, NewDelivery, NewEvent
from relay.storage.writer import CoreStep, DriverStep, Step, sqlite_datetime

KEEP = timedelta(days=7)
"""Processed deliveries are remembered (without their body) this long: a platform's retry
inside that window is recognised as a duplicate."""

inbox = webhook_inbox


def _row(d: NewDelivery) -> dict[str, Any]:
    return {
        "dedupe_key": d.dedupe_key,
        "platform": d.platform,
        "store_id": d.store_id,
        "topic": d.topic,
        "delivery_id": d.delivery_id,
        "body": d.body,
        "received_at": d.received_at,
        "attempts": 0,
    }


def _postgresql_insert() -> Any:
    from sqlalchemy.dialects.postgresql import insert as postgresql_insert

    return postgresql_insert(inbox).on_conflict_do_nothing(index_elements=["dedupe_key"])


SQLITE_INSERT = DriverStep(
    "INSERT INTO webhook_inbox (dedupe_key, platform, store_id, topic, delivery_id, body, "
    "received_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (dedupe_key) DO NOTHING",
    lambda d: (
        d.dedupe_key,
        d.platform,
        d.store_id,
        d.topic,
        d.delivery_id,
        d.body,
        sqlite_datetime(d.received_at),
    ),
)


def steps(postgresql: bool) -> list[tuple[str, Step]]:
    """``webhook.insert`` for the group writer: deliveries arriving together share one
    commit (one disk flush); a second copy of a delivery is dropped by its dedupe key."""
    if postgresql:
        return [("webhook.insert", CoreStep(_postgresql_insert(), _row))]
    return [("webhook.insert", SQLITE_INSERT)]


async def known(connection: AsyncConnection, dedupe_key: str) -> bool:
    found = await connection.execute(
        select(inbox.c.seq).where(inbox.c.dedupe_key == dedupe_key).limit(1)
    )
    return found.first() is not None


async def finish_many(
    connection: AsyncConnection,
    done: Sequence[tuple[int, str, Sequence[NewEvent]]],
    now: datetime,
    *,
    postgresql: bool,
) -> int:
    """``finish`` for several deliveries in one transaction (a statement per outcome, one
    for all the events); how many were finished now (not already done)."""
    if postgresql:
        await lock_for_events(connection, {"event.insert"})
    by_outcome: dict[str, list[int]] = {}
    for seq, outcome, _ in done:
        by_outcome.setdefault(outcome, []).append(seq)
    finished: set[int] = set()
    for outcome, seqs in by_outcome.items():
        rows = await connection.execute(
            update(inbox)
            .where(inbox.c.seq.in_(seqs), inbox.c.processed_at.is_(None))
            .values(processed_at=now, outcome=outcome, body=None, error=None)
            .returning(inbox.c.seq)
        )
        finished.update(rows.scalars())
    new_events = [e for seq, _, evs in done if seq in finished for e in evs]
    if new_events:
        await connection.execute(events.insert(), [_event_row(e) for e in new_events])
    return len(finished)


def _event_row(e: NewEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "type": e.type,
        "conversation_id": e.conversation_id,
        "widget_key": e.widget_key,
        "at": e.at,
        "data": e.data,
    }


async def insert(connection: AsyncConnection, delivery: NewDelivery) -> bool:
    """Add the delivery; ``False`` when one with its dedupe key is already there."""
    statement: Any = dialect_insert(connection)(inbox).values(
        dedupe_key=delivery.dedupe_key,
        platform=delivery.platform,
        store_id=delivery.store_id,
        topic=delivery.topic,
        delivery_id=delivery.delivery_id,
        body=delivery.body,
        received_at=delivery.received_at,
        attempts=0,
    )
    # RETURNING, not rowcount: drivers differ in what rowcount says for ON CONFLICT
    result = await connection.execute(statement.on_conflict_do_nothing().returning(inbox.c.seq))
    return result.first() is not None


_DELIVERY_COLUMNS = (
    inbox.c.seq,
    inbox.c.platform,
    inbox.c.store_id,
    inbox.c.topic,
    inbox.c.delivery_id,
    inbox.c.body,
    inbox.c.received_at,
    inbox.c.attempts,
)
"""The columns a ``Delivery`` is read from."""


def _is_due(now: datetime) -> tuple[Any, ...]:
    """Not processed yet, and its next attempt (if any) is due by ``now``."""
    return (
        inbox.c.processed_at.is_(None),
        or_(inbox.c.next_attempt_at.is_(None), inbox.c.next_attempt_at <= now),
    )


async def due(connection: AsyncConnection, now: datetime, limit: int = 200) -> list[Delivery]:
    """Deliveries not processed yet whose next attempt is due, oldest first."""
    rows = await connection.execute(
        select(*_DELIVERY_COLUMNS).where(*_is_due(now)).order_by(inbox.c.seq).limit(limit)
    )
    return [Delivery(**row) for row in rows.mappings()]


LEASE = timedelta(minutes=2)
"""How long a relay that claimed deliveries has them to itself (then they are due again)."""


async def claim(connection: AsyncConnection, now: datetime, limit: int = 200) -> list[Delivery]:
    """``due`` for several relays on PostgreSQL: the due deliveries no other relay holds,
    leased to this one for ``LEASE`` (rows another relay is claiming are skipped, not
    waited for), so each is processed by one relay; one that crashes leaves its lease to
    run out and another takes the delivery over."""
    picked = (
        select(inbox.c.seq)
        .where(*_is_due(now))
        .order_by(inbox.c.seq)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = await connection.execute(
        update(inbox)
        .where(inbox.c.seq.in_(picked.scalar_subquery()))
        .values(next_attempt_at=now + LEASE)
        .returning(*_DELIVERY_COLUMNS)
    )
    return sorted((Delivery(**row) for row in rows.mappings()), key=lambda d: d.seq)


async def finish(
    connection: AsyncConnection,
    seq: int,
    now: datetime,
    outcome: str,
    new_events: Sequence[NewEvent],
    *,
    postgresql: bool,
) -> bool:
    """Mark the delivery processed and add its events, once: ``False`` if it was done."""
    if postgresql and new_events:
        await lock_for_events(connection, {"event.insert"})
    done = await connection.execute(
        update(inbox)
        .where(inbox.c.seq == seq, inbox.c.processed_at.is_(None))
        .values(processed_at=now, outcome=outcome, body=None, error=None)
    )
    if not done.rowcount:
        return False
    if new_events:
        await connection.execute(events.insert(), [_event_row(e) for e in new_events])
    return True


async def retry_later(
    connection: AsyncConnection, seq: int, error: str, next_at: datetime | None, now: datetime
) -> None:
    """Count a failed attempt; ``next_at`` ``None`` gives up (kept as failed, body cleared)."""
    values: dict[str, Any] = {"attempts": inbox.c.attempts + 1, "error": error[:500]}
    if next_at is None:
        values.update(processed_at=now, outcome="failed", body=None)
    else:
        values["next_attempt_at"] = next_at
    await connection.execute(update(inbox).where(inbox.c.seq == seq).values(values))


async def prune(connection: AsyncConnection, now: datetime) -> int:
    result = await connection.execute(
        delete(inbox).where(inbox.c.processed_at.is_not(None), inbox.c.processed_at < now - KEEP)
    )
    return int(result.rowcount or 0)


async def forget_store(
    connection: AsyncConnection, store_id: str, now: datetime, keep: int | None
) -> None:
    """Drop the bodies still waiting for a store whose data must be erased (but ``keep``,
    the delivery asking for it)."""
    await connection.execute(
        update(inbox)
        .where(
            inbox.c.store_id == store_id,
            inbox.c.processed_at.is_(None),
            inbox.c.seq != (keep if keep is not None else -1),
        )
        .values(body=None, processed_at=now, outcome="erased")
    )


async def erase_conversations(
    connection: AsyncConnection, widget_keys: Sequence[str], email: str | None
) -> list[str]:
    """Delete the conversations (messages and leads follow) of these widgets: all of them,
    or only those of the shopper with ``email`` (compared without case). Their ids."""
    if not widget_keys:
        return []
    where: Any = conversations.c.widget_key.in_(list(widget_keys))
    if email is not None:
        where = and_(where, func.lower(conversations.c.customer_email) == email.strip().lower())
    ids = list((await connection.execute(select(conversations.c.id).where(where))).scalars())
    if ids:
        await connection.execute(delete(conversations).where(conversations.c.id.in_(ids)))
        # their messages and leads waiting in the console outbox go too
        await connection.execute(delete(events).where(events.c.conversation_id.in_(ids)))
    return ids


async def counts(connection: AsyncConnection) -> dict[str, int]:
    """Deliveries waiting, and processed by outcome (for status and tests)."""
    rows = await connection.execute(select(inbox.c.outcome, func.count()).group_by(inbox.c.outcome))
    return {str(outcome or "waiting"): int(n) for outcome, n in rows.all()}
