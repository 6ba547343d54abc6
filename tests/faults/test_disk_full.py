"""The relay's disk fills up: shoppers get a clear 503 JSON error ("the relay's disk is
full"), never a 500; nothing acknowledged is lost, the database stays sound, and the relay
answers normally again once there is space.

Two ways to fill it: SQLite's own ceiling (``PRAGMA max_page_count`` on the relay's write
connection: SQLITE_FULL, everywhere), and a real full filesystem (a 6 MiB tmpfs under a
``storedesk-relay serve`` subprocess: ENOSPC; needs root and a kernel that lets us mount).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from relay.app import create_app
from relay.keys import STORE
from relay.storage import DATABASE_NAME
from tests.faults.shoppers import (
    Tally,
    integrity,
    lost_messages,
    say,
    shop,
    start_chat,
)
from tests.relay.conftest import SettingsFactory
from tests.relay.console_helpers import WIDGET_KEY, small_bundle
from tests.relay.process import RelayProcess, pair_and_publish, relay_env

NO_LIMIT = 1_073_741_823  # SQLite's largest max_page_count


async def _set_page_limit(app: Any, pages: int | None) -> None:
    """Cap the relay's database at ``pages`` (``None``: its current size) on the write
    connection, the only one that writes (``relay.storage.engine``)."""
    engine = app[STORE]._engines.write
    async with engine.connect() as connection:
        driver = (await connection.get_raw_connection()).driver_connection
        if pages is None:
            cursor = await driver.execute("PRAGMA page_count")
            (pages,) = await cursor.fetchone()
        await driver.execute(f"PRAGMA max_page_count = {int(pages)}")


def _assert_disk_full_answers(tally: Tally) -> None:
    assert tally.statuses[500] == 0, tally.failures
    assert tally.statuses[503] > 0, tally.statuses
    for body in tally.failures:
        assert body["error"]["code"] == "disk_full"
        assert "disk is full" in body["error"]["message"]


async def test_sqlite_full_is_a_503_and_the_relay_recovers(
    aiohttp_client: Any, relay_settings: SettingsFactory
) -> None:
    settings = relay_settings(conversation_burst=1000, conversation_messages_per_minute=100_000)
    client = await aiohttp_client(create_app(settings))
    await client.app[STORE].publish(small_bundle(), dry_run=False)
    chats = [await start_chat(client, WIDGET_KEY) for _ in range(4)]
    tally = Tally()
    await shop(client, chats, 2, tally)
    assert tally.statuses[200] == 8

    await _set_page_limit(client.app, None)
    for _ in range(400):  # until the pages free inside the file are used up too
        await shop(client, chats, 1, tally)
        if tally.statuses[503]:
            break
    _assert_disk_full_answers(tally)
    response = await client.post(
        f"/v1/conversations/{chats[0].conversation_id}/messages",
        json={"text": "Still there?"},
        headers=chats[0].auth,
    )
    assert response.status == 503
    assert response.headers["Retry-After"]

    await _set_page_limit(client.app, NO_LIMIT)
    assert await say(client, chats[0], "Space is back?", tally) == 200
    assert await lost_messages(client, chats, tally) == {}
    assert integrity(settings.data_dir / DATABASE_NAME) == "ok"


@contextlib.contextmanager
def small_disk(path: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``path``; skips the test where mounting is not allowed."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small filesystem needs root; the SQLITE_FULL test covers it")
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.strip()})")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _fill(directory: Path) -> Path:
    """Write a file until the filesystem is full; the file, to remove when space returns."""
    filler = directory / "filler"
    block = b"\0" * 65536
    # Unbuffered: a buffered file would try again to write what did not fit when it
    # closes, and raise ENOSPC there, outside the loop.
    with filler.open("wb", buffering=0) as out, contextlib.suppress(OSError):
        while out.write(block):
            pass
    return filler


async def test_a_full_filesystem_is_a_503_and_the_relay_recovers(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk", "6m") as disk:
        relay = RelayProcess(disk, env=relay_env(STOREDESK_RELAY_REQUESTS_PER_MINUTE="0")).start()
        try:
            bundle = small_bundle()
            await pair_and_publish(relay, bundle)
            async with aiohttp.ClientSession(base_url=relay.base_url) as session:
                chats = [await start_chat(session, WIDGET_KEY) for _ in range(6)]
                tally = Tally()
                await shop(session, chats, 2, tally)
                assert tally.statuses[200] == 12
                filler = _fill(disk)
                await shop(session, chats, 6, tally)
                _assert_disk_full_answers(tally)
                assert relay.process is not None and relay.process.poll() is None

                filler.unlink()
                assert await say(session, chats[0], "Is the disk back?", tally) == 200
                assert await lost_messages(session, chats, tally) == {}
        finally:
            relay.kill()
        assert integrity(disk / DATABASE_NAME) == "ok"
        restarted = RelayProcess(disk, env=relay_env()).start()
        try:
            async with aiohttp.ClientSession(base_url=restarted.base_url) as session:
                assert await lost_messages(session, chats, tally) == {}
        finally:
            restarted.kill()
