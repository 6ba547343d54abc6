"""The widget says "Online", and the bot says the team knows, only when it is true: while a
console is connected (a signed request in the last 90 seconds, or a live stream held) or
within the widget's business hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.keys import PRESENCE, STORE
from relay.services.presence import Presence
from tests.relay.console_helpers import paired_console
from tests.relay.public_helpers import ORIGIN, WIDGET_KEY, demo_bundle, start_chat, texts


class Clock:
    def __init__(self) -> None:
        self.moment = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.moment


async def online(client: TestClient) -> bool:
    response = await client.get(f"/v1/widgets/{WIDGET_KEY}/config", headers={"Origin": ORIGIN})
    assert response.status == 200
    return bool((await response.json())["online"])


async def relay(aiohttp_client: Any, relay_settings: Any, clock: Clock, **config: Any) -> Any:
    client = await aiohttp_client(create_app(relay_settings(now=clock)))
    bundle = demo_bundle()
    bundle["widgets"][0]["config"].update(config)
    await client.app[STORE].publish(bundle, dry_run=False)
    return client


async def test_no_hours_and_no_console_is_away_and_the_bot_says_so(
    aiohttp_client: Any, relay_settings: Any
) -> None:
    client = await relay(aiohttp_client, relay_settings, Clock())
    assert await online(client) is False
    chat = await start_chat(client)
    answer = texts(await chat.bot_says("I want to talk to a person"))
    assert "let our team know" not in answer
    assert "No one from our team is in the chat right now" in answer
    assert "reply by email" in answer


async def test_a_connected_console_makes_the_team_available_for_90_seconds(
    aiohttp_client: Any, relay_settings: Any
) -> None:
    clock = Clock()
    client = await relay(aiohttp_client, relay_settings, clock)
    console = await paired_console(client)
    status, _ = await console.call("GET", "/v1/console/status")  # the console's 30 s poll
    assert status == 200
    assert await online(client) is True
    chat = await start_chat(client)
    answer = texts(await chat.bot_says("I want to talk to a person"))
    assert answer.startswith("Of course, I've let our team know")
    clock.moment += timedelta(seconds=91)  # the console went away
    assert await online(client) is False
    again = await start_chat(client)
    assert "No one from our team" in texts(await again.bot_says("talk to a human"))


async def test_business_hours_make_the_widget_online_without_a_console(
    aiohttp_client: Any, relay_settings: Any
) -> None:
    clock = Clock()
    clock.moment = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday
    hours = [{"day": 0, "opens": "09:00", "closes": "17:00"}]
    client = await relay(aiohttp_client, relay_settings, clock, business_hours=hours)
    assert client.app[PRESENCE].connected() is False
    assert await online(client) is True
    clock.moment = datetime(2026, 11, 23, 18, 0, tzinfo=UTC)
    assert await online(client) is False


def test_a_held_stream_counts_as_connected_until_it_ends() -> None:
    clock = Clock()
    presence = Presence(clock, window=90)
    assert not presence.connected()
    with presence.hold():
        clock.moment += timedelta(hours=2)
        assert presence.connected()
    assert not presence.connected()
    presence.seen()
    clock.moment += timedelta(seconds=90)
    assert presence.connected()
    clock.moment += timedelta(seconds=1)
    assert not presence.connected()
