"""Console API for shoppers' data: find, erase (with counts) and the retention period."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from relay.app import create_app
from relay.keys import STORE
from relay.storage import privacy as privacy_db
from relay.storage.models import channel_messages
from tests.relay.console_helpers import Console, paired_console
from tests.relay.public_helpers import demo_bundle, publish_demo, start_chat


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> Any:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def client(aiohttp_client: Any, relay_settings: Any, clock: Clock) -> TestClient:
    settings = relay_settings(
        now=clock, conversation_burst=100, conversation_messages_per_minute=600
    )
    client = await aiohttp_client(create_app(settings))
    await publish_demo(client)
    return client


async def ann_and_bob(client: TestClient) -> tuple[str, str]:
    ann = await start_chat(client)
    await ann.say("What is your return policy?")
    status, _ = await ann.post(
        "lead", {"name": "Ann", "email": "Ann@Example.com", "phone": "+33 6 12 34 56 78"}
    )
    assert status in (200, 201)
    bob = await start_chat(client)
    await bob.say("hello")
    await bob.post("lead", {"name": "Bob", "email": "bob@example.com"})
    return ann.conversation_id, bob.conversation_id


async def test_find_then_erase_a_shopper_by_email_or_phone(client: TestClient) -> None:
    ann, bob = await ann_and_bob(client)
    console = await paired_console(client)
    find, erase = "/v1/console/privacy/find", "/v1/console/privacy/erase"
    status, found = await console.call("POST", find, {"phone": "+33612345678"})
    assert status == 200, found
    assert [c["id"] for c in found["conversations"]] == [ann]
    assert found["counts"]["leads"] == 1 and found["counts"]["messages"] >= 2
    assert any(m["text"] == "What is your return policy?" for m in found["messages"])

    status, body = await console.call("POST", erase, {"email": "ann@example.com"})
    assert status == 200, body
    erased = body["erased"]
    assert erased["conversations"] == 1 and erased["leads"] == 1
    assert erased["messages"] == found["counts"]["messages"] and erased["events"] > 0
    assert await client.app[STORE].conversation(ann) is None
    assert await client.app[STORE].conversation(bob) is not None
    _, again = await console.call("POST", find, {"email": "ann@example.com"})
    assert again["counts"] == {"conversations": 0, "messages": 0, "leads": 0}
    _, twice = await console.call("POST", erase, {"email": "ann@example.com"})
    assert twice["erased"]["conversations"] == 0


async def test_bad_requests_get_one_sentence_and_unsigned_ones_nothing(
    client: TestClient,
) -> None:
    console = await paired_console(client)
    status, body = await console.call("POST", "/v1/console/privacy/erase", {})
    assert status == 422 and "email address or phone" in body["error"]["message"]
    status, body = await console.call("POST", "/v1/console/privacy/find", {"email": "nobody"})
    assert status == 422 and "not an email" in body["error"]["message"]
    status, body = await console.call("PUT", "/v1/console/retention", {"days": 0})
    assert status == 422 and "from 1 to 3650" in body["error"]["message"]
    stranger = Console(client)
    status, _ = await stranger.call("POST", "/v1/console/privacy/erase", {"email": "a@b.cd"})
    assert status == 401


async def test_retention_deletes_idle_conversations_now_and_periodically(
    client: TestClient, clock: Clock
) -> None:
    ann, bob = await ann_and_bob(client)
    console = await paired_console(client)
    assert (await console.call("GET", "/v1/console/retention", None))[1] == {"days": None}
    status, body = await console.call("PUT", "/v1/console/retention", {"days": 30})
    assert status == 200 and body["days"] == 30 and body["deleted"]["conversations"] == 0

    clock.now += timedelta(days=31)  # signed requests would be stale now: the store itself
    store = client.app[STORE]
    assert (await store.apply_retention())["conversations"] == 2
    assert await store.conversation(ann) is None and await store.conversation(bob) is None
    clock.now -= timedelta(days=31)
    _, body = await console.call("PUT", "/v1/console/retention", {"days": None})
    assert body["days"] is None


async def test_the_periodic_job_applies_the_setting(
    aiohttp_client: Any, relay_settings: Any, clock: Clock
) -> None:
    settings = relay_settings(now=clock, retention_interval=0.02)
    client = await aiohttp_client(create_app(settings))
    await publish_demo(client)
    chat = await start_chat(client)
    store = client.app[STORE]
    await store._writer.exclusive(lambda c: privacy_db.set_retention(c, 1))
    clock.now += timedelta(days=2)
    await wait_until(lambda: store.conversation(chat.conversation_id), gone=True)


async def wait_until(read: Any, *, gone: bool) -> None:
    for _ in range(200):
        if ((await read()) is None) == gone:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the retention job did not run")


async def _delivery(
    store: Any, sid: str, widget_key: str, conversation: str | None, at: Any
) -> None:
    values = {
        "sid": sid,
        "widget_key": widget_key,
        "conversation_id": conversation,
        "direction": "in",
        "status": "received",
        "created_at": at,
        "updated_at": at,
    }
    await store._writer.exclusive(lambda c: c.execute(channel_messages.insert().values(values)))


async def _deliveries(store: Any) -> set[str]:
    async with store._engines.read.connect() as connection:
        return set((await connection.execute(select(channel_messages.c.sid))).scalars())


async def test_a_widget_keeps_conversations_for_its_own_period(
    client: TestClient, clock: Clock
) -> None:
    """The widget's own period wins over the relay's; WhatsApp delivery records go too."""
    store = client.app[STORE]
    bundle = demo_bundle()
    own = bundle["widgets"][0]
    own["config"] = {**own["config"], "retention_days": 7}
    other = {**own, "key": "wk_default_period", "name": "Other", "config": {}}
    bundle["widgets"].append(other)
    await store.publish(bundle, dry_run=False)
    await store._writer.exclusive(lambda c: privacy_db.set_retention(c, 30))
    short = (await start_chat(client)).conversation_id
    long = (await start_chat(client, "wk_default_period")).conversation_id
    await _delivery(store, "SM_linked", own["key"], short, clock.now)
    await _delivery(store, "SM_stray", own["key"], None, clock.now)
    await _delivery(store, "SM_other", other["key"], None, clock.now)

    clock.now += timedelta(days=8)
    deleted = await store.apply_retention()
    assert deleted["conversations"] == 1 and deleted["channel_messages"] == 2
    assert await store.conversation(short) is None
    assert await store.conversation(long) is not None
    assert await _deliveries(store) == {"SM_other"}

    clock.now += timedelta(days=23)  # 31 days: the relay's period
    assert (await store.apply_retention())["conversations"] == 1
    assert await store.conversation(long) is None and await _deliveries(store) == set()


async def test_a_widget_period_applies_when_the_relay_keeps_everything(
    client: TestClient, clock: Clock
) -> None:
    store = client.app[STORE]
    bundle = demo_bundle()
    bundle["widgets"][0]["config"]["retention_days"] = 2
    await store.publish(bundle, dry_run=False)
    chat = await start_chat(client)
    clock.now += timedelta(days=3)
    assert await store.retention_days() is None
    assert (await store.apply_retention())["conversations"] == 1
    assert await store.conversation(chat.conversation_id) is None
