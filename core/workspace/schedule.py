"""Scheduled sync: each store's interval and nightly full sync, and when its next run is due.

A store without a row keeps the default schedule (every 15 minutes, a full sync at 03:00
local time), so stores connected before schedules existed go on being synced. The outcome
of every sync (whoever started it) is kept here too: the Stores screen shows it and three
failures in a row raise an alert.

``next_run`` is a pure function of the state and the clock: a run missed while the console
was closed is due at once, and ``not_before`` (the console's start plus a grace) turns
"at once" into "soon after start", one run per store whatever was missed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta, tzinfo
from typing import Any, Literal

from sqlalchemy import func, insert, select, update

from core.workspace.database import Workspace
from core.workspace.models import StoreRow, SyncRun, SyncScheduleRow
from core.workspace.paths import WorkspaceError

Plan = Literal["full", "incremental"]
Outcome = Literal["completed", "failed", "cancelled", "busy"]
DEFAULT_EVERY = 15
DEFAULT_NIGHTLY = time(3, 0)
EVERY_CHOICES = (0, 5, 15, 30, 60, 120, 240, 720, 1440)
"""The intervals the console offers (minutes; 0: off). The CLI takes any from 5 minutes."""
MIN_EVERY, MAX_EVERY = 5, 7 * 24 * 60
FAILURES_ALERT = 3
_EVERY = re.compile(r"^\s*(\d{1,5})\s*(m|min|mins|minutes?|h|hours?)?\s*$", re.IGNORECASE)
_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class Schedule:
    every_minutes: int = DEFAULT_EVERY  # 0: no interval sync
    nightly: time | None = DEFAULT_NIGHTLY  # local time of the nightly full sync, or off

    def describe(self) -> str:
        """``every 15 min, full at 03:00`` / ``off``."""
        parts = [f"every {format_every(self.every_minutes)}"] if self.every_minutes else []
        if self.nightly is not None:
            parts.append(f"full at {self.nightly:%H:%M}")
        return ", ".join(parts) if parts else "off"


@dataclass(frozen=True, slots=True)
class ScheduleState:
    """A store's schedule and its last runs (all times aware, UTC)."""

    store_id: int
    store: str
    schedule: Schedule
    created_at: datetime
    last_sync_at: datetime | None = None
    last_attempt_at: datetime | None = None
    last_full_at: datetime | None = None
    last_result: str | None = None
    last_message: str | None = None
    failures: int = 0

    @property
    def failing(self) -> bool:
        return self.failures >= FAILURES_ALERT


@dataclass(frozen=True, slots=True)
class NextRun:
    at: datetime
    plan: Plan


def parse_every(text: str) -> int:
    """``15m``, ``1h``, ``90`` (minutes) or ``off`` → minutes (0: off); ``ValueError`` with
    a sentence for anything else."""
    if text.strip().lower() in ("off", "0", "never", "none"):
        return 0
    found = _EVERY.match(text)
    if found is None:
        raise ValueError(f"{text!r} is not an interval: use e.g. 5m, 15m, 30m, 1h or off.")
    minutes = int(found.group(1)) * (60 if (found.group(2) or "m")[0].lower() == "h" else 1)
    if not MIN_EVERY <= minutes <= MAX_EVERY:
        raise ValueError(
            f"{text!r} is out of range: sync at most every {MIN_EVERY} minutes and at least "
            "once a week (or off)."
        )
    return minutes


def parse_nightly(text: str) -> time | None:
    """``03:00`` (24-hour local time) or ``off``."""
    if text.strip().lower() in ("off", "never", "none"):
        return None
    found = _CLOCK.match(text)
    if found is None or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise ValueError(f"{text!r} is not a time of day: use HH:MM, e.g. 03:00, or off.")
    return time(int(found.group(1)), int(found.group(2)))


def format_every(minutes: int) -> str:
    if minutes <= 0:
        return "off"
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} min"


def last_nightly(nightly: time, now: datetime, tz: tzinfo) -> datetime:
    """The latest moment at or before ``now`` that was ``nightly`` o'clock in ``tz``."""
    local = now.astimezone(tz)
    moment = datetime.combine(local.date(), nightly, tzinfo=tz)
    if moment > local:
        moment = datetime.combine(local.date() - timedelta(days=1), nightly, tzinfo=tz)
    return moment.astimezone(UTC)


