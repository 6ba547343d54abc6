"""Scheduled sync in the console: stores synced at their interval and at night, missed runs
caught up once after start, never two syncs of one store at once (not even with a
`storedesk sync` in another process), the schedule shown and edited on the Stores screen,
and a store that keeps failing raising one notification and a Dashboard banner."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import update

from console.app import window_settings
from console.commands.store import connection_for_demo
from console.context import ConsoleContext
from console.scheduler import SyncScheduler
from console.views.dashboard import DashboardView
from console.views.store_schedule import ScheduleDialog
from console.views.stores import StoresView
from console.window import MainWindow
from core.workspace.models import StoreRow
from core.workspace.schedule import Outcome, Plan, Schedule, ScheduleRepository
from core.workspace.stores import StoreEntry
from core.workspace.sync_lock import SyncLocks
from tests.console.gui.helpers import wait_until

ZONE = timezone(timedelta(hours=1))
START = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
CONNECTED = START - timedelta(minutes=1)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _demo(ctx: ConsoleContext, name: str = "demo") -> StoreEntry:
    """A store connected just before the tests' clock starts (``CONNECTED``)."""
    settings, secrets = connection_for_demo()
    entry = ctx.session.stores.add(name, "sql", settings, secrets)
    with ctx.session.workspace.session() as session:
        session.execute(
            update(StoreRow).where(StoreRow.id == entry.id).values(created_at=CONNECTED)
        )
        session.commit()
    return entry


def _broken(ctx: ConsoleContext, tmp_path: Any) -> StoreEntry:
    settings, _ = connection_for_demo()
    url = f"sqlite:///{tmp_path / 'gone' / 'shop.sqlite'}"
    return ctx.session.stores.add("broken", "sql", settings, {"url": url})


class FakeRunner:
    """Records the syncs the scheduler asks for, and how many ran at the same time."""

    def __init__(self, ctx: ConsoleContext, clock: Clock) -> None:
        self.schedules = ScheduleRepository(ctx.session.workspace, now=clock)
        self.ran: list[tuple[str, Plan]] = []
        self.running = 0
        self.most = 0

    async def __call__(self, entry: StoreEntry, plan: Plan) -> Outcome:
        self.running += 1
        self.most = max(self.most, self.running)
        await asyncio.sleep(0)
        self.ran.append((entry.name, plan))
        self.schedules.record(entry.id, full=plan == "full", outcome="completed")
        self.running -= 1
        return "completed"


async def test_interval_nightly_and_a_catch_up_after_start(ctx: ConsoleContext) -> None:
    clock = Clock(START)
    for name in ("a-shop", "b-shop"):
        _demo(ctx, name)
    runner = FakeRunner(ctx, clock)
    scheduler = SyncScheduler(ctx.session.workspace, ctx.session.stores, runner, now=clock,
                              zone=lambda: ZONE)  # fmt: skip
    assert await scheduler.tick() == []  # the console just opened: nothing yet
    clock.now += timedelta(minutes=1)
    # never synced: each store once, one after the other
    assert [(n, p) for n, p, _ in await scheduler.tick()] == [
        ("a-shop", "incremental"),
        ("b-shop", "incremental"),
    ]
    assert runner.most == 1
    assert await scheduler.tick() == []  # not twice
    clock.now += timedelta(minutes=14)
    assert await scheduler.tick() == []
    clock.now += timedelta(minutes=1, seconds=1)
    assert [p for _, p, _ in await scheduler.tick()] == ["incremental", "incremental"]
    # 03:00 on the merchant's clock (02:00 UTC): the full sync, once
    clock.now = datetime(2026, 12, 7, 2, 0, 10, tzinfo=UTC)
    assert [p for _, p, _ in await scheduler.tick()] == ["full", "full"]
    clock.now += timedelta(minutes=5)
    assert await scheduler.tick() == []
    # the console is closed for two days, then opened: one catch-up each, after the grace
    clock.now += timedelta(days=2)
    reopened = SyncScheduler(ctx.session.workspace, ctx.session.stores, runner, now=clock,
                             zone=lambda: ZONE)  # fmt: skip
    assert await reopened.tick() == []
    clock.now += timedelta(minutes=1)
    assert [p for _, p, _ in await reopened.tick()] == ["full", "full"]
    assert await reopened.tick() == []


async def test_a_store_set_to_off_is_left_alone(ctx: ConsoleContext) -> None:
    clock = Clock(START)
    entry = _demo(ctx)
    ScheduleRepository(ctx.session.workspace).set(entry.id, Schedule(0, None))
    runner = FakeRunner(ctx, clock)
    scheduler = SyncScheduler(ctx.session.workspace, ctx.session.stores, runner, now=clock,
                              grace=timedelta(0))  # fmt: skip
    clock.now += timedelta(days=3)
    assert await scheduler.tick() == []


