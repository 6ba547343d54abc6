"""The bot through each channel, side by side in one run: the same knowledge-base question
asked through the widget API, the API channel (an API key) and WhatsApp (a signed Twilio
webhook, the reply sent to a local Twilio emulator), against one relay.

    python -m bench.channels [--requests 300] [--rounds 3]

Sequential requests on one loop (the relay, the emulator and the client share it), so the
figures are per-request costs; the ratios to the widget API are what to read.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from aiohttp.test_utils import TestServer

from relay.app import create_app
from relay.keys import SETTINGS, STORE, WHATSAPP
from relay.services.api_keys import ApiKeys
from relay.settings import Settings
from tests.emulators import twilio
from tests.relay.public_helpers import WIDGET_KEY, demo_bundle

QUESTION = "How long does shipping take?"
Ask = Callable[[int], Awaitable[None]]


async def _timed(ask: Ask, requests: int) -> float:
    """Median milliseconds per request over ``requests`` calls."""
    times = []
    for n in range(requests):
        started = time.perf_counter()
        await ask(n)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def _widget(http: httpx.AsyncClient, base: str) -> Ask:
    started = (await http.post(f"{base}/v1/widgets/{WIDGET_KEY}/conversations", json={})).json()
    url = f"{base}/v1/conversations/{started['conversation_id']}/messages"
    headers = {"Authorization": f"Bearer {started['token']}"}

    async def ask(n: int) -> None:
        response = await http.post(url, json={"text": QUESTION}, headers=headers)
        assert response.status_code == 200, response.text

    return ask


async def _api(http: httpx.AsyncClient, base: str, keys: ApiKeys) -> Ask:
    _, key = await keys.create(WIDGET_KEY, "bench", ["conversations"])
    headers = {"Authorization": f"Bearer {key}"}
    started = (await http.post(f"{base}/v1/api/conversations", json={}, headers=headers)).json()
    url = f"{base}/v1/api/conversations/{started['conversation_id']}/messages"

    async def ask(n: int) -> None:
        response = await http.post(url, json={"text": QUESTION}, headers=headers)
        assert response.status_code == 200, response.text

    return ask


async def _whatsapp(http: httpx.AsyncClient, base: str, state: twilio.TwilioState, app: Any) -> Ask:
    url = f"{base}/v1/channels/whatsapp/{WIDGET_KEY}"

    async def ask(n: int) -> None:
        form = twilio.inbound_form(state, sender="+442079460018", body=QUESTION)
        response = await twilio.post_signed(http, url, form, state.auth_token)
        assert response.status_code == 200, response.text
        await app[WHATSAPP].drain()  # the reply is sent to Twilio before the next question

    return ask


async def run(requests: int, rounds: int) -> None:
    state = twilio.TwilioState()
    async with twilio.running(state) as twilio_url:
        with tempfile.TemporaryDirectory() as data_dir:
            settings = Settings(
                data_dir=Path(data_dir),
                relay_key=b"b" * 32,
                twilio_api_url=twilio_url,
                ip_requests_per_minute=0,
                conversation_messages_per_minute=0,
            )
            server = TestServer(create_app(settings), host="127.0.0.1")
            await server.start_server()
            try:
                await _measure(server, state, requests, rounds)
            finally:
                await server.close()


async def _measure(
    server: TestServer, state: twilio.TwilioState, requests: int, rounds: int
) -> None:
    app = server.app
    assert app is not None
    base = str(server.make_url("")).rstrip("/")
    await app[STORE].publish(demo_bundle(), dry_run=False)
    await app[WHATSAPP].configure(
        WIDGET_KEY,
        {"account_sid": state.account_sid, "auth_token": state.auth_token, "number": twilio.SENDER},
    )
    keys = ApiKeys(app[STORE], app[SETTINGS].now)
    async with httpx.AsyncClient(timeout=30) as http:
        asks = {
            "widget": await _widget(http, base),
            "api": await _api(http, base, keys),
            "whatsapp": await _whatsapp(http, base, state, app),
        }
        results: dict[str, list[float]] = {name: [] for name in asks}
        for _ in range(rounds):
            for name, ask in asks.items():
                results[name].append(await _timed(ask, requests))
    widget = statistics.median(results["widget"])
    for name, medians in results.items():
        median = statistics.median(medians)
        print(f"{name:9s} {median:6.2f} ms per message   {median / widget:4.2f}x the widget API")
    print(f"(Twilio received {len(state.messages)} replies)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(run(args.requests, args.rounds))


if __name__ == "__main__":
    main()
