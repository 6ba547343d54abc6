"""Store integrations in the workspace: settings in the clear, credentials in the vault."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Update, bindparam, delete, func, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from core.workspace.activity import record
from core.workspace.database import Workspace
from core.workspace.models import Client, CustomerRow, OrderRow, ProductRow, StoreRow, SyncRun
from core.workspace.paths import WorkspaceError

if TYPE_CHECKING:
    from core.vault import Vault

log = logging.getLogger(__name__)
STREAMS = ("customers", "orders", "products")
_CURSOR_COLUMNS = {
    "customers": StoreRow.customers_cursor,
    "orders": StoreRow.orders_cursor,
    "products": StoreRow.products_cursor,
}


@dataclass(frozen=True, slots=True)
class StoreEntry:
    """A connected store as the console lists it. Never carries credentials."""

    id: int
    name: str
    platform: str
    settings: Mapping[str, Any]
    created_at: datetime
    last_sync_at: datetime | None = None
    customers: int = 0
    orders: int = 0
    products: int = 0
    client_id: int | None = None
    client: str | None = None


StoreList = list[StoreEntry]
SyncRunList = list[SyncRun]


class StoreRepository:
    def __init__(
        self,
        workspace: Workspace,
        vault: Vault,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._workspace = workspace
        self._vault = vault
        self._now = now
        vault.recover(workspace)

    def add(
        self,
        name: str,
        platform: str,
        settings: Mapping[str, Any],
        secrets: Mapping[str, str],
        *,
        client_id: int | None = None,
    ) -> StoreEntry:
        name = name.strip()
        if not name:
            raise WorkspaceError("A store needs a name.")
        try:
            with self._workspace.engine.begin() as connection:
                store_id = self._insert(connection, name, platform, settings, client_id)
                blob = self._vault.encrypt(store_id, secrets)
                connection.execute(
                    update(StoreRow).where(StoreRow.id == store_id).values(secrets=blob)
                )
                record(connection, "store.connected", name, {"platform": platform})
        except IntegrityError:
            raise WorkspaceError(
                f"A store named {name!r} already exists; choose another name."
            ) from None
        log.info("Added store %r (%s)", name, platform)
        entry = self.get(name)
        assert entry is not None
        return entry

    def _insert(
        self,
        connection: Connection,
        name: str,
        platform: str,
        settings: Mapping[str, Any],
        client_id: int | None,
    ) -> int:
        values = {
            "client_id": client_id,
            "name": name,
            "platform": platform,
            "settings": dict(settings),
            "created_at": self._now(),
        }
        result = connection.execute(insert(StoreRow).values(values))
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def get(self, name: str) -> StoreEntry | None:
        entries = self._entries(StoreRow.name == name)
        return entries[0] if entries else None

    def list(self, *, client_id: int | None = None) -> StoreList:
        """Every store, or only those of one client (agency mode)."""
        return self._entries(None if client_id is None else StoreRow.client_id == client_id)

    def _entries(self, where: Any) -> StoreList:
        query = (
            select(StoreRow, Client.name, *_count_columns())
            .outerjoin(Client, Client.id == StoreRow.client_id)
            .order_by(StoreRow.name)
        )
        if where is not None:
            query = query.where(where)
        with self._workspace.session() as session:
            return [_entry(*row) for row in session.execute(query).all()]

    def secrets(self, entry: StoreEntry) -> dict[str, str]:
        with self._workspace.engine.connect() as connection:
            blob = connection.scalar(select(StoreRow.secrets).where(StoreRow.id == entry.id))
        if blob is None:
            return {}
        return self._vault.decrypt(entry.id, blob)

    def update_secrets(self, entry: StoreEntry, secrets: Mapping[str, str]) -> None:
        blob = self._vault.encrypt(entry.id, secrets)
        with self._workspace.engine.begin() as connection:
            connection.execute(update(StoreRow).where(StoreRow.id == entry.id).values(secrets=blob))

    def update_settings(self, entry: StoreEntry, settings: Mapping[str, Any]) -> StoreEntry:
        """Replace the store's (non-secret) settings; the entry as it is now."""
        with self._workspace.engine.begin() as connection:
            connection.execute(
                update(StoreRow).where(StoreRow.id == entry.id).values(settings=dict(settings))
            )
        found = self.get(entry.name)
        assert found is not None
        return found

    def remove(self, name: str) -> bool:
        """Delete the store, everything synced from it, and its credentials."""
        with self._workspace.engine.begin() as connection:
            connection.exec_driver_sql("PRAGMA secure_delete=ON")
            try:
                connection.execute(
                    update(StoreRow).where(StoreRow.name == name).values(secrets=None)
                )
                removed = connection.execute(delete(StoreRow).where(StoreRow.name == name))
                if removed.rowcount:
                    record(connection, "store.disconnected", name)
            finally:
                connection.exec_driver_sql("PRAGMA secure_delete=OFF")
        with self._workspace.engine.connect() as connection:
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        if removed.rowcount:
            log.info("Removed store %r and its synced data", name)
        return bool(removed.rowcount)

    def cursors(self, entry: StoreEntry) -> dict[str, datetime | None]:
        with self._workspace.engine.connect() as connection:
            return load_cursors(connection, entry.id)

    def sync_runs(self, entry: StoreEntry) -> SyncRunList:
        with self._workspace.session() as session:
            query = select(SyncRun).where(SyncRun.store_id == entry.id).order_by(SyncRun.id)
            return list(session.scalars(query).all())


