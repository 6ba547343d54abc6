"""Where each widget is installed: the page of every ``GET …/config`` (``Origin`` and
``Referer``, cleaned by ``core.pages``), kept at bounded cost.

Every page load asks for the config, so nothing is written per request: a page is noted in
memory at most once a minute (per widget, origin and path) and the notes are written in
one transaction every few seconds (``FLUSH_EVERY``), before the console reads them, and on
shutdown. Memory is bounded too: the throttle forgets the least recently noted pages first,
and notes beyond ``MAX_PENDING`` wait for the next minute. The database keeps at most
``MAX_PER_WIDGET`` pages per widget.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.pages import page_seen
from core.serialize import utc_iso
from relay.storage import installations as db

if TYPE_CHECKING:
    from relay.storage import RelayStore

log = logging.getLogger(__name__)

THROTTLE = 60.0
"""Seconds during which the same page of the same widget is noted once."""
FLUSH_EVERY = 10.0
MAX_REMEMBERED = 20_000
MAX_PENDING = 5_000

_Key = tuple[str, str, str]  # widget key, origin, path


class InstallationLog:
    def __init__(
        self,
        store: RelayStore,
        now: Callable[[], datetime],
        *,
        clock: Callable[[], float] = time.monotonic,
        throttle: float = THROTTLE,
        remembered: int = MAX_REMEMBERED,
        pending: int = MAX_PENDING,
        cap: int = db.MAX_PER_WIDGET,
    ) -> None:
        self._store = store
        self._now = now
        self._clock = clock
        self._throttle = throttle
        self._max_remembered = remembered
        self._max_pending = pending
        self._cap = cap
        self._noted: OrderedDict[_Key, float] = OrderedDict()
        self._pending: dict[_Key, datetime] = {}
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def note(self, widget_key: str, origin: str | None, referer: str | None) -> bool:
        """Note the page a config request came from; whether it will be written."""
        page = page_seen(origin, referer)
        if page is None:
            return False
        key = (widget_key, page.origin, page.path)
        moment = self._clock()
        last = self._noted.get(key)
        if last is not None and moment - last < self._throttle:
            return False
        if key not in self._pending and len(self._pending) >= self._max_pending:
            return False
        self._noted[key] = moment
        self._noted.move_to_end(key)
        while len(self._noted) > self._max_remembered:
            self._noted.popitem(last=False)
        self._pending[key] = self._now()
        return True

    async def flush(self) -> int:
        """Write the pages noted so far; how many. On failure they are noted again."""
        async with self._lock:
            pending, self._pending = self._pending, {}
            if not pending:
                return 0
            sightings = [db.Sighting(*key, at) for key, at in pending.items()]
            try:
                await self._store.write(lambda c: db.upsert(c, sightings, cap=self._cap))
            except BaseException:
                for key, at in pending.items():
                    self._pending.setdefault(key, at)
                raise
            return len(sightings)

    async def pages(self, widget_key: str) -> list[dict[str, Any]]:
        """The widget's pages as the console API shows them (what is noted is written first)."""
        await self.flush()
        found = await self._store.read(lambda c: db.list_for(c, widget_key))
        return [
            {
                "origin": record.origin,
                "path": record.path or None,
                "url": record.origin + record.path if record.path else None,
                "first_seen_at": utc_iso(record.first_seen_at),
                "last_seen_at": utc_iso(record.last_seen_at),
            }
            for record in found
        ]

    def start(self, every: float = FLUSH_EVERY) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(
                self._run(every), name="installations"
            )

    async def stop(self) -> None:
        """Stop the flushing task, then write what is left."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        try:
            await self.flush()
        except Exception:
            log.exception("Could not write the last widget installations noted")

    async def _run(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)
            try:
                await self.flush()
            except Exception:  # the database may be away for a moment: try again later
                log.exception("Writing widget installations failed; retrying shortly")