async def test_a_scheduled_sync_waits_while_another_process_syncs(ctx: ConsoleContext) -> None:
    entry = _demo(ctx)
    view = StoresView(ctx)
    locks = SyncLocks(ctx.session.workspace)
    locks.acquire(entry.id, entry.name, "storedesk sync in a terminal", "other-process")
    assert await view.run_scheduled(entry, "incremental") == "busy"
    assert ctx.session.stores.sync_runs(entry) == []  # nothing was written
    assert ctx.session.stores.cursors(entry) == {"customers": None, "orders": None,
                                                 "products": None}  # fmt: skip
    assert "already syncing (storedesk sync in a terminal" in view.detail.message.text()
    state = ScheduleRepository(ctx.session.workspace).state(entry.id)
    assert (state.last_result, state.failures) == ("busy", 0)
    # Sync now says so as well, in the window's error box
    failures: list[tuple[str, str]] = []
    ctx.failed.connect(lambda what, sentence: failures.append((what, sentence)))
    view.sync(entry)
    await wait_until(lambda: failures)
    assert "already syncing" in failures[0][1]
    locks.release(entry.id, "other-process")
    assert await view.run_scheduled(entry, "full") == "completed"
    [run] = ctx.session.stores.sync_runs(entry)
    assert (run.status, run.full) == ("completed", True)
    assert locks.holder(entry.id) is None


async def test_the_stores_screen_shows_and_edits_the_schedule(ctx: ConsoleContext) -> None:
    entry = _demo(ctx)
    view = StoresView(ctx)
    view.show()
    assert "Automatic sync: every 15 min, full at 03:00" in view.detail.schedule_label.text()
    assert view.stores.data(view.stores.index(0, 6)) not in ("", "off")  # Next sync column
    dialog = view.edit_schedule(entry)
    assert isinstance(dialog, ScheduleDialog)
    dialog.every.setCurrentIndex(dialog.every.findData(60))
    dialog.time.setTime(dialog.time.time().fromString("01:30", "HH:mm"))
    dialog._save()
    assert ScheduleRepository(ctx.session.workspace).state(entry.id).schedule == Schedule(
        60, time(1, 30)
    )
    assert "every 1 hour, full at 01:30" in view.detail.schedule_label.text()
    dialog = view.edit_schedule(entry)
    dialog.every.setCurrentIndex(dialog.every.findData(0))
    dialog.nightly.setChecked(False)
    dialog._save()
    assert "Automatic sync: off" in view.detail.schedule_label.text()
    assert view.stores.data(view.stores.index(0, 6)) == "off"


async def test_repeated_failures_notify_once_and_show_until_resolved(
    ctx: ConsoleContext, tmp_path: Any
) -> None:
    entry = _broken(ctx, tmp_path)
    window = MainWindow(window_settings(ctx.data_dir), ctx)
    stores = next(v for v in window.views if isinstance(v, StoresView))
    dashboard = next(v for v in window.views if isinstance(v, DashboardView))
    for _ in range(2):
        assert await stores.run_scheduled(entry, "incremental") == "failed"
    assert window.notifications == [] and not dashboard.alert_box.isVisibleTo(dashboard)
    for _ in range(2):  # the third failure notifies; the fourth does not again
        assert await stores.run_scheduled(entry, "incremental") == "failed"
    titles = [title for title, _ in window.notifications]
    assert titles == ["broken cannot sync"]
    assert dashboard.alert_box.isVisibleTo(dashboard)
    assert "The last 4 syncs failed" in dashboard.alert_label.text()
    # the shop is back: the alert ends, and a later incident is notified again
    _, secrets = connection_for_demo()
    ctx.session.stores.update_secrets(entry, secrets)
    assert await stores.run_scheduled(entry, "incremental") == "completed"
    assert not dashboard.alert_box.isVisibleTo(dashboard)
    ctx.session.stores.update_secrets(entry, {"url": f"sqlite:///{tmp_path / 'x' / 'y.db'}"})
    for _ in range(3):
        await stores.run_scheduled(entry, "incremental")
    assert [title for title, _ in window.notifications] == ["broken cannot sync"] * 2


async def test_relay_alerts_are_notified_once_per_incident(ctx: ConsoleContext) -> None:
    window = MainWindow(window_settings(ctx.data_dir), ctx)
    dashboard = next(v for v in window.views if isinstance(v, DashboardView))
    raised = {"alerts": {"state": "alert", "alerts": [
        {"kind": "error_rate", "message": "7.0% of the relay's answers were server errors.",
         "value": 0.07, "threshold": 0.05}]}}  # fmt: skip
    calm: dict[str, Any] = {"alerts": {"state": "ok", "alerts": []}}
    for _ in range(3):
        ctx.alerts.update_relay(raised)
    ctx.alerts.update_relay(None)  # the relay did not answer: nothing is concluded
    assert window.notifications == [
        ("The relay answers with errors", "7.0% of the relay's answers were server errors.")
    ]
    assert "The relay answers with errors" in dashboard.alert_label.text()
    ctx.alerts.update_relay(calm)
    assert not dashboard.alert_box.isVisibleTo(dashboard)
    ctx.alerts.update_relay(raised)
    assert len(window.notifications) == 2
