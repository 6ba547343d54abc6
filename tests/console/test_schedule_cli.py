"""`storedesk store schedule`, the schedule in `storedesk store list`, `storedesk alerts`,
and `storedesk sync` refusing to run beside another sync of the same store."""

from __future__ import annotations

import json

from core.vault import Vault
from core.workspace import Workspace
from core.workspace.schedule import ScheduleRepository
from core.workspace.stores import StoreRepository
from core.workspace.sync_lock import SyncLocks
from tests.console.conftest import Cli


def _add_demo(cli: Cli) -> None:
    code, out, _ = cli("store", "add", "sql", "--name", "demo", "--demo")
    assert code == 0, out


def _store_id(cli: Cli) -> int:
    workspace = Workspace.open(cli.data_dir)
    try:
        entry = StoreRepository(workspace, Vault.open(cli.data_dir)).get("demo")
        assert entry is not None
        return entry.id
    finally:
        workspace.close()


def test_schedule_is_set_and_listed(cli: Cli) -> None:
    _add_demo(cli)
    code, out, _ = cli("store", "list")
    assert code == 0 and "automatic sync every 15 min, full at 03:00" in out
    code, out, _ = cli("store", "schedule", "demo", "--every", "30m", "--nightly", "02:30")
    assert code == 0
    assert out.startswith("demo: automatic sync every 30 min, full at 02:30; next ")
    code, out, _ = cli("store", "schedule", "demo", "--nightly", "off")
    assert "every 30 min;" in out and "full at" not in out
    code, out, _ = cli("store", "list", "--json")
    [listed] = json.loads(out)
    assert listed["schedule"] == {"every_minutes": 30, "nightly": None, "last_result": None,
                                  "failures": 0}  # fmt: skip
    code, out, _ = cli("store", "schedule", "demo", "--every", "off")
    assert out == "demo: automatic sync off.\n"


def test_a_bad_schedule_is_explained(cli: Cli) -> None:
    _add_demo(cli)
    code, _, err = cli("store", "schedule", "demo", "--every", "2m")
    assert code == 2 and "at most every 5 minutes" in err
    code, _, err = cli("store", "schedule", "demo", "--nightly", "25:00")
    assert code == 2 and "HH:MM" in err
    code, _, err = cli("store", "schedule", "nope", "--every", "15m")
    assert code == 3 and "store list" in err


def test_sync_says_already_syncing_and_leaves_the_cursors_alone(cli: Cli) -> None:
    _add_demo(cli)
    store_id = _store_id(cli)
    workspace = Workspace.open(cli.data_dir)
    try:
        SyncLocks(workspace).acquire(store_id, "demo", "the console's schedule", "console")
        code, out, err = cli("sync", "demo")
        assert code != 0 and out == ""
        assert "demo is already syncing (the console's schedule" in err
        stores = StoreRepository(workspace, Vault.open(cli.data_dir))
        entry = stores.get("demo")
        assert entry is not None
        assert stores.sync_runs(entry) == [] and entry.last_sync_at is None
        assert set(stores.cursors(entry).values()) == {None}
        SyncLocks(workspace).release(store_id, "console")
        code, out, _ = cli("sync", "demo")
        assert code == 0 and "sync done" in out
        state = ScheduleRepository(workspace).state(store_id)
        assert state.last_result == "completed"
        assert SyncLocks(workspace).holder(store_id) is None
    finally:
        workspace.close()


def test_alerts_lists_a_store_that_keeps_failing(cli: Cli) -> None:
    _add_demo(cli)
    code, out, err = cli("alerts")
    assert (code, out) == (0, "No alerts.\n") and "not paired" in err
    workspace = Workspace.open(cli.data_dir)
    try:
        schedules = ScheduleRepository(workspace)
        for _ in range(3):
            schedules.record(_store_id(cli), full=False, outcome="failed",
                             message="The database refused the password.")  # fmt: skip
    finally:
        workspace.close()
    code, out, _ = cli("alerts")
    assert out == (
        "demo cannot sync: The last 3 syncs failed: The database refused the password.\n"
    )
    code, out, _ = cli("alerts", "--json")
    assert json.loads(out)["alerts"][0]["key"].startswith("store:")
