"""Syncing a real-sized WooCommerce store whose orders share modified times (imports and bulk
edits save hundreds in one second): every record is stored exactly once, whatever order
MySQL gives tied rows on each request, and a second sync changes nothing."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text

from connectors.base import ConnectorContext
from connectors.sync import SyncEngine, SyncResult
from connectors.woocommerce import create
from core.vault import Vault
from core.workspace import Workspace
from core.workspace.models import OrderRow
from core.workspace.stores import StoreEntry, StoreRepository
from tests.emulators.woocommerce import DEFAULT_KEY, Running, ShopState, running
from tests.emulators.woocommerce_seed import BASE_TIME, synthetic_orders

BULK_EDIT = BASE_TIME + timedelta(days=2)
TABLES = ("customers", "orders", "order_items", "products")


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.fixture
def store(workspace: Workspace) -> StoreEntry:
    repo = StoreRepository(workspace, Vault.open(workspace.data_dir))
    return repo.add("Shop", "woocommerce", {"url": "http://shop.invalid"}, {"key": "k"})


@pytest.fixture
async def tied_shop() -> AsyncIterator[Running]:
    state = ShopState.seeded()
    state.add_orders(synthetic_orders(300, modified=BULK_EDIT))
    async with running(state) as served:
        yield served


async def sync(workspace: Workspace, store: StoreEntry, shop: Running, **kw: Any) -> SyncResult:
    async with httpx.AsyncClient(timeout=10.0) as http:
        settings = {"url": shop.url, "per_page": 50}
        keys = {"key": DEFAULT_KEY.key, "secret": DEFAULT_KEY.secret}
        connector = create(settings, keys, ConnectorContext(http=http))
        return await SyncEngine(workspace, store, connector).run(**kw)


def stored_orders(workspace: Workspace, store: StoreEntry) -> list[str]:
    with workspace.session() as session:
        query = select(OrderRow.external_id).where(OrderRow.store_id == store.id)
        return sorted(session.scalars(query).all())


def dump(workspace: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    with workspace.engine.connect() as connection:
        return {
            table: [tuple(r) for r in connection.execute(text(f"SELECT * FROM {table}"))]
            for table in TABLES
        }


async def test_three_hundred_orders_saved_in_one_second_are_each_stored_once(
    workspace: Workspace, store: StoreEntry, tied_shop: Running
) -> None:
    expected = sorted(str(o.id) for o in tied_shop.state.orders)
    assert len(expected) == 318

    first = await sync(workspace, store, tied_shop)

    assert stored_orders(workspace, store) == expected
    assert first.counts["orders"].created == 318
    assert first.counts["orders"].unchanged == 0  # nothing was read twice
    before = dump(workspace)

    second = await sync(workspace, store, tied_shop)

    assert (second.created, second.updated) == (0, 0)
    assert dump(workspace) == before
