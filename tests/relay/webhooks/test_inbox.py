"""The inbox keeps what was answered 200: a delivery committed before a crash is processed
when the relay starts again; a delivery whose processing fails is retried later, then
processed once; the same holds on PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.services.webhooks import WebhookProcessor
from relay.storage import RelayStore
from relay.storage.records import NewDelivery
from tests.relay.conftest import RELAY_KEY, SettingsFactory
from tests.relay.console_helpers import paired_console
from tests.relay.webhooks.helpers import WOO_HOOK, bundle, publish, settled, store_events
from tests.woo_fixtures import recorded_delivery

ORDER = recorded_delivery("delivery_03_order_updated")


def _delivery(key: str = "k1") -> NewDelivery:
    return NewDelivery(
        dedupe_key=key,
        platform="woocommerce",
        store_id="woo",
        topic="order.updated",
        delivery_id="9a45538808bb50fcf3b9f59a74777a63",
        body=ORDER.body,
        received_at=datetime.now(UTC),
    )


async def test_a_delivery_kept_before_a_restart_is_processed_at_start(
    aiohttp_client: Any, relay_settings: SettingsFactory
) -> None:
    settings = relay_settings()
    store = await RelayStore.open(settings.store_url, relay_key=RELAY_KEY)
    await store.migrate()
    await store.publish(bundle())
    assert await store.add_delivery(_delivery())
    assert not await store.add_delivery(_delivery())  # the same delivery again
    await store.close()

    client: TestClient = await aiohttp_client(create_app(settings))
    await settled(client)
    console = await paired_console(client)
    [event] = await store_events(console)
    assert event["data"]["ref"]["number"] == "26"


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


class FlakyLookups:
    def __init__(self) -> None:
        self.failures = 1

    def forget(self, store_id: str, **_: Any) -> int:
        if self.failures:
            self.failures -= 1
            raise RuntimeError("the lookups are away")
        return 0


async def test_a_failed_processing_is_retried_later_then_done_once(
    relay_settings: SettingsFactory,
) -> None:
    clock = Clock()
    settings = relay_settings()
    store = await RelayStore.open(settings.store_url, relay_key=RELAY_KEY, now=clock)
    try:
        await store.migrate()
        await store.publish(bundle())
        await store.add_delivery(_delivery())
        processor = WebhookProcessor(store, FlakyLookups(), now=clock)  # type: ignore[arg-type]
        assert await processor.drain() == 0
        assert await store.webhook_counts() == {"waiting": 1}
        assert await store.due_deliveries() == []  # not before its next attempt
        clock.now += timedelta(seconds=11)
        [due] = await store.due_deliveries()
        assert due.attempts == 1
        assert await processor.drain() == 1
        assert await processor.drain() == 0
        assert await store.webhook_counts() == {"upsert": 1}
    finally:
        await store.close()


async def test_webhooks_on_postgresql(
    aiohttp_client: Any, relay_settings: SettingsFactory, relay_pg_url: str
) -> None:
    client: TestClient = await aiohttp_client(create_app(relay_settings(database_url=relay_pg_url)))
    console = await publish(client)
    headers = {
        k: v
        for k, v in ORDER.headers.items()
        if k.lower() not in ("host", "content-length", "connection")
    }
    path = f"/v1/webhooks/woocommerce/{WOO_HOOK}"
    for expected in ("accepted", "duplicate"):
        response = await client.post(path, data=ORDER.body, headers=headers)
        assert (await response.json())["result"] == expected
    await settled(client)
    [event] = await store_events(console)
    assert event["data"]["record"]["number"] == "26"
