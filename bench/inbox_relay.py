"""A relay on loopback for ``bench.console_inbox``: a paired console, a published widget, a
shopper's conversation with its live stream open; then replies timed until they arrive."""

from __future__ import annotations

import asyncio
import json
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from console.relay_client import RelayClient
from core import signing
from relay.app import create_app
from relay.keys import SETTINGS, STORE
from relay.services.pairing import issue_code
from relay.settings import Settings
from tests.relay.live import live_relay

WIDGET = {
    "key": "wk_bench_inbox_0001",
    "name": "Bench",
    "store": None,
    "config": {},
    "knowledge": [],
}


async def measure(replies: int) -> tuple[list[float], list[float]]:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            relay_key=b"b" * 32,
            ip_requests_per_minute=0,
            conversation_messages_per_minute=0,
        )
        with live_relay(create_app(settings)) as relay:
            app = relay.app
            code = relay.run(
                lambda: issue_code(app[STORE], app[SETTINGS].relay_key, app[SETTINGS].now())
            )
            async with httpx.AsyncClient(timeout=10) as http:
                key = signing.new_private_key()
                client = RelayClient(relay.base_url, key, http, lambda: datetime.now(UTC))
                await client.pair(code, "bench")
                await client.publish({"stores": [], "widgets": [WIDGET]}, dry_run=False)
                started = await http.post(
                    f"{relay.base_url}/v1/widgets/{WIDGET['key']}/conversations", json={}
                )
                conversation = started.json()
                return await _time_replies(http, client, relay.base_url, conversation, replies)


async def _time_replies(
    http: httpx.AsyncClient, client: RelayClient, base: str, conversation: dict, replies: int
) -> tuple[list[float], list[float]]:
    cid, token = conversation["conversation_id"], conversation["token"]
    arrived: asyncio.Queue[tuple[str, float]] = asyncio.Queue()
    url = f"{base}/v1/conversations/{cid}/stream?token={token}"

    async def listen() -> None:
        async with http.stream("GET", url, timeout=httpx.Timeout(10, read=None)) as response:
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    message = json.loads(line[5:])
                    if message.get("role") == "agent":
                        arrived.put_nowait((message["text"], time.perf_counter()))

    stream = asyncio.ensure_future(listen())
    await asyncio.sleep(0.3)  # the stream is open
    latencies, round_trips = [], []
    try:
        for n in range(replies):
            sent = time.perf_counter()
            await client.reply(cid, f"Reply number {n}", "Bench")
            text, at = await asyncio.wait_for(arrived.get(), 5)
            assert text == f"Reply number {n}"
            latencies.append(at - sent)
            before = time.perf_counter()
            await client.status()
            round_trips.append(time.perf_counter() - before)
    finally:
        stream.cancel()
        await asyncio.gather(stream, return_exceptions=True)
    return latencies, round_trips