def _count_columns() -> list[Any]:
    return [
        select(func.count())
        .where(model.store_id == StoreRow.id)
        .correlate(StoreRow)
        .scalar_subquery()
        for model in (CustomerRow, OrderRow, ProductRow)
    ]


def _entry(
    row: StoreRow, client: str | None, customers: int, orders: int, products: int
) -> StoreEntry:
    return StoreEntry(
        id=row.id,
        name=row.name,
        platform=row.platform,
        settings=dict(row.settings),
        created_at=row.created_at,
        last_sync_at=row.last_sync_at,
        customers=customers,
        orders=orders,
        products=products,
        client_id=row.client_id,
        client=client,
    )


def load_cursors(connection: Connection, store_id: int) -> dict[str, datetime | None]:
    columns = [_CURSOR_COLUMNS[stream] for stream in STREAMS]
    row = connection.execute(select(*columns).where(StoreRow.id == store_id)).one_or_none()
    if row is None:
        raise WorkspaceError(f"Store #{store_id} no longer exists in this workspace.")
    return dict(zip(STREAMS, row, strict=True))


def save_cursor(connection: Connection, store_id: int, stream: str, value: datetime) -> None:
    connection.execute(_save_cursor_statement(stream), {"store": store_id, "value": value})


@functools.cache
def _save_cursor_statement(stream: str) -> Update:
    """Built once per stream: a sync saves its cursor after every page, and building the
    statement cost SQLAlchemy ten times what running it costs SQLite."""
    column = _CURSOR_COLUMNS[stream]
    return (
        update(StoreRow)
        .where(StoreRow.id == bindparam("store"))
        .values({column.key: bindparam("value", type_=column.type)})
    )


def start_sync_run(connection: Connection, store_id: int, started: datetime, full: bool) -> int:
    values = {
        "store_id": store_id,
        "started_at": started,
        "status": "running",
        "full": full,
        "counts": {},
        "errors": [],
    }
    key = connection.execute(insert(SyncRun).values(values)).inserted_primary_key
    assert key is not None
    return int(key[0])


def finish_sync_run(
    connection: Connection,
    run_id: int,
    *,
    store_id: int,
    finished: datetime,
    status: str,
    counts: Mapping[str, Any],
    errors: list[Any],
    totals: Mapping[str, Any] | None = None,
) -> None:
    values = {"finished_at": finished, "status": status, "counts": dict(counts), "errors": errors}
    connection.execute(
        update(SyncRun).where(SyncRun.id == run_id).values(totals=dict(totals or {}), **values)
    )
    connection.execute(
        update(StoreRow).where(StoreRow.id == store_id).values(last_sync_at=finished)
    )
