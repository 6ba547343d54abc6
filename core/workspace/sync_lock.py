"""One sync of a store at a time, across processes: a lock row with a lease.

Whoever syncs a store (the console's schedule, its "Sync now", ``storedesk sync`` in a
terminal) first takes the store's row in ``sync_locks``. SQLite serialises the writers, so
of two processes only one inserts it; the other is told who holds it. The holder renews
the lease while it syncs (``hold``); a holder that crashed stops renewing, and once its
lease has run out the next sync takes the lock over. Cursors are only ever written under
the lock, so two syncs never race on them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from core.workspace.database import Workspace
from core.workspace.models import SyncLockRow
from core.workspace.paths import WorkspaceError

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=2)
"""How long a lock outlives its last renewal: a crashed holder blocks the store this long."""
RENEW_EVERY = 30.0  # seconds between two renewals while the sync runs
Sleep = Callable[[float], Awaitable[Any]]


class SyncBusy(WorkspaceError):
    """The store is already being synced (by this process or another one)."""

    def __init__(self, store: str, holder: str, since: datetime) -> None:
        self.store, self.holder, self.since = store, holder, since
        super().__init__(
            f"{store} is already syncing ({holder}, since {since:%H:%M} UTC); this sync did "
            "not start. Wait for that one to finish, or try again in a few minutes."
        )


@dataclass(frozen=True, slots=True)
class LockHolder:
    owner: str
    holder: str
    acquired_at: datetime
    expires_at: datetime


def new_owner() -> str:
    """A token naming one sync: host, process and a random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _ended(owner: str) -> bool:
    """Whether ``owner`` (``new_owner``'s token) is a process of this computer that is gone
    (or a zombie); a process elsewhere, or one that may still run, is not."""
    host, _, rest = owner.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname()[:30] or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # not ours to signal: it runs
        return False
    try:  # a killed child its parent has not reaped yet still answers signal 0
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[:1] == ["Z"]


class SyncLocks:
    def __init__(
        self,
        workspace: Workspace,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        lease: timedelta = LEASE,
    ) -> None:
        self._workspace = workspace
        self._now = now
        self._lease = lease

    def acquire(self, store_id: int, store: str, holder: str, owner: str) -> None:
        """Take the store's lock or raise ``SyncBusy``; an expired lease is taken over."""
        now = self._now()
        with self._workspace.engine.begin() as connection:
            stale = connection.execute(
                delete(SyncLockRow).where(
                    SyncLockRow.store_id == store_id, SyncLockRow.expires_at <= now
                )
            )
            if stale.rowcount:
                log.warning("Store %r: took over a sync lock whose holder stopped renewing", store)
            values = {
                "store_id": store_id,
                "owner": owner,
                "holder": holder,
                "acquired_at": now,
                "expires_at": now + self._lease,
            }
            for _ in range(2):
                try:
                    with connection.begin_nested():
                        connection.execute(insert(SyncLockRow).values(values))
                    return
                except IntegrityError:
                    pass
                row = connection.execute(
                    select(SyncLockRow.owner, SyncLockRow.holder, SyncLockRow.acquired_at).where(
                        SyncLockRow.store_id == store_id
                    )
                ).one()
                if not _ended(row.owner):
                    break
                # its process on this computer is gone (killed): no need to wait for the lease
                connection.execute(
                    delete(SyncLockRow).where(
                        SyncLockRow.store_id == store_id, SyncLockRow.owner == row.owner
                    )
                )
                log.warning("Store %r: took over the sync lock of a process that ended", store)
        raise SyncBusy(store, row.holder, row.acquired_at)

    def renew(self, store_id: int, owner: str) -> bool:
        """Extend the lease; ``False`` when the lock is no longer this owner's."""
        with self._workspace.engine.begin() as connection:
            done = connection.execute(
                update(SyncLockRow)
                .where(SyncLockRow.store_id == store_id, SyncLockRow.owner == owner)
                .values(expires_at=self._now() + self._lease)
            )
        return bool(done.rowcount)

    def release(self, store_id: int, owner: str) -> None:
        with self._workspace.engine.begin() as connection:
            connection.execute(
                delete(SyncLockRow).where(
                    SyncLockRow.store_id == store_id, SyncLockRow.owner == owner
                )
            )

    def holder(self, store_id: int) -> LockHolder | None:
        """Who holds the store's lock now (an expired lease counts as free)."""
        with self._workspace.engine.connect() as connection:
            row = connection.execute(
                select(SyncLockRow).where(
                    SyncLockRow.store_id == store_id, SyncLockRow.expires_at > self._now()
                )
            ).one_or_none()
        if row is None:
            return None
        return LockHolder(row.owner, row.holder, row.acquired_at, row.expires_at)

    @contextlib.asynccontextmanager
    async def hold(
        self,
        store_id: int,
        store: str,
        holder: str,
        *,
        sleep: Sleep = asyncio.sleep,
        every: float = RENEW_EVERY,
    ) -> AsyncIterator[str]:
        """``async with locks.hold(...)``: the lock, renewed while the body runs, released
        after it (whatever happens); raises ``SyncBusy`` when another sync holds it."""
        owner = new_owner()
        self.acquire(store_id, store, holder, owner)
        heartbeat = asyncio.ensure_future(self._heartbeat(store_id, store, owner, sleep, every))
        try:
            yield owner
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
            self.release(store_id, owner)

    async def _heartbeat(
        self, store_id: int, store: str, owner: str, sleep: Sleep, every: float
    ) -> None:
        while True:
            await sleep(every)
            try:
                kept = self.renew(store_id, owner)
            except Exception:  # a busy database now and then: the next beat tries again
                log.debug("Store %r: could not renew the sync lock", store, exc_info=True)
                continue
            if not kept:
                log.warning("Store %r: the sync lock was taken over", store)
                return
