"""Every relay on one PostgreSQL database sees a publish made through any of them at once.

A publish announces itself with ``NOTIFY`` in its own transaction (``relay.storage.notify``);
this listener holds one connection of its own with ``LISTEN`` and, on a notice from another
relay on the same database, reloads the published state (widgets, knowledge, stores) and
the paired consoles, then lets ``changed`` follow (closing removed stores' connectors).
After its connection is lost it reconnects and reloads once, for what it may have missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from relay.storage import RelayStore
from relay.storage import notify as notify_db

log = logging.getLogger("relay.shared")
RETRY = 2.0


class PublishListener:
    def __init__(
        self,
        store: RelayStore,
        changed: Callable[[], Awaitable[None] | None],
        *,
        retry: float = RETRY,
    ) -> None:
        self._store = store
        self._changed = changed
        self._retry = retry
        self._task: asyncio.Task[None] | None = None
        self._relay_id = ""
        self.listening = asyncio.Event()
        self.reloads = 0
        self._logged_down = False

    async def start(self, *, wait: float = 5.0) -> None:
        self._relay_id = await self._store.relay_id()
        self._task = asyncio.create_task(self._run())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.listening.wait(), wait)

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        import psycopg

        dsn = notify_db.libpq_url(self._store.url)
        first = True
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(dsn, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {notify_db.CHANNEL}")
                    self.listening.set()
                    if self._logged_down:
                        log.info("Listening for other relays' publishes again.")
                        self._logged_down = False
                    if not first:  # a publish may have come and gone while away
                        await self._reload()
                    first = False
                    async for notice in conn.notifies():
                        data = notify_db.read(notice.payload)
                        if data is None or data["relay"] != self._relay_id:
                            continue
                        if data["from"] != self._store.instance:
                            await self._reload()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # psycopg.OperationalError and friends
                self.listening.clear()
                if not self._logged_down:
                    self._logged_down = True
                    log.warning(
                        "Not listening for other relays' publishes (%s); retrying every %ss.",
                        type(exc).__name__,
                        self._retry,
                    )
            await asyncio.sleep(self._retry)

    async def _reload(self) -> None:
        try:
            await self._store.reload()
        except Exception as exc:
            log.warning("Another relay published, but reloading failed (%s).", type(exc).__name__)
            return
        self.reloads += 1
        log.info(
            "Another relay published or changed the team; reloaded (widgets: %d).",
            self._store.widget_count(),
        )
        result = self._changed()
        if result is not None:
            await result
