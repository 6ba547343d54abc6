"""A workspace synced by an earlier Storedesk, whose cursors moved past records its paging
skipped: after the upgrade, the next ordinary sync finds and stores them."""

from __future__ import annotations

from pathlib import Path

import httpx
from alembic import command

from connectors.base import ConnectorContext
from connectors.woocommerce import WooCommerceConnector, create
from core.vault import Vault
from core.workspace import HEAD_REVISION, Workspace
from core.workspace.database import alembic_config, current_revision
from core.workspace.stores import StoreRepository
from tests.connectors.sync_helpers import new_store, stored_ids, sync, sync_twice
from tests.emulators.woocommerce import DEFAULT_KEY, ShopState, running


async def test_the_first_sync_after_upgrading_stores_what_was_skipped(tmp_path: Path) -> None:
    state = ShopState.seeded()
    skipped = [o for o in state.orders if o.id in (22, 23)]  # saved in a crowded second
    for order in skipped:
        state.remove_order(order.id)
    async with running(state) as shop, httpx.AsyncClient(timeout=10.0) as http:
        keys = {"key": DEFAULT_KEY.key, "secret": DEFAULT_KEY.secret}

        def build() -> WooCommerceConnector:
            return create({"url": shop.url, "per_page": 5}, keys, ConnectorContext(http=http))

        workspace = Workspace.open(tmp_path / "ws")
        store = new_store(workspace, "woocommerce")
        await sync(workspace, store, build)
        with workspace.engine.begin() as connection:  # as the previous version left it
            command.downgrade(alembic_config(connection), "0002")
        workspace.close()
        state.add_orders(skipped)  # in the store all along, older than the cursor

        workspace = Workspace.open(tmp_path / "ws")
        with workspace.engine.connect() as connection:
            assert current_revision(connection) == HEAD_REVISION
        repo = StoreRepository(workspace, Vault.open(workspace.data_dir))
        assert set(repo.cursors(store).values()) == {None}

        first, _ = await sync_twice(workspace, store, build)

        assert {"22", "23"} <= set(stored_ids(workspace, store, "orders"))
        assert first.counts["orders"].created == 2
        assert first.totals["orders"].store == first.totals["orders"].stored == 18
        workspace.close()
