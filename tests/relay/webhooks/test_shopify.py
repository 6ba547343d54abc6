"""Shopify webhooks on the relay: the emulator registers the subscriptions
(``webhookSubscriptionCreate`` with ``uri``) and delivers signed like Shopify; orders reach
the console, duplicates and forgeries change nothing, and the compliance topics erase
or record what they ask for."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import orjson
import pytest
from aiohttp.test_utils import TestClient

from connectors.base import ConnectorContext
from connectors.registry import build
from relay.keys import STORE
from relay.storage.records import NewConversation, NewEvent
from tests.emulators.shopify import running
from tests.emulators.shopify_seed import TOKEN, ShopState, seeded_shop
from tests.emulators.shopify_webhooks import order_payload
from tests.relay.webhooks.helpers import (
    CLIENT_SECRET,
    SHOP,
    SHOPIFY_WIDGET,
    WOO_WIDGET,
    publish,
    settled,
    shopify_headers,
    store_events,
)

PATH = "/v1/webhooks/shopify"


@pytest.fixture
async def emulated() -> AsyncIterator[tuple[ShopState, str]]:
    state = seeded_shop()
    state.webhooks.client_secret = CLIENT_SECRET
    state.webhooks.allow_loopback_http = True
    async with running(state) as url:
        yield state, url


async def _post(
    client: TestClient, topic: str, payload: dict, webhook_id: str, **kw: str
) -> tuple[int, dict]:
    body = orjson.dumps(payload)
    headers = shopify_headers(topic, body, webhook_id=webhook_id, **kw)
    response = await client.post(PATH, data=body, headers=headers)
    return response.status, await response.json()


async def test_registered_subscriptions_deliver_orders_to_the_console(
    app_client: TestClient, emulated: tuple[ShopState, str]
) -> None:
    state, url = emulated
    console = await publish(app_client, shopify_base=url)
    address = str(app_client.make_url(PATH))
    async with httpx.AsyncClient() as http:
        shopify = build(
            "shopify",
            {"shop": SHOP, "base_url": url, "api_version": "2026-01"},
            {"token": TOKEN},
            ConnectorContext(http=http),
        )
        hooks = shopify.webhooks()  # type: ignore[attr-defined]
        first = await hooks.register(address)
        again = await hooks.register(address)
        assert len(first.created) == 11 and again.created == () and len(again.kept) == 11
        created = [
            r["variables"] for r in state.requests if "webhookSubscriptionCreate" in r["query"]
        ]
        assert created[0]["webhookSubscription"] == {"uri": address, "format": "JSON"}
        assert created[0]["topic"] == "ORDERS_CREATE"

        order = order_payload(state.orders[0])
        assert await state.webhooks.deliver(state, "orders/updated", order) == [200]
        await settled(app_client)
        events = await store_events(console)
        assert len(events) == 1
        data = events[0]["data"]
        assert (data["store"], data["kind"], data["action"]) == ("sh", "order", "upsert")
        assert data["record"]["number"] == "1001" and data["record"]["status"] == "delivered"
        assert data["record"]["tracking"][0]["number"] == "JD014600006281230704"

        removed = await hooks.remove(address)
        assert len(removed) == 11 and await hooks.subscriptions() == []
        await shopify.aclose()


async def test_duplicates_and_forgeries_change_nothing(app_client: TestClient) -> None:
    console = await publish(app_client)
    order = order_payload(seeded_shop().orders[3])
    assert await _post(app_client, "orders/create", order, "wh-1") == (
        200,
        {"ok": True, "result": "accepted"},
    )
    status, body = await _post(app_client, "orders/create", order, "wh-1")
    assert (status, body["result"]) == (200, "duplicate")
    for change in ({"secret": "not the client secret"}, {"shop": "other.myshopify.com"}):
        status, body = await _post(app_client, "orders/create", order, "wh-2", **change)
        assert status == 401 and body["error"]["code"] == "bad_signature"
    raw = b"not json"
    headers = shopify_headers("orders/create", raw, webhook_id="wh-3")
    response = await app_client.post(PATH, data=raw, headers=headers)
    assert response.status == 400
    await settled(app_client)
    assert len(await store_events(console)) == 1
    assert await app_client.app[STORE].webhook_counts() == {"upsert": 1}


async def _conversation(client: TestClient, widget: str, email: str, n: int) -> None:
    conversation_id = f"c_{widget[-4:]}_{n}"
    created = NewEvent(
        id=f"ev_{conversation_id}",
        type="conversation.created",
        at=datetime.now(UTC),
        data={"conversation": {"id": conversation_id, "customer_email": email}},
        conversation_id=conversation_id,
        widget_key=widget,
    )
    await client.app[STORE].create_conversation(
        NewConversation(
            id=conversation_id,
            widget_key=widget,
            token_hash="x" * 64,
            started_at=datetime.now(UTC),
            customer_email=email,
        ),
        events=[created],
    )


async def test_customers_redact_erases_that_shoppers_conversations(app_client: TestClient) -> None:
    console = await publish(app_client)
    await _conversation(app_client, SHOPIFY_WIDGET, "Zoe.Mueller@example.de", 1)
    await _conversation(app_client, SHOPIFY_WIDGET, "jose.alvarez@example.es", 2)
    await _conversation(app_client, WOO_WIDGET, "zoe.mueller@example.de", 3)  # another store
    payload = {
        "shop_id": 954889,
        "shop_domain": SHOP,
        "customer": {"id": 7001, "email": "zoe.mueller@example.de", "phone": "+4930123456789"},
        "orders_to_redact": [5001, 5002],
    }
    assert (await _post(app_client, "customers/redact", payload, "wh-r"))[0] == 200
    await settled(app_client)
    store = app_client.app[STORE]
    assert await store.conversation(f"c_{SHOPIFY_WIDGET[-4:]}_1") is None
    assert await store.conversation(f"c_{SHOPIFY_WIDGET[-4:]}_2") is not None
    assert await store.conversation(f"c_{WOO_WIDGET[-4:]}_3") is not None
    [event] = await store_events(console)
    assert event["data"]["action"] == "redact" and event["data"]["kind"] == "customer"
    assert event["data"]["ref"]["email"] == "zoe.mueller@example.de"
    assert event["data"]["ref"]["orders"] == ["5001", "5002"]
    assert event["data"]["ref"]["conversations_erased"] == 1
    _, pulled = await console.call("GET", "/v1/console/events")
    waiting = {e["conversation_id"] for e in pulled["events"] if e["conversation_id"]}
    # what the console had not pulled yet of the erased conversation went with it
    assert waiting == {f"c_{SHOPIFY_WIDGET[-4:]}_2", f"c_{WOO_WIDGET[-4:]}_3"}


async def test_shop_redact_erases_the_stores_conversations(app_client: TestClient) -> None:
    console = await publish(app_client)
    await _conversation(app_client, SHOPIFY_WIDGET, "a@example.com", 1)
    await _conversation(app_client, SHOPIFY_WIDGET, "b@example.com", 2)
    await _conversation(app_client, WOO_WIDGET, "c@example.com", 3)
    payload = {"shop_id": 954889, "shop_domain": SHOP}
    assert (await _post(app_client, "shop/redact", payload, "wh-s"))[0] == 200
    await settled(app_client)
    store = app_client.app[STORE]
    assert await store.conversation(f"c_{SHOPIFY_WIDGET[-4:]}_1") is None
    assert await store.conversation(f"c_{SHOPIFY_WIDGET[-4:]}_2") is None
    assert await store.conversation(f"c_{WOO_WIDGET[-4:]}_3") is not None
    [event] = await store_events(console)
    assert (event["data"]["kind"], event["data"]["action"]) == ("store", "redact")


async def test_data_requests_and_uninstalls_reach_the_console(app_client: TestClient) -> None:
    console = await publish(app_client)
    request = {
        "shop_id": 954889,
        "shop_domain": SHOP,
        "orders_requested": [5001],
        "customer": {"id": 7001, "email": "zoe.mueller@example.de", "phone": None},
        "data_request": {"id": 9999},
    }
    assert (await _post(app_client, "customers/data_request", request, "wh-d"))[0] == 200
    uninstalled = {"id": 548380009, "name": "Demo", "myshopify_domain": SHOP}
    assert (await _post(app_client, "app/uninstalled", uninstalled, "wh-u"))[0] == 200
    status, body = await _post(app_client, "themes/publish", {"id": 1}, "wh-t")
    assert (status, body["result"]) == (200, "ignored")
    await settled(app_client)
    first, second = await store_events(console)
    assert (first["data"]["action"], first["data"]["ref"]["request"]) == ("data_request", "9999")
    assert second["data"]["action"] == "disconnected"


async def test_the_shopify_connector_uses_callback_url_before_2025_10(
    emulated: tuple[ShopState, str],
) -> None:
    state, url = emulated
    async with httpx.AsyncClient() as http:
        shopify = build(
            "shopify",
            {"shop": SHOP, "base_url": url, "api_version": "2025-07"},
            {"token": TOKEN},
            ConnectorContext(http=http),
        )
        made = await shopify.webhooks().register("https://relay.example/v1/webhooks/shopify")  # type: ignore[attr-defined]
        assert len(made.created) == 11
    sent = [r["variables"] for r in state.requests if "webhookSubscriptionCreate" in r["query"]]
    assert "callbackUrl" in sent[0]["webhookSubscription"]


async def test_an_order_is_sent_as_the_store_has_it_now(
    app_client: TestClient, emulated: tuple[ShopState, str]
) -> None:
    state, url = emulated
    console = await publish(app_client, shopify_base=url, shopify_token=TOKEN)
    on_hold = next(o for o in state.orders if o["name"] == "#1008")
    assert (await _post(app_client, "orders/updated", order_payload(on_hold), "wh-h1"))[0] == 200
    await settled(app_client)
    state.failures.extend([503] * 20)  # the store stops answering: the payload is used
    assert (await _post(app_client, "orders/updated", order_payload(on_hold), "wh-h2"))[0] == 200
    await settled(app_client)
    fresh, fallback = await store_events(console)
    # the REST payload cannot say "on hold"; the GraphQL order the connector reads does
    assert fresh["data"]["record"]["status"] == "on_hold"
    assert fallback["data"]["record"]["status"] == "processing"
