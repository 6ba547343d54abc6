"""Syncing a real-sized WooCommerce store whose records share modified times (imports and
bulk edits save hundreds in one second): every record is stored exactly once, whatever
order MySQL gives tied rows on each request, even when records are deleted meanwhile; the
second sync changes nothing; what was stored is checked against ``X-WP-Total``."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from connectors.base import ConnectorContext
from connectors.woocommerce import WooCommerceConnector, create
from core.workspace import Workspace
from core.workspace.stores import StoreEntry
from tests.connectors.sync_helpers import new_store, stored_ids, sync_twice
from tests.connectors.woocommerce.recorded import body
from tests.emulators.woocommerce import DEFAULT_KEY, Running, ShopState, running
from tests.emulators.woocommerce_seed import (
    BASE_TIME,
    synthetic_customers,
    synthetic_orders,
    synthetic_products,
)

BULK_EDIT = BASE_TIME + timedelta(days=2)


@pytest.fixture
def store(workspace: Workspace) -> StoreEntry:
    return new_store(workspace, "woocommerce")


@pytest.fixture
async def tied_shop() -> AsyncIterator[Running]:
    state = ShopState.seeded()
    state.add_orders(synthetic_orders(300, modified=BULK_EDIT))
    state.customers += synthetic_customers(120)
    state.catalog.products.update({p.id: p for p in synthetic_products(130)})
    async with running(state) as served:
        yield served


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10.0) as client:
        yield client


def builder(shop: Running, http: httpx.AsyncClient, per_page: int = 50) -> Any:
    def build() -> WooCommerceConnector:
        keys = {"key": DEFAULT_KEY.key, "secret": DEFAULT_KEY.secret}
        return create({"url": shop.url, "per_page": per_page}, keys, ConnectorContext(http=http))

    return build


def ids_in_store(shop: Running) -> dict[str, list[str]]:
    state = shop.state
    return {
        "orders": sorted(str(o.id) for o in state.orders),
        "customers": sorted(str(c.id) for c in state.customers),
        "products": sorted(str(p.id) for p in state.catalog.products.values() if not p.parent_id),
    }


async def test_three_hundred_orders_saved_in_one_second_are_each_stored_once(
    workspace: Workspace, store: StoreEntry, tied_shop: Running, http: httpx.AsyncClient
) -> None:
    expected = ids_in_store(tied_shop)
    assert len(expected["orders"]) == 318

    first, _ = await sync_twice(workspace, store, builder(tied_shop, http))

    for stream, ids in expected.items():
        assert stored_ids(workspace, store, stream) == ids
        assert first.counts[stream].created == len(ids)
        assert first.counts[stream].unchanged == 0  # nothing was read twice
        assert (first.totals[stream].store, first.totals[stream].stored) == (len(ids), len(ids))
    assert first.warnings == ()


@pytest.mark.parametrize("stream", ["orders", "customers"])
async def test_records_deleted_during_the_walk_make_no_one_else_skipped(
    tied_shop: Running, http: httpx.AsyncClient, stream: str
) -> None:
    connector = builder(tied_shop, http, per_page=25)()
    state = tied_shop.state
    pages = (
        connector.changed_orders(None) if stream == "orders" else connector.changed_customers(None)
    )
    seen: set[str] = set()
    async for number, page in aenumerate(pages):
        if number == 1:  # inside the walk by id, twenty rows already read are deleted
            early = {int(r.id) for r in page.records}
            if stream == "orders":
                for order_id in sorted(early)[:20]:
                    state.remove_order(order_id)
            else:
                state.customers = [c for c in state.customers if c.id not in early]
        seen.update(r.id for r in page.records)
    assert set(ids_in_store(tied_shop)[stream]) <= seen


async def aenumerate(items: AsyncIterator[Any]) -> AsyncIterator[tuple[int, Any]]:
    number = 0
    async for item in items:
        yield number, item
        number += 1


def test_the_recorded_store_saves_many_orders_in_the_same_second(woo_fixtures: Path) -> None:
    recorded = body(woo_fixtures, "06_orders_all")
    seconds = Counter(o["date_modified_gmt"] for o in recorded)
    assert max(seconds.values()) >= 4 and len(seconds) < len(recorded) / 2
    emulated = Counter(o.modified for o in ShopState.seeded().orders)
    assert max(emulated.values()) >= 4  # the emulator's shop is as crowded


async def test_tied_rows_come_back_in_a_new_order_unless_the_sort_is_unique(
    tied_shop: Running, http: httpx.AsyncClient
) -> None:
    client = builder(tied_shop, http)()._client

    async def ids(**params: Any) -> list[int]:
        reply = await client.get("orders", {"per_page": 100, "order": "asc", **params})
        return [o["id"] for o in reply.data]

    by_modified = [await ids(orderby="modified", page=2) for _ in range(3)]
    assert len({tuple(i) for i in by_modified}) > 1  # MySQL's order of ties: not repeatable
    for unique in ("date", "id"):
        assert len({tuple(await ids(orderby=unique, page=2)) for _ in range(3)}) == 1
