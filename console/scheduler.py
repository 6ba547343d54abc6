"""Scheduled sync while the console runs: each store at its interval, a full sync at night.

Every ``TICK_MS`` the scheduler reads the stores' schedules and runs the syncs that are
due, one store after another (never two scheduled syncs at once, so a console opened after
a long break does not start a storm). Runs missed while the console was closed are due at
once, but not before ``GRACE`` after the start: the console opens quietly, then each store
catches up once. The runner (the Stores screen's) takes the store's lock, so a "Sync now"
or a ``storedesk sync`` in a terminal is never doubled; it answers ``busy`` then.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from core.workspace.database import Workspace
from core.workspace.schedule import (
    NextRun,
    Outcome,
    Plan,
    ScheduleRepository,
    ScheduleState,
    next_run,
)
from core.workspace.stores import StoreEntry, StoreRepository

log = logging.getLogger("storedesk.console.schedule")
TICK_MS = 30_000
GRACE = timedelta(minutes=1)
Runner = Callable[[StoreEntry, Plan], Awaitable[Outcome]]


def local_zone() -> tzinfo:
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


class SyncScheduler(QObject):
    """``start()`` once the workspace is open; ``tick()`` runs what is due (tests call it
    with a fake clock)."""

    ran = Signal(str, str)  # store name, outcome
    checked = Signal(object)  # the list of ScheduleState just read

    def __init__(
        self,
        workspace: Workspace,
        stores: StoreRepository,
        run: Runner,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        zone: Callable[[], tzinfo] = local_zone,
        grace: timedelta = GRACE,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._schedules = ScheduleRepository(workspace, now=now)
        self._stores = stores
        self._run = run
        self._now = now
        self._zone = zone
        self.not_before = now() + grace
        self._ticking: asyncio.Task[Any] | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self.poke)

    def start(self) -> None:
        self._timer.start()
        self.poke()

    def stop(self) -> None:
        self._timer.stop()
        if self._ticking is not None:
            self._ticking.cancel()

    def poke(self) -> None:
        """Run a tick unless one is still running (a long sync spans many timer beats)."""
        if self._ticking is None or self._ticking.done():
            self._ticking = asyncio.ensure_future(self._safe_tick())

    async def _safe_tick(self) -> None:
        try:
            await self.tick()
        except Exception:  # the next beat tries again; a screen shows each sync's failure
            log.warning("A scheduled sync round failed", exc_info=True)

    def next_runs(self, states: list[ScheduleState] | None = None) -> dict[str, NextRun | None]:
        """Each store's next scheduled sync, by store name."""
        now, zone = self._now(), self._zone()
        found = self._schedules.states() if states is None else states
        return {s.store: self.next_run(s, now, zone) for s in found}

    def next_run(self, state: ScheduleState, now: datetime, zone: tzinfo) -> NextRun | None:
        """When the store syncs next, never before the grace after the console's start."""
        return next_run(state, now, zone, not_before=self.not_before)

    async def tick(self) -> list[tuple[str, Plan, Outcome]]:
        """Run every store's due sync, one after another; what ran and how it ended."""
        states = self._schedules.states()
        self.checked.emit(states)
        done: list[tuple[str, Plan, Outcome]] = []
        for state in states:
            due = self.next_run(state, self._now(), self._zone())
            if due is None or due.at > self._now():
                continue
            entry = self._stores.get(state.store)
            if entry is None:  # disconnected meanwhile
                continue
            log.info("Scheduled %s sync of store %r", due.plan, entry.name)
            outcome = await self._run(entry, due.plan)
            done.append((entry.name, due.plan, outcome))
            self.ran.emit(entry.name, outcome)
        if done:
            self.checked.emit(self._schedules.states())
        return done
