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

KEEP = timedelta(days=7)
"""Processed deliveries are remembered (without their body) this long: a platform's retry
inside that window is recognised as a duplicate."""

inbox = webhook_inbox


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


async def due(connection: AsyncConnection, now: datetime, limit: int) -> list[Delivery]:
    """Deliveries not processed yet whose next attempt is due, oldest first."""
    rows = await connection.execute(
        select(
            inbox.c.seq,
            inbox.c.platform,
            inbox.c.store_id,
            inbox.c.topic,
            inbox.c.delivery_id,
            inbox.c.body,
            inbox.c.received_at,
            inbox.c.attempts,
        )
        .where(
            inbox.c.processed_at.is_(None),
            or_(inbox.c.next_attempt_at.is_(None), inbox.c.next_attempt_at <= now),
        )
        .order_by(inbox.c.seq)
        .limit(limit)
    )
    return [Delivery(**row) for row in rows.mappings()]


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
        await connection.execute(
            events.insert(),
            [
                {
                    "id": e.id,
                    "type": e.type,
                    "conversation_id": e.conversation_id,
                    "widget_key": e.widget_key,
                    "at": e.at,
                    "data": e.data,
                }
                for e in new_events
            ],
        )
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
    return ids


async def counts(connection: AsyncConnection) -> dict[str, int]:
    """Deliveries waiting, and processed by outcome (for status and tests)."""
    rows = await connection.execute(select(inbox.c.outcome, func.count()).group_by(inbox.c.outcome))
    return {str(outcome or "waiting"): int(n) for outcome, n in rows.all()}
