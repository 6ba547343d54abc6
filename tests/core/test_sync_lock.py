"""One sync of a store at a time across processes: the lock row, its lease and the
take-over of a lock whose holder crashed."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.vault import Vault
from core.workspace import Workspace
from core.workspace.stores import StoreEntry, StoreRepository
from core.workspace.sync_lock import LEASE, SyncBusy, SyncLocks

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path)


@pytest.fixture
def store(workspace: Workspace, tmp_path: Path) -> StoreEntry:
    return StoreRepository(workspace, Vault.open(tmp_path)).add("shop", "sql", {}, {"url": "x"})


def test_a_second_sync_is_told_who_syncs(workspace: Workspace, store: StoreEntry) -> None:
    clock = Clock()
    locks = SyncLocks(workspace, now=clock)
    locks.acquire(store.id, "shop", "storedesk sync in a terminal", "first")
    with pytest.raises(SyncBusy, match=r"shop is already syncing \(storedesk sync in a terminal"):
        locks.acquire(store.id, "shop", "the console's schedule", "second")
    locks.release(store.id, "second")  # not the holder: nothing happens
    assert locks.holder(store.id) is not None
    locks.release(store.id, "first")
    assert locks.holder(store.id) is None
    locks.acquire(store.id, "shop", "the console's schedule", "second")


def test_a_crashed_holder_loses_the_lock_when_its_lease_runs_out(
    workspace: Workspace, store: StoreEntry
) -> None:
    clock = Clock()
    locks = SyncLocks(workspace, now=clock)
    locks.acquire(store.id, "shop", "storedesk sync in a terminal", "crashed")
    clock.now += LEASE - timedelta(seconds=1)
    with pytest.raises(SyncBusy):
        locks.acquire(store.id, "shop", "Sync now in the console", "next")
    clock.now += timedelta(seconds=2)
    locks.acquire(store.id, "shop", "Sync now in the console", "next")
    assert not locks.renew(store.id, "crashed")  # the old holder cannot take it back


async def test_a_live_holder_renews_its_lease(workspace: Workspace, store: StoreEntry) -> None:
    clock = Clock()
    locks = SyncLocks(workspace, now=clock)
    beats: list[float] = []
    wake = asyncio.Event()

    async def sleep(seconds: float) -> None:  # each beat: the clock moves on almost a lease
        beats.append(seconds)
        clock.now += LEASE - timedelta(seconds=5)
        if len(beats) > 1:  # after one renewal: let the test look, beat no more
            wake.set()
            await asyncio.Event().wait()

    async with locks.hold(store.id, "shop", "the console's schedule", sleep=sleep) as owner:
        await wake.wait()
        # almost two leases have passed since it was taken, and it is still held
        with pytest.raises(SyncBusy):
            locks.acquire(store.id, "shop", "storedesk sync in a terminal", "other")
        assert locks.holder(store.id) is not None
        assert locks.holder(store.id).owner == owner  # type: ignore[union-attr]
    assert locks.holder(store.id) is None  # released when the sync ends


async def test_the_lock_is_released_when_the_sync_fails(
    workspace: Workspace, store: StoreEntry
) -> None:
    locks = SyncLocks(workspace)
    with pytest.raises(RuntimeError):
        async with locks.hold(store.id, "shop", "storedesk sync in a terminal"):
            raise RuntimeError("the shop went away")
    assert locks.holder(store.id) is None


HOLDER = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from core.workspace import Workspace
    from core.workspace.sync_lock import SyncLocks, new_owner
    workspace = Workspace.open(Path(sys.argv[1]))
    SyncLocks(workspace).acquire(int(sys.argv[2]), "shop", "storedesk sync in a terminal",
                                 new_owner())
    print("held", flush=True)
    sys.stdin.readline()
    os._exit(9)  # a crash: the lock is never released
    """
)


def test_another_process_holding_the_lock_keeps_this_one_out_while_it_runs(
    workspace: Workspace, store: StoreEntry, tmp_path: Path
) -> None:
    """…and once it was killed, its lock is taken over at once: it ran on this computer, so
    there is no need to wait for its lease (a holder elsewhere: the test above)."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path), str(store.id)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(SyncBusy, match="storedesk sync in a terminal"):
            SyncLocks(workspace).acquire(store.id, "shop", "the console's schedule", "me")
        assert child.stdin is not None
        child.stdin.write("\n")
        child.stdin.flush()
        assert child.wait(timeout=30) == 9
    finally:
        child.kill()
        child.communicate()  # closes its pipes
    # crashed without releasing, and its lease still runs: the lock is free all the same
    SyncLocks(workspace).acquire(store.id, "shop", "the console's schedule", "me")
    held = SyncLocks(workspace).holder(store.id)
    assert held is not None and held.holder == "the console's schedule"
