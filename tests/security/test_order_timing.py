"""An unverified shopper cannot tell by the clock whether an order number exists, even on a
slow shop where the two answers cost the store different work: the emulated WooCommerce
finds an existing number with one request (``orders/{id}``) but needs two for an unknown one
(that request's 404, then a search), each request taking ``SLOW`` seconds. A failed
verification is answered no sooner than the store's recent order lookups take (their 90th
percentile, the slower kind's), so both kinds take about as long; a right guess is not
held back."""

from __future__ import annotations

import statistics
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from relay.app import create_app
from relay.keys import STORE
from tests.emulators import woocommerce as woo
from tests.relay.conftest import SettingsFactory
from tests.relay.public_helpers import WIDGET_KEY, order_cards

SLOW = 0.08  # seconds every request to the shop waits
PAIRS = 12  # measured guesses of each kind
WRONG = "mallory@example.com"


@pytest.fixture
async def shop() -> AsyncIterator[woo.Running]:
    async with woo.running(woo.ShopState.seeded(synthetic=2 * PAIRS + 10, slow=SLOW)) as shop:
        yield shop


@pytest.fixture
async def client(
    aiohttp_client: Any, relay_settings: SettingsFactory, shop: woo.Running
) -> TestClient:
    """A relay whose widget tracks orders in the slow shop; the address limits are raised,
    as every guess here comes from one address (each in a conversation of its own)."""
    settings = relay_settings(
        ip_verification_failures=100_000, ip_requests_per_minute=0, ip_burst=0
    )
    relay: TestClient = await aiohttp_client(create_app(settings))
    bundle = {
        "stores": [
            {
                "id": "slow-woo",
                "platform": "woocommerce",
                "settings": {"url": shop.url},
                "secrets": {"key": woo.DEFAULT_KEY.key, "secret": woo.DEFAULT_KEY.secret},
            }
        ],
        "widgets": [{"key": WIDGET_KEY, "name": "Slow shop", "store": "slow-woo", "config": {}}],
    }
    await relay.app[STORE].publish(bundle, dry_run=False)
    return relay


async def _ask(client: TestClient, number: str, email: str) -> tuple[float, list[Any]]:
    """Seconds the relay took to answer one guess (in a new conversation), and its answer;
    without a number, a question about the shop's products."""
    response = await client.post(f"/v1/widgets/{WIDGET_KEY}/conversations", json={})
    chat = await response.json()
    auth = {"Authorization": f"Bearer {chat['token']}"}
    path = f"/v1/conversations/{chat['conversation_id']}/messages"
    text = f"where is order {number}? my email is {email}" if number else "do you sell shirts?"
    started = time.perf_counter()
    answer = await client.post(path, json={"text": text}, headers=auth)
    body = await answer.json()
    spent = time.perf_counter() - started
    assert answer.status == 200, body
    return spent, body["messages"]


async def test_a_slow_shop_does_not_tell_an_existing_order_by_time(
    client: TestClient, shop: woo.Running
) -> None:
    await _ask(client, "", "")  # a product question: warms the shop's connection up
    orders = iter(o for o in shop.state.orders if o.id >= 5000)  # the synthetic ones, unasked
    before = len(shop.state.log)
    await _ask(client, next(orders).number, WRONG)
    one = len(shop.state.log) - before
    await _ask(client, "9050", WRONG)
    two = len(shop.state.log) - before - one
    assert (one, two) == (1, 2), "the shop should do more work for one kind than the other"

    gaps = []  # existing minus unknown, asked one right after the other
    for i in range(PAIRS):  # which goes first alternates, and load falls on both alike
        number, other = next(orders).number, str(9100 + i)
        first, said = await _ask(client, number if i % 2 else other, WRONG)
        second, said_too = await _ask(client, other if i % 2 else number, WRONG)
        assert not order_cards(said) and not order_cards(said_too), (said, said_too)
        gaps.append(first - second if i % 2 else second - first)
    # one request more to the shop shows as a gap of about SLOW
    assert abs(statistics.median(gaps)) < 0.4 * SLOW, gaps

    sooner = []  # how much sooner an owner is answered than an unknown number asked next
    for i in range(4):
        order = next(orders)
        right, said = await _ask(client, order.number, order.billing["email"])
        assert order_cards(said), said
        sooner.append((await _ask(client, str(9200 + i), WRONG))[0] - right)
    assert statistics.median(sooner) > 0.3 * SLOW, sooner  # a right guess is not held back
