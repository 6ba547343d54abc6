"""SIGKILL the relay in the middle of a burst: many shoppers post at once to a real
``storedesk-relay serve``; it is killed with requests in flight. After each kill the
SQLite file passes ``integrity_check``, the relay starts cleanly on it, every message it
acknowledged (2xx) is there (0 acknowledged messages lost) and it answers everyone again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from relay.storage import DATABASE_NAME
from tests.faults.shoppers import Chat, Tally, integrity, lost_messages, shop, start_chat
from tests.relay.console_helpers import WIDGET_KEY, small_bundle
from tests.relay.process import RelayProcess, pair_and_publish, relay_env

SHOPPERS = 40
MESSAGES_EACH = 4  # per round, within the per-conversation burst (10)
ENV = {"STOREDESK_RELAY_REQUESTS_PER_MINUTE": "0"}  # one address sends everything


async def _burst_then_kill(relay: RelayProcess, chats: list[Chat], tally: Tally) -> int:
    """All shoppers post at once; the relay is killed once a third of the burst was
    acknowledged. How many of this burst's messages were acknowledged."""
    before = tally.statuses[200]
    goal = before + SHOPPERS * MESSAGES_EACH // 3
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base_url=relay.base_url, timeout=timeout) as session:
        burst = asyncio.ensure_future(shop(session, chats, MESSAGES_EACH, tally))
        while tally.statuses[200] < goal and not burst.done():
            await asyncio.sleep(0.002)
        relay.kill()
        await burst
    return tally.statuses[200] - before


def _assert_clean_start(relay: RelayProcess) -> None:
    log = relay.log()
    assert "Traceback" not in log and "ERROR" not in log, log


async def test_acknowledged_messages_survive_sigkill_mid_burst(tmp_path: Path) -> None:
    data_dir = tmp_path / "relay"
    relay = RelayProcess(data_dir, env=relay_env(**ENV)).start()
    tally = Tally()
    try:
        await pair_and_publish(relay, small_bundle())
        async with aiohttp.ClientSession(base_url=relay.base_url) as session:
            chats = list(
                await asyncio.gather(*(start_chat(session, WIDGET_KEY) for _ in range(SHOPPERS)))
            )
        first = await _burst_then_kill(relay, chats, tally)
    finally:
        relay.kill()
    assert 0 < first < SHOPPERS * MESSAGES_EACH, "the kill did not land mid-burst"
    assert tally.statuses["lost"] > 0  # requests were in flight when it died
    assert integrity(data_dir / DATABASE_NAME) == "ok"

    second = RelayProcess(data_dir, env=relay_env(**ENV)).start()
    try:
        _assert_clean_start(second)
        async with aiohttp.ClientSession(base_url=second.base_url) as session:
            assert await lost_messages(session, chats, tally) == {}
            fresh = Tally()
            await shop(session, chats, 1, fresh)  # and every shopper is answered again
            assert fresh.statuses[200] == SHOPPERS, fresh.statuses
    finally:
        second.kill()
    assert sum(n for s, n in tally.statuses.items() if isinstance(s, int) and s >= 500) == 0