def next_run(
    state: ScheduleState, now: datetime, tz: tzinfo, *, not_before: datetime | None = None
) -> NextRun | None:
    """When the store's next scheduled sync is due and which kind (``None``: never).

    The nightly full sync is due once the last ``HH:MM`` passed after the last full sync
    (or the store's connection); the interval sync ``every_minutes`` after the last sync
    of any kind. When both are due the full one runs: it covers the other.
    """
    schedule, found = state.schedule, []
    if schedule.nightly is not None:
        since = _latest(state.last_full_at, state.created_at)
        passed = last_nightly(schedule.nightly, now, tz)
        if since is None or passed > since:
            found.append(NextRun(passed, "full"))
        else:
            found.append(NextRun(passed + timedelta(days=1), "full"))
    if schedule.every_minutes > 0:
        since = _latest(state.last_attempt_at, state.last_sync_at)
        at = now if since is None else since + timedelta(minutes=schedule.every_minutes)
        found.append(NextRun(at, "incremental"))
    if not found:
        return None
    due = [run for run in found if run.at <= now]
    if due:
        chosen = NextRun(now, "full" if any(r.plan == "full" for r in due) else "incremental")
    else:
        chosen = min(found, key=_at)
    if not_before is not None and chosen.at < not_before:
        chosen = replace(chosen, at=not_before)
    return chosen


def _at(run: NextRun) -> datetime:
    return run.at


def _latest(*moments: datetime | None) -> datetime | None:
    known = [m for m in moments if m is not None]
    return max(known) if known else None


class ScheduleRepository:
    def __init__(
        self, workspace: Workspace, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._workspace = workspace
        self._now = now

    def states(self, store_id: int | None = None) -> list[ScheduleState]:
        """Every store's schedule and last runs, by store name."""
        full = (
            select(func.max(SyncRun.started_at))
            .where(SyncRun.store_id == StoreRow.id, SyncRun.full.is_(True))
            .correlate(StoreRow)
            .scalar_subquery()
        )
        query = (
            select(StoreRow.id, StoreRow.name, StoreRow.created_at, StoreRow.last_sync_at)
            .add_columns(full.label("full_run"), SyncScheduleRow)
            .outerjoin(SyncScheduleRow, SyncScheduleRow.store_id == StoreRow.id)
            .order_by(StoreRow.name)
        )
        if store_id is not None:
            query = query.where(StoreRow.id == store_id)
        with self._workspace.session() as session:
            return [_state(*row) for row in session.execute(query).all()]

    def state(self, store_id: int) -> ScheduleState:
        found = self.states(store_id)
        if not found:
            raise WorkspaceError(f"Store #{store_id} no longer exists in this workspace.")
        return found[0]

    def set(self, store_id: int, schedule: Schedule) -> ScheduleState:
        if schedule.every_minutes and not MIN_EVERY <= schedule.every_minutes <= MAX_EVERY:
            raise WorkspaceError(f"Sync at most every {MIN_EVERY} minutes and at least weekly.")
        nightly = None if schedule.nightly is None else f"{schedule.nightly:%H:%M}"
        self._upsert(store_id, {"every_minutes": schedule.every_minutes, "nightly": nightly})
        return self.state(store_id)

    def record(self, store_id: int, *, full: bool, outcome: Outcome, message: str = "") -> None:
        """Keep a sync's outcome: a failure adds to the store's run of failures, a
        completed sync ends it; a busy or cancelled one leaves the run as it was."""
        now = self._now()
        values: dict[str, Any] = {"last_result": outcome, "last_message": message[:2000] or None}
        if outcome != "busy":  # a busy store is tried again soon: the other sync may end
            values["last_attempt_at"] = now
            if full:
                values["last_full_attempt_at"] = now
        if outcome == "completed":
            values["failures"] = 0
        elif outcome == "failed":
            values["failures"] = SyncScheduleRow.failures + 1
        self._upsert(store_id, values)

    def _upsert(self, store_id: int, values: dict[str, Any]) -> None:
        with self._workspace.engine.begin() as connection:
            known = connection.scalar(
                select(SyncScheduleRow.store_id).where(SyncScheduleRow.store_id == store_id)
            )
            if known is None:
                nightly = f"{DEFAULT_NIGHTLY:%H:%M}"
                base = {"every_minutes": DEFAULT_EVERY, "nightly": nightly, "failures": 0}
                connection.execute(insert(SyncScheduleRow).values(store_id=store_id, **base))
            connection.execute(
                update(SyncScheduleRow).where(SyncScheduleRow.store_id == store_id).values(values)
            )


def _state(
    store_id: int,
    name: str,
    created_at: datetime,
    last_sync_at: datetime | None,
    full_run: datetime | None,
    row: SyncScheduleRow | None,
) -> ScheduleState:
    if row is None:
        return ScheduleState(store_id, name, Schedule(), created_at, last_sync_at, None, full_run)
    nightly = parse_nightly(row.nightly) if row.nightly else None
    return ScheduleState(
        store_id,
        name,
        Schedule(row.every_minutes, nightly),
        created_at,
        last_sync_at,
        row.last_attempt_at,
        _latest(row.last_full_attempt_at, _aware(full_run)),
        row.last_result,
        row.last_message,
        row.failures,
    )


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment
