"""SIGKILL the console's CLI in the middle of a sync and of a publish.

Sync: ``storedesk sync`` pulls from a slowed WooCommerce emulator and is killed once some
of the shop's orders, not all, are stored. The workspace passes ``integrity_check``, no
stream's cursor has passed a record it did not store (so nothing is skipped next time), and
a rerun resumes, completes with everything the shop holds, and a third run changes nothing.

Publish: ``storedesk relay publish`` goes through a proxy that stops it half-way (half of
the request body sent; or the whole request, with the relay's answer held back) and is
killed there. The relay has either the old version or the new one, never a mix, and a
rerun publishes the new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import json
import os
import re
import signal
import sqlite3
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from relay.storage import DATABASE_NAME
from tests.console.conftest import Served
from tests.emulators import woocommerce
from tests.emulators.woocommerce import DEFAULT_KEY
from tests.faults.proxy import Mode, PublishProxy
from tests.faults.shoppers import integrity
from tests.relay.process import RelayProcess, relay_env, run_relay

SYNTHETIC_ORDERS = 300
WORKSPACE_DB = "workspace.sqlite"
STREAM_TABLES = {"customers": "customers", "orders": "orders", "products": "products"}


def storedesk(data_dir: Path, *args: str) -> list[str]:
    return [
        sys.executable,
        "-c",
        "from console.cli import run; run()",
        "--data-dir",
        str(data_dir),
        *args,
    ]


async def run_cli(data_dir: Path, *args: str) -> tuple[int, str]:
    """A command that is not killed, run in this process (quicker than a process of its
    own) off the event loop: its exit code and what it printed."""
    from console.cli import main

    def run() -> tuple[int, str]:
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            code = main(["--data-dir", str(data_dir), *args])
        return code, printed.getvalue()

    return await asyncio.to_thread(run)


async def kill_when(process: asyncio.subprocess.Process, ready: Any) -> None:
    """SIGKILL ``process`` once ``ready()`` is true (it must still be running then)."""
    for _ in range(6000):
        if ready():
            break
        assert process.returncode is None, "the command finished before the kill"
        await asyncio.sleep(0.005)
    else:
        raise AssertionError("the command never reached the kill point")
    assert process.returncode is None, "the command finished before the kill"
    process.send_signal(signal.SIGKILL)
    assert await process.wait() == -signal.SIGKILL


# -- sync ----------------------------------------------------------------------------------


@pytest.fixture
def slow_shop() -> Iterator[Any]:
    state = woocommerce.ShopState.seeded(SYNTHETIC_ORDERS)
    served = Served(lambda: woocommerce.running(state))
    yield served.value
    served.close()


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _workspace_state(data_dir: Path) -> tuple[dict[str, datetime | None], dict[str, set[str]]]:
    """The store's cursors and the external ids stored per stream."""
    db = sqlite3.connect(data_dir / WORKSPACE_DB)
    try:
        row = db.execute(
            "SELECT customers_cursor, orders_cursor, products_cursor FROM stores"
        ).fetchone()
        cursors = {
            stream: _utc(datetime.fromisoformat(value)) if value else None
            for stream, value in zip(STREAM_TABLES, row, strict=True)
        }
        stored = {
            stream: {str(r[0]) for r in db.execute(f"SELECT external_id FROM {table}")}
            for stream, table in STREAM_TABLES.items()
        }
    finally:
        db.close()
    return cursors, stored


def _stored_orders(data_dir: Path) -> int:
    """How many orders the workspace holds now (read beside the sync: WAL)."""
    db = sqlite3.connect(data_dir / WORKSPACE_DB, timeout=5)
    try:
        return int(db.execute("SELECT count(*) FROM orders").fetchone()[0])
    except sqlite3.OperationalError:  # the tables are not there yet
        return 0
    finally:
        db.close()


def _shop_records(state: Any) -> dict[str, dict[str, datetime]]:
    """The emulated shop's records per stream: external id → last change (products: the
    shop's products, not their variations, which are part of them)."""
    return {
        "customers": {str(c.id): _utc(c.modified or c.created) for c in state.customers},
        "orders": {str(o.id): _utc(o.modified) for o in state.orders},
        "products": {
            str(p.id): _utc(p.modified) for p in state.catalog.products.values() if not p.parent_id
        },
    }


def _assert_cursors_not_past_stored(data_dir: Path, state: Any) -> None:
    cursors, stored = _workspace_state(data_dir)
    for stream, records in _shop_records(state).items():
        cursor = cursors[stream]
        if cursor is None:
            continue
        skipped = {i for i, changed in records.items() if changed <= cursor} - stored[stream]
        assert not skipped, (
            f"{stream}: the cursor ({cursor}) passed {len(skipped)} records not stored, "
            f"such as {sorted(skipped)[:5]}"
        )


async def test_a_sync_killed_mid_way_leaves_a_consistent_workspace_and_resumes(
    tmp_path: Path, slow_shop: Any
) -> None:
    data_dir = tmp_path / "workspace"
    code, out = await run_cli(
        data_dir, "store", "add", "woocommerce", "--name", "woo", "--url", slow_shop.url,
        "--key", DEFAULT_KEY.key, "--secret", DEFAULT_KEY.secret,
    )  # fmt: skip
    assert code == 0, out
    state = slow_shop.state
    state.slow = 0.15
    sync = await asyncio.create_subprocess_exec(
        *storedesk(data_dir, "sync", "woo"),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        env=dict(os.environ),
    )
    await kill_when(sync, lambda: 0 < _stored_orders(data_dir) < len(state.orders))

    assert integrity(data_dir / WORKSPACE_DB) == "ok"
    _, stored = _workspace_state(data_dir)
    everything = _shop_records(state)
    assert 0 < len(stored["orders"]) < len(everything["orders"]), "not killed mid-way"
    _assert_cursors_not_past_stored(data_dir, state)

    state.slow = 0.0
    code, out = await run_cli(data_dir, "sync", "woo", "--json")
    assert code == 0, out
    _, stored = _workspace_state(data_dir)
    for stream, records in everything.items():
        assert stored[stream] == set(records), stream
    code, out = await run_cli(data_dir, "sync", "woo", "--json")
    assert code == 0, out
    counts = json.loads(out)["counts"]
    assert all(c["created"] == c["updated"] == c["failed"] == 0 for c in counts.values()), counts


# -- publish -------------------------------------------------------------------------------


def _knowledge(path: Path, version: str) -> Path:
    """200 answers, each saying which version it is (the publish body is ~100 KB)."""
    with path.open("w", newline="") as out:
        rows = csv.writer(out)
        rows.writerow(["question", "answer", "keywords", "enabled"])
        for n in range(200):
            answer = f"Answer {n} ({version}). " + "Our team replies within a day. " * 10
            rows.writerow([f"Question number {n}?", answer, f"topic{n}", "yes"])
    return path


def _marked_live(data_dir: Path) -> bool:
    """Whether the workspace says the widget's latest changes are published."""
    db = sqlite3.connect(data_dir / WORKSPACE_DB)
    try:
        published, updated = db.execute("SELECT published_at, updated_at FROM widgets").fetchone()
    finally:
        db.close()
    return published is not None and published >= updated


def _relay_version(relay_dir: Path) -> set[str]:
    """Which versions the relay's published state holds: its greeting and every answer."""
    db = sqlite3.connect(relay_dir / DATABASE_NAME)
    try:
        configs = [r[0] for r in db.execute("SELECT config FROM widgets")]
        answers = [r[0] for r in db.execute("SELECT answer FROM knowledge_entries")]
    finally:
        db.close()
    found = {v for v in ("v1", "v2") for c in configs if f"Hello {v}" in c}
    found |= {v for v in ("v1", "v2") for a in answers if f"({v})" in a}
    assert len(answers) == 200
    return found


async def _killed_publish(data_dir: Path, proxy: PublishProxy, stop: Mode) -> None:
    """``storedesk relay publish``, stopped by the proxy at ``stop`` and killed there."""
    proxy.stalled.clear()
    proxy.mode = stop
    publish = await asyncio.create_subprocess_exec(
        *storedesk(data_dir, "relay", "publish"),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
        env=dict(os.environ),
    )
    await kill_when(publish, proxy.stalled.is_set)
    await proxy.drop_connections()  # the relay sees its client go away
    proxy.mode = None


async def _run_all(data_dir: Path, *steps: tuple[str, ...]) -> None:
    for step in steps:
        code, out = await run_cli(data_dir, *step)
        assert code == 0, out


async def test_a_publish_killed_mid_way_leaves_old_or_new_and_reruns(tmp_path: Path) -> None:
    relay_dir, data_dir = tmp_path / "relay", tmp_path / "workspace"
    relay = RelayProcess(relay_dir, env=relay_env()).start()
    proxy = PublishProxy(relay.port)
    try:
        url = await proxy.start()
        printed = run_relay("pairing-code", "--data-dir", str(relay_dir), env=relay.env)
        pairing = re.search(r"Pairing code: ([A-Z2-9]{4}-[A-Z2-9]{4})", printed.stdout)
        assert pairing, printed.stdout
        await _run_all(
            data_dir,
            ("store", "add", "sql", "--name", "demo", "--demo"),
            ("relay", "pair", url, pairing.group(1), "--name", "test pc"),
            (
                "widget",
                "create",
                "--name",
                "Shop chat",
                "--store",
                "demo",
                "--greeting",
                "Hello v1",
                "--no-starter",
            ),
            ("kb", "import", "Shop chat", str(_knowledge(tmp_path / "v1.csv", "v1"))),
            ("relay", "publish"),
        )
        assert _relay_version(relay_dir) == {"v1"}
        await _run_all(
            data_dir,
            ("widget", "set", "Shop chat", "--greeting", "Hello v2"),
            ("kb", "import", "Shop chat", str(_knowledge(tmp_path / "v2.csv", "v2"))),
        )

        await _killed_publish(data_dir, proxy, "body")  # half the bundle reached the relay
        assert _relay_version(relay_dir) == {"v1"}
        assert integrity(data_dir / WORKSPACE_DB) == "ok"
        assert not _marked_live(data_dir)
        await _killed_publish(data_dir, proxy, "answer")  # all of it; the answer never came
        assert _relay_version(relay_dir) == {"v2"}
        assert integrity(data_dir / WORKSPACE_DB) == "ok"

        code, out = await run_cli(data_dir, "relay", "publish")
        assert code == 0, out
        assert _relay_version(relay_dir) == {"v2"}
        assert _marked_live(data_dir)
    finally:
        await proxy.close()
        relay.kill()
    assert integrity(relay_dir / DATABASE_NAME) == "ok"
