"""Syncing into a real workspace from tests: a store entry, the sync run twice (the second
must change nothing), and what ended up stored."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, text

from connectors.base import Connector
from connectors.sync import SyncEngine, SyncResult
from core.vault import Vault
from core.workspace import Workspace
from core.workspace.models import CustomerRow, OrderRow, ProductRow
from core.workspace.stores import StoreEntry, StoreRepository

TABLES = ("customers", "orders", "order_items", "products")
MODELS: dict[str, Any] = {"customers": CustomerRow, "orders": OrderRow, "products": ProductRow}
Build = Callable[[], Connector]


def new_store(workspace: Workspace, platform: str) -> StoreEntry:
    repo = StoreRepository(workspace, Vault.open(workspace.data_dir))
    return repo.add("Shop", platform, {"url": "https://shop.invalid"}, {"key": "k"})


async def sync(workspace: Workspace, store: StoreEntry, build: Build, **kw: Any) -> SyncResult:
    connector = build()
    try:
        return await SyncEngine(workspace, store, connector).run(**kw)
    finally:
        await connector.aclose()


async def sync_twice(
    workspace: Workspace, store: StoreEntry, build: Build, **kw: Any
) -> tuple[SyncResult, SyncResult]:
    """Sync, then sync again: the second run creates and updates nothing, and leaves the
    workspace's records exactly as they were."""
    first = await sync(workspace, store, build, **kw)
    before = dump(workspace)
    second = await sync(workspace, store, build, **kw)
    assert (second.created, second.updated) == (0, 0), second.counts
    assert dump(workspace) == before
    return first, second


def dump(workspace: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    with workspace.engine.connect() as connection:
        return {
            table: sorted(
                (tuple(r) for r in connection.execute(text(f"SELECT * FROM {table}"))), key=repr
            )
            for table in TABLES
        }


def stored_ids(workspace: Workspace, store: StoreEntry, stream: str) -> list[str]:
    model = MODELS[stream]
    with workspace.session() as session:
        query = select(model.external_id).where(model.store_id == store.id)
        return sorted(session.scalars(query).all())


async def run_until(
    workspace: Workspace, store: StoreEntry, build: Build, stop: Callable[[str, int], bool]
) -> SyncResult:
    """A sync cancelled as soon as ``stop(phase, done)`` says so (after that page)."""
    cancel = asyncio.Event()

    def progress(phase: str, done: int, total: int | None) -> None:
        if stop(phase, done):
            cancel.set()

    connector = build()
    try:
        engine = SyncEngine(workspace, store, connector)
        return await engine.run(progress=progress, cancel=cancel)
    finally:
        await connector.aclose()
