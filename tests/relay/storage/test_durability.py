"""Every message a relay said it saved is still there after the process is killed."""

from __future__ import annotations

import asyncio
import signal
import sys

from relay.storage import RelayStore
from tests.conftest import ROOT
from tests.relay.storage.conftest import RELAY_KEY, Database, start_conversation

ENOUGH = 300


async def test_saved_turns_survive_sigkill(database: Database) -> None:
    store = await RelayStore.open(database.url, relay_key=RELAY_KEY)
    await store.migrate()
    conversation_id = await start_conversation(store)
    await store.close()

    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.relay.storage.durability_writer",
        database.url,
        conversation_id,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    assert child.stdout is not None
    printed: list[str] = []
    try:
        async with asyncio.timeout(60):
            while len(printed) < ENOUGH:
                line = await child.stdout.readline()
                if not line:
                    break
                printed.append(line.decode().strip())
    finally:
        child.send_signal(signal.SIGKILL)
        rest, _ = await child.communicate()
    printed += rest.decode().split()
    assert child.returncode == -signal.SIGKILL
    assert len(printed) >= ENOUGH, "the writer stopped before printing enough ids"

    reopened = await RelayStore.open(database.url, relay_key=RELAY_KEY)
    try:
        stored: set[str] = set()
        after = None
        while batch := await reopened.messages_after(conversation_id, after, limit=1000):
            stored.update(m.id for m in batch)
            after = batch[-1].id
    finally:
        await reopened.close()
    missing = [i for i in printed if i not in stored]
    assert missing == []
