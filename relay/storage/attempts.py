"""Attempts counted against a limit, kept in the relay database so that every relay on it
shares them (wrong pairing codes per address, shopper verifications per address and per
conversation).

An attempt is *reserved* before the work it guards begins — a burst of requests cannot slip
past the limit while the earlier ones are still waiting for the store — and *refunded*
afterwards when it turned out not to count (a right code, a proven order). A reservation
is one transaction: on PostgreSQL it holds an advisory lock per bucket, so two relays
counting the same address take turns; SQLite's single writer (``BEGIN IMMEDIATE``) already
serialises every process on the file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from relay.storage.models import attempts

LOCK_SPACE = 0x5D4E
"""The first key of PostgreSQL's two-key advisory locks taken for attempt buckets."""
_PRUNE_BATCH = 200


@dataclass(frozen=True, slots=True)
class AttemptLimit:
    """At most ``limit`` attempts for ``key`` within ``window``; ``limit <= 0`` is no limit."""

    name: str  # "pairing", "verify-address", "verify-conversation"
    key: str  # an address or a conversation id
    limit: int
    window: timedelta
    since: datetime | None = None
    """Attempts made before this moment are not counted (they were forgiven)."""


@dataclass(frozen=True, slots=True)
class Reservation:
    """``granted`` with the rows that count the attempt, or refused with ``retry_after``."""

    granted: bool
    ids: tuple[int, ...] = ()
    retry_after: float = 0.0


async def reserve(
    connection: AsyncConnection,
    buckets: Sequence[tuple[str, AttemptLimit]],
    now: datetime,
) -> Reservation:
    """Count one attempt in every bucket, or in none when any is at its limit."""
    active = sorted((b, limit) for b, limit in buckets if limit.limit > 0)
    if not active:
        return Reservation(granted=True)
    postgresql = connection.dialect.name == "postgresql"
    if postgresql:
        for bucket, _ in active:
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(CAST(:space AS integer), hashtext(:bucket))"),
                {"space": LOCK_SPACE, "bucket": bucket},
            )
    await _prune(connection, [b for b, _ in active], now, postgresql=postgresql)
    wait = 0.0
    for bucket, limit in active:
        wait = max(wait, await _wait(connection, bucket, limit, now))
    if wait > 0:
        return Reservation(granted=False, retry_after=wait)
    ids = []
    for bucket, limit in active:
        row = {"bucket": bucket, "at": now, "expires_at": now + limit.window}
        result = await connection.execute(insert(attempts).values(row).returning(attempts.c.id))
        ids.append(int(result.scalar_one()))
    return Reservation(granted=True, ids=tuple(ids))


async def _wait(
    connection: AsyncConnection, bucket: str, limit: AttemptLimit, now: datetime
) -> float:
    """Seconds until ``bucket`` takes another attempt (0.0: it takes one now)."""
    start = now - limit.window
    if limit.since is not None and limit.since > start:
        start = limit.since
    recent = (
        select(attempts.c.at)
        .where(attempts.c.bucket == bucket, attempts.c.at > start)
        .order_by(attempts.c.at.desc())
        .limit(limit.limit)
    )
    times = list((await connection.execute(recent)).scalars())
    if len(times) < limit.limit:
        return 0.0
    oldest = times[-1]  # the attempt whose expiry frees a place
    return max(1.0, float((oldest + limit.window - now).total_seconds()))


async def _prune(
    connection: AsyncConnection, buckets: list[str], now: datetime, *, postgresql: bool
) -> None:
    """Forget expired attempts: those of the locked buckets, and a batch of any others
    (on PostgreSQL only rows no other relay holds, so two relays never wait on each other)."""
    await connection.execute(
        delete(attempts).where(attempts.c.bucket.in_(buckets), attempts.c.expires_at <= now)
    )
    expired = select(attempts.c.id).where(attempts.c.expires_at <= now).limit(_PRUNE_BATCH)
    if postgresql:
        expired = expired.with_for_update(skip_locked=True)
    await connection.execute(delete(attempts).where(attempts.c.id.in_(expired.scalar_subquery())))


async def refund(connection: AsyncConnection, ids: Sequence[int]) -> None:
    if ids:
        await connection.execute(delete(attempts).where(attempts.c.id.in_(list(ids))))


async def count(connection: AsyncConnection) -> int:
    """Attempt rows kept (expired ones included until pruned)."""
    return int((await connection.execute(select(func.count()).select_from(attempts))).scalar_one())
