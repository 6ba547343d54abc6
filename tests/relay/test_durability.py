"""Every message the relay answered 200 survives SIGKILL: a real `storedesk-relay serve`
subprocess takes concurrent messages, is killed mid-flood, restarts, and still has them."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import aiohttp

from tests.relay.console_helpers import small_bundle
from tests.relay.process import RelayProcess, pair_and_publish, relay_env

CONVERSATIONS = 8
MESSAGES_EACH = 8  # within the per-conversation burst: no 429 in this test


async def _start(session: aiohttp.ClientSession, key: str) -> dict[str, Any]:
    async with session.post(f"/v1/widgets/{key}/conversations") as response:
        assert response.status == 201
        return dict(await response.json())


async def _send(
    session: aiohttp.ClientSession, chat: dict[str, Any], text: str
) -> list[dict[str, Any]] | None:
    """The answered messages, or ``None`` when the relay died before answering."""
    try:
        async with session.post(
            f"/v1/conversations/{chat['conversation_id']}/messages",
            json={"text": text},
            headers={"Authorization": f"Bearer {chat['token']}"},
        ) as response:
            if response.status != 200:
                return None
            return list((await response.json())["messages"])
    except (TimeoutError, aiohttp.ClientError):
        return None


async def _history(session: aiohttp.ClientSession, chat: dict[str, Any]) -> set[str]:
    ids: set[str] = set()
    after: str | None = None
    while True:
        params = {"after": after} if after else {}
        async with session.get(
            f"/v1/conversations/{chat['conversation_id']}/messages",
            params=params,
            headers={"Authorization": f"Bearer {chat['token']}"},
        ) as response:
            assert response.status == 200
            page = (await response.json())["messages"]
        ids.update(m["id"] for m in page)
        if len(page) < 100:
            return ids
        after = page[-1]["id"]


async def test_answered_messages_survive_sigkill(tmp_path: Path) -> None:
    data_dir = tmp_path / "relay"
    relay = RelayProcess(data_dir, env=relay_env()).start()
    answered: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    try:
        bundle = small_bundle()
        await pair_and_publish(relay, bundle)
        key = bundle["widgets"][0]["key"]
        async with aiohttp.ClientSession(base_url=relay.base_url) as session:
            chats = [await _start(session, key) for _ in range(CONVERSATIONS)]

            async def send(chat: dict[str, Any], n: int) -> None:
                text = "What is your return policy?" if n % 2 else f"When are you open? ({n})"
                messages = await _send(session, chat, text)
                if messages is not None:
                    answered.append((chat, messages))

            tasks = [
                asyncio.ensure_future(send(chat, n)) for n in range(MESSAGES_EACH) for chat in chats
            ]
            total = len(tasks)
            while len(answered) < total // 2:  # kill mid-flood, with requests in flight
                await asyncio.sleep(0.005)
            relay.kill()
            await asyncio.gather(*tasks)
    finally:
        relay.kill()
    assert total // 2 <= len(answered) <= total

    restarted = RelayProcess(data_dir, env=relay_env()).start()
    try:
        async with aiohttp.ClientSession(base_url=restarted.base_url) as session:
            stored = {
                chat["conversation_id"]: await _history(session, chat)
                for chat in {c["conversation_id"]: c for c, _ in answered}.values()
            }
    finally:
        restarted.kill()
    for chat, messages in answered:
        assert {m["role"] for m in messages} == {"shopper", "bot"}
        missing = {m["id"] for m in messages} - stored[chat["conversation_id"]]
        assert not missing, f"answered but lost after SIGKILL: {missing}"
