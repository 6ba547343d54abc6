"""Scheduled sync: when a store's next sync is due (interval, nightly full sync, runs
missed while the console was closed) and how the outcome of each sync is kept."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta, timezone
from pathlib import Path

import pytest

from core.vault import Vault
from core.workspace import Workspace
from core.workspace.schedule import (
    NextRun,
    Schedule,
    ScheduleRepository,
    ScheduleState,
    next_run,
    parse_every,
    parse_nightly,
)
from core.workspace.stores import StoreRepository, finish_sync_run, start_sync_run

BERLIN = timezone(timedelta(hours=1))  # the merchant's clock: 03:00 here is 02:00 UTC
CREATED = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _state(**values: object) -> ScheduleState:
    base: dict[str, object] = {"store_id": 1, "store": "shop", "schedule": Schedule(),
                               "created_at": CREATED}  # fmt: skip
    base.update(values)
    return ScheduleState(**base)  # type: ignore[arg-type]


def test_the_interval_counts_from_the_last_sync_of_any_kind() -> None:
    last = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    state = _state(schedule=Schedule(15, None), last_sync_at=last)
    assert next_run(state, last + timedelta(minutes=5), BERLIN) == NextRun(
        last + timedelta(minutes=15), "incremental"
    )
    due = last + timedelta(minutes=15)
    assert next_run(state, due, BERLIN) == NextRun(due, "incremental")
    # a sync the schedule started (even one that failed) counts as well
    tried = last + timedelta(minutes=20)
    later = _state(schedule=Schedule(15, None), last_sync_at=last, last_attempt_at=tried)
    assert next_run(later, tried + timedelta(minutes=1), BERLIN) == NextRun(
        tried + timedelta(minutes=15), "incremental"
    )


def test_a_store_never_synced_is_due_at_once_and_off_is_never() -> None:
    now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    assert next_run(_state(schedule=Schedule(30, None)), now, BERLIN) == NextRun(now, "incremental")
    assert next_run(_state(schedule=Schedule(0, None)), now, BERLIN) is None


def test_the_nightly_full_sync_runs_at_the_local_hour_once_a_night() -> None:
    evening = datetime(2026, 12, 5, 22, 0, tzinfo=UTC)
    # 03:00 in Berlin is 02:00 UTC; last night's full sync ran, the next is tonight's
    ran = datetime(2026, 12, 5, 2, 0, 5, tzinfo=UTC)
    state = _state(schedule=Schedule(0, time(3, 0)), last_full_at=ran)
    assert next_run(state, evening, BERLIN) == NextRun(
        datetime(2026, 12, 6, 2, 0, tzinfo=UTC), "full"
    )
    night = datetime(2026, 12, 6, 2, 0, 30, tzinfo=UTC)
    assert next_run(state, night, BERLIN) == NextRun(night, "full")
    done = _state(schedule=Schedule(0, time(3, 0)), last_full_at=night)
    assert next_run(done, night + timedelta(hours=5), BERLIN) == NextRun(
        datetime(2026, 12, 7, 2, 0, tzinfo=UTC), "full"
    )


def test_a_new_store_waits_for_its_first_night() -> None:
    created = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
    state = _state(schedule=Schedule(0, time(3, 0)), created_at=created)
    assert next_run(state, created + timedelta(hours=1), BERLIN) == NextRun(
        datetime(2026, 12, 7, 2, 0, tzinfo=UTC), "full"
    )


def test_when_both_are_due_the_full_sync_runs() -> None:
    last = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
    state = _state(schedule=Schedule(15, time(3, 0)), last_sync_at=last, last_full_at=last)
    now = datetime(2026, 12, 5, 2, 10, tzinfo=UTC)
    assert next_run(state, now, BERLIN) == NextRun(now, "full")


def test_runs_missed_while_closed_catch_up_once_soon_after_start() -> None:
    """A console opened after three days: one full sync shortly after start, not three
    nightly runs and hundreds of interval runs."""
    last = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
    state = _state(schedule=Schedule(15, time(3, 0)), last_sync_at=last, last_full_at=last)
    opened = datetime(2026, 12, 5, 9, 0, tzinfo=UTC)
    grace = opened + timedelta(minutes=1)
    assert next_run(state, opened, BERLIN, not_before=grace) == NextRun(grace, "full")
    after = _state(
        schedule=Schedule(15, time(3, 0)), last_sync_at=grace, last_attempt_at=grace,
        last_full_at=grace,
    )  # fmt: skip
    assert next_run(after, grace + timedelta(seconds=30), BERLIN, not_before=grace) == NextRun(
        grace + timedelta(minutes=15), "incremental"
    )


@pytest.mark.parametrize(
    ("text", "minutes"),
    [("15m", 15), ("5", 5), ("1h", 60), ("2 hours", 120), ("off", 0), ("30min", 30)],
)
def test_intervals_are_read_as_people_write_them(text: str, minutes: int) -> None:
    assert parse_every(text) == minutes


@pytest.mark.parametrize("text", ["1m", "fast", "-5m", "99999h", ""])
def test_a_bad_interval_is_explained(text: str) -> None:
    with pytest.raises(ValueError, match=r"interval|out of range"):
        parse_every(text)


def test_nightly_times() -> None:
    assert parse_nightly("03:00") == time(3, 0)
    assert parse_nightly("23:30") == time(23, 30)
    assert parse_nightly("off") is None
    for bad in ("24:00", "3pm", "03:60"):
        with pytest.raises(ValueError, match="HH:MM"):
            parse_nightly(bad)


@pytest.fixture
def stores(tmp_path: Path) -> StoreRepository:
    workspace = Workspace.open(tmp_path)
    return StoreRepository(workspace, Vault.open(tmp_path))


def test_a_store_without_a_schedule_keeps_the_default(stores: StoreRepository) -> None:
    entry = stores.add("shop", "sql", {}, {"url": "sqlite://"})
    workspace = stores._workspace
    state = ScheduleRepository(workspace).state(entry.id)
    assert state.schedule == Schedule(15, time(3, 0))
    assert state.schedule.describe() == "every 15 min, full at 03:00"
    changed = ScheduleRepository(workspace).set(entry.id, Schedule(60, None))
    assert changed.schedule.describe() == "every 1 hour"
    assert ScheduleRepository(workspace).set(entry.id, Schedule(0, None)).schedule.describe() == (
        "off"
    )


def test_failures_in_a_row_are_counted_until_a_sync_completes(stores: StoreRepository) -> None:
    entry = stores.add("shop", "sql", {}, {"url": "sqlite://"})
    clock = [datetime(2026, 12, 6, 10, 0, tzinfo=UTC)]
    schedules = ScheduleRepository(stores._workspace, now=lambda: clock[0])
    for _ in range(3):
        schedules.record(entry.id, full=False, outcome="failed", message="The shop is down.")
    state = schedules.state(entry.id)
    assert (state.failures, state.failing, state.last_message) == (3, True, "The shop is down.")
    schedules.record(entry.id, full=False, outcome="busy", message="already syncing")
    assert schedules.state(entry.id).failures == 3  # busy says nothing about the shop
    schedules.record(entry.id, full=True, outcome="completed")
    state = schedules.state(entry.id)
    assert (state.failures, state.failing, state.last_full_at) == (0, False, clock[0])


def test_a_full_sync_from_the_terminal_counts_for_the_night(stores: StoreRepository) -> None:
    entry = stores.add("shop", "sql", {}, {"url": "sqlite://"})
    started = datetime(2026, 12, 6, 2, 30, tzinfo=UTC)
    with stores._workspace.engine.begin() as connection:
        run = start_sync_run(connection, entry.id, started, True)
        finish_sync_run(connection, run, store_id=entry.id, finished=started, status="completed",
                        counts={}, errors=[])  # fmt: skip
    state = ScheduleRepository(stores._workspace).set(entry.id, Schedule(0, time(3, 0)))
    assert state.last_full_at == started
    assert next_run(state, started + timedelta(hours=1), UTC) == NextRun(
        datetime(2026, 12, 7, 3, 0, tzinfo=UTC), "full"
    )
