"""The client paces itself from the last throttleStatus, so Shopify need not say THROTTLED."""

from __future__ import annotations

from tests.connectors.shopify.conftest import FakeClock, MakeConnector
from tests.emulators.shopify_seed import ShopState


async def test_a_query_the_bucket_cannot_pay_for_waits_first(
    make_connector: MakeConnector, shop: ShopState, sleeps: list[float]
) -> None:
    connector = await make_connector()
    shop.bucket_level()  # start the bucket's clock
    shop.available = 100.0
    await connector.test()  # 1 point: 99 left
    pages = [p async for p in connector.changed_products(None)]
    # the count costs 1 (98 left); products(first: 166) requests 999 at 100 a second
    assert sleeps == [(999 - 98) / 100]
    assert shop.throttled == 0
    assert len(shop.requests) == 3  # shop, count, one page: nothing was sent twice
    assert sum(len(p.records) for p in pages) == 7


async def test_time_since_the_last_answer_refills_the_estimate(
    make_connector: MakeConnector, shop: ShopState, sleeps: list[float], clock: FakeClock
) -> None:
    connector = await make_connector()
    shop.bucket_level()
    shop.available = 100.0
    await connector.test()  # 99 left
    clock.advance(3.0)  # 300 points restored meanwhile
    products = await connector.search_products("mug", limit=200)  # 999 points
    assert sleeps == [(999 - 399) / 100]
    assert shop.throttled == 0
    assert [p.title for p in products] == ["Café Crème Mug"]


async def test_a_full_bucket_sends_at_once(
    make_connector: MakeConnector, shop: ShopState, sleeps: list[float]
) -> None:
    connector = await make_connector(page_size=2)
    pages = [p async for p in connector.changed_orders(None)]
    assert sum(len(p.records) for p in pages) == 13
    assert sleeps == [] and shop.throttled == 0
