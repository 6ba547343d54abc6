"""Syncing a Shopify store where hundreds of orders share one ``updatedAt`` (an import or a
bulk edit): every order is stored once, a sync stopped inside the tie resumes without
passing over it, and what was stored is checked against ``ordersCount``."""

from __future__ import annotations

from typing import Any

import pytest

from connectors.shopify import ShopifyConnector, queries
from core.workspace import Workspace
from core.workspace.stores import StoreEntry
from tests.connectors.shopify.conftest import MakeConnector
from tests.connectors.sync_helpers import new_store, run_until, stored_ids, sync_twice
from tests.emulators.shopify_seed import ShopState, bulk_orders


@pytest.fixture
def store(workspace: Workspace) -> StoreEntry:
    return new_store(workspace, "shopify")


async def test_orders_sharing_one_updated_at_are_each_stored_once(
    shop: ShopState, make_connector: MakeConnector, workspace: Workspace, store: StoreEntry
) -> None:
    shop.orders += bulk_orders(shop.domain, 260, "2026-02-10T08:00:00Z")
    expected = sorted(o["id"].rsplit("/", 1)[-1] for o in shop.orders)
    connectors: list[Any] = []

    def build() -> Any:
        return connectors[-1]

    connectors.append(await make_connector(page_size=25))
    stopped = await run_until(
        workspace, store, build, lambda phase, done: phase == "orders" and done >= 100
    )
    assert stopped.cancelled and len(stored_ids(workspace, store, "orders")) < len(expected)

    await sync_twice(workspace, store, build)

    assert stored_ids(workspace, store, "orders") == expected
    full, _ = await sync_twice(workspace, store, build, full=True)
    assert full.totals["orders"].store == len(expected) and full.warnings == ()
    assert full.counts["orders"].unchanged == len(expected)


async def test_shopify_orders_ties_by_id_so_pages_repeat_exactly(
    shop: ShopState, connector: ShopifyConnector
) -> None:
    shop.orders += bulk_orders(shop.domain, 60, "2026-02-10T08:00:00Z")

    async def walk() -> list[str]:
        ids: list[str] = []
        after = None
        while True:
            variables = {"first": 10, "after": after, "query": None, "sortKey": "UPDATED_AT"}
            cost = queries.connection_cost("orders", 10)
            result = await connector.client.execute(queries.ORDERS, variables, cost=cost)
            page = result.data["orders"]
            ids += [node["id"] for node in page["nodes"]]
            after = page["pageInfo"]["endCursor"]
            if not page["pageInfo"]["hasNextPage"]:
                return ids

    first, second = await walk(), await walk()
    assert first == second and len(set(first)) == len(shop.orders)
    tied = [i for i in first if int(i.rsplit("/", 1)[-1]) >= 9000]
    assert tied == sorted(tied, key=lambda i: int(i.rsplit("/", 1)[-1]))
