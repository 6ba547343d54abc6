"""The sync engine against an in-memory connector: counts, idempotence, cursors, failures,
customer merging, cancellation, progress and the recorded sync run."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, text

from connectors.base import RecordError
from connectors.errors import AuthError
from connectors.sync import CLOCK_MARGIN, SyncEngine, SyncResult
from core.records import CustomerRef, OrderItem
from core.vault import Vault
from core.workspace import Workspace
from core.workspace.models import CustomerRow, OrderItemRow, OrderRow, SyncRun
from core.workspace.stores import StoreEntry, StoreRepository
from tests.connectors.fake_store import T0, FakeConnector, customer, order, product

NOW = T0 + timedelta(days=1)
TABLES = ("customers", "orders", "order_items", "products")


@pytest.fixture
def store(workspace: Workspace) -> StoreEntry:
    repo = StoreRepository(workspace, Vault.open(workspace.data_dir), now=lambda: NOW)
    return repo.add("Shop", "custom", {"url": "https://shop.example"}, {"token": "t"})


def standard() -> FakeConnector:
    customers = [customer(n) for n in range(1, 6)]
    orders = [order(n, customer_n=1 + n % 5) for n in range(1, 8)]
    products = [product(n) for n in range(1, 5)]
    return FakeConnector(customers, orders, products, page_size=3)


async def sync(ws: Workspace, store: StoreEntry, conn: FakeConnector, **kw: Any) -> SyncResult:
    return await SyncEngine(ws, store, conn, now=lambda: NOW).run(**kw)


def dump(ws: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    with ws.engine.connect() as connection:
        return {
            table: [
                tuple(r) for r in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))
            ]
            for table in TABLES
        }


async def again_changes_nothing(ws: Workspace, store: StoreEntry, conn: FakeConnector) -> None:
    before = dump(ws)
    again = await sync(ws, store, conn)
    assert (again.created, again.updated) == (0, 0)
    assert dump(ws) == before


def counts(result: SyncResult) -> dict[str, tuple[int, int, int, int]]:
    return {s: dataclasses.astuple(c) for s, c in result.counts.items()}  # type: ignore[misc]


async def test_first_sync_creates_everything_and_a_second_changes_nothing(
    workspace: Workspace, store: StoreEntry
) -> None:
    connector = standard()
    first = await sync(workspace, store, connector)
    assert counts(first) == {
        "customers": (5, 0, 0, 0),
        "orders": (7, 0, 0, 0),
        "products": (4, 0, 0, 0),
    }
    before = dump(workspace)
    assert len(before["order_items"]) == 14

    second = await sync(workspace, store, connector, full=True)
    assert (second.created, second.updated) == (0, 0)
    assert second.counts["orders"].unchanged == 7
    assert dump(workspace) == before


async def test_orders_keep_exact_money_utc_times_and_items(
    workspace: Workspace, store: StoreEntry
) -> None:
    connector = standard()
    await sync(workspace, store, connector)
    await again_changes_nothing(workspace, store, connector)
    with workspace.session() as session:
        row = session.scalars(select(OrderRow).where(OrderRow.number == "1003")).one()
        items = session.scalars(
            select(OrderItemRow)
            .where(OrderItemRow.order_id == row.id)
            .order_by(OrderItemRow.position)
        ).all()
        linked = session.get(CustomerRow, row.customer_id)
        assert row.total == Decimal("22.99")
        assert row.updated_at == T0 + timedelta(minutes=3)
        assert row.tracking == [
            {"number": "TRK1", "carrier": "DHL", "url": "https://dhl.example/TRK1"}
        ]
        assert [(i.name, i.quantity, i.price) for i in items] == [
            ("Mug", 2, Decimal("4.50")),
            ("Tea", 1, None),
        ]
        assert linked is not None and linked.external_id == "c4"


async def test_incremental_sync_fetches_only_newer_records_and_updates_changed_ones(
    workspace: Workspace, store: StoreEntry
) -> None:
    connector = standard()
    await sync(workspace, store, connector)
    connector.data["orders"][0] = order(1, minutes=60, status="shipped")
    connector.served = dict.fromkeys(connector.served, 0)

    result = await sync(workspace, store, connector)

    assert ("orders", T0 + timedelta(minutes=7)) in connector.calls
    assert connector.served["orders"] == 2  # the newest known order again, and the changed one
    assert counts(result)["orders"] == (0, 1, 1, 0)
    with workspace.session() as session:
        status = session.scalar(select(OrderRow.status).where(OrderRow.external_id == "o1"))
    assert status == "shipped"


async def test_a_page_of_changed_and_new_records_updates_in_place_and_adds(
    workspace: Workspace, store: StoreEntry
) -> None:
    connector = standard()
    await sync(workspace, store, connector)
    with workspace.engine.connect() as connection:
        o1_id = connection.scalar(text("SELECT id FROM orders WHERE external_id = 'o1'"))
    changed = order(1, minutes=60, items=(OrderItem("Cup", 3, "CUP-1", Decimal("2.00")),))
    connector.data["orders"][0] = changed
    connector.data["orders"].append(order(8, minutes=61))
    connector.data["products"].append(product(5, minutes=60))

    result = await sync(workspace, store, connector)

    assert counts(result)["orders"] == (1, 1, 1, 0)  # o1 and o8 arrive in one page
    assert counts(result)["products"] == (1, 0, 1, 0)
    with workspace.engine.connect() as connection:
        found = connection.execute(text("SELECT external_id, id FROM orders")).all()
        rows: dict[str, int] = {external_id: row_id for external_id, row_id in found}
        items = connection.execute(
            text("SELECT order_id, name, quantity FROM order_items ORDER BY order_id, position")
        ).all()
    assert rows["o1"] == o1_id  # updated where it was, not inserted again
    assert [(i.name, i.quantity) for i in items if i.order_id == o1_id] == [("Cup", 3)]
    assert [i.name for i in items if i.order_id == rows["o8"]] == ["Mug", "Tea"]
    await again_changes_nothing(workspace, store, connector)


async def test_bad_records_are_skipped_counted_and_recorded(
    workspace: Workspace, store: StoreEntry
) -> None:
    connector = standard()
    connector.record_errors["orders"] = [RecordError("o99", "order o99 has no total")]
    connector.data["orders"].append(order(8, currency=None))  # cannot be stored: no currency

    result = await sync(workspace, store, connector)
    await again_changes_nothing(workspace, store, connector)

    assert counts(result)["orders"] == (7, 0, 0, 2)
    assert {(e.external_id, e.stream) for e in result.errors} == {
        ("o99", "orders"),
        ("o8", "orders"),
    }
    with workspace.session() as session:
        run = session.get(SyncRun, result.run_id)
        assert run is not None and run.status == "completed"
        assert {e["external_id"] for e in run.errors} == {"o99", "o8"}
        assert session.scalar(select(OrderRow.id).where(OrderRow.external_id == "o7")) is not None


async def test_customers_sharing_an_email_become_one_row(
    workspace: Workspace, store: StoreEntry
) -> None:
    older = customer(1, email="Ann@Example.com", minutes=1)
    newer = dataclasses.replace(customer(2, email=" ann@example.COM", minutes=5), name="Ann B")
    orders = [
        order(1, customer=CustomerRef(id="c1", email="ANN@example.com")),
        order(2, customer=CustomerRef(id="c2", email="ann@example.com")),
        order(3, customer=CustomerRef(id="c1")),  # only the merged id to go by
    ]
    connector = FakeConnector([newer, older, customer(3)], orders, [], page_size=1)

    await sync(workspace, store, connector)
    first = dump(workspace)
    again = await sync(workspace, store, connector, full=True)

    assert (again.created, again.updated) == (0, 0)
    assert dump(workspace) == first
    with workspace.session() as session:
        rows = session.scalars(select(CustomerRow).order_by(CustomerRow.id)).all()
        ann = [r for r in rows if r.email_key == "ann@example.com"]
        assert len(rows) == 2 and len(ann) == 1
        assert (ann[0].external_id, ann[0].name, ann[0].merged_ids) == ("c2", "Ann B", ["c1"])
        links = set(session.scalars(select(OrderRow.customer_id)).all())
        assert links == {ann[0].id}


async def test_cancelled_sync_keeps_committed_pages_and_resumes(
    workspace: Workspace, store: StoreEntry
) -> None:
    connector = standard()
    cancel = asyncio.Event()

    def stop_after_first_order_page(phase: str, done: int, total: int | None) -> None:
        if phase == "orders" and done > 0:
            cancel.set()

    result = await sync(
        workspace, store, connector, progress=stop_after_first_order_page, cancel=cancel
    )

    assert result.cancelled
    assert counts(result)["orders"] == (3, 0, 0, 0)
    assert counts(result)["products"] == (0, 0, 0, 0)
    with workspace.session() as session:
        run = session.get(SyncRun, result.run_id)
        assert run is not None and run.status == "cancelled"

    resumed = await sync(workspace, store, connector)

    assert ("orders", T0 + timedelta(minutes=3)) in connector.calls
    assert counts(resumed)["orders"] == (4, 0, 1, 0)
    assert counts(resumed)["products"] == (4, 0, 0, 0)


async def test_progress_reports_each_phase_in_order(
    workspace: Workspace, store: StoreEntry
) -> None:
    seen: list[tuple[str, int, int | None]] = []
    await sync(workspace, store, standard(), progress=lambda *a: seen.append(a))
    assert seen == [
        ("customers", 0, None),
        ("customers", 3, 5),
        ("customers", 5, 5),
        ("orders", 0, None),
        ("orders", 3, 7),
        ("orders", 6, 7),
        ("orders", 7, 7),
        ("products", 0, None),
        ("products", 3, 4),
        ("products", 4, 4),
    ]


async def test_sync_run_is_recorded_and_store_counts_follow(
    workspace: Workspace, store: StoreEntry
) -> None:
    repo = StoreRepository(workspace, Vault.open(workspace.data_dir))
    connector = standard()
    result = await sync(workspace, store, connector, full=True)
    runs = repo.sync_runs(store)[:1]
    await again_changes_nothing(workspace, store, connector)
    assert [(r.id, r.status, r.full, r.finished_at) for r in runs] == [
        (result.run_id, "completed", True, NOW)
    ]
    assert runs[0].counts["orders"] == {"created": 7, "updated": 0, "unchanged": 0, "failed": 0}
    entry = repo.get("Shop")
    assert entry is not None
    assert (entry.customers, entry.orders, entry.products, entry.last_sync_at) == (5, 7, 4, NOW)


async def test_a_connector_failure_marks_the_run_failed_and_propagates(
    workspace: Workspace, store: StoreEntry
) -> None:
    from connectors.errors import AuthError

    connector = standard()

    async def refused(since: Any) -> Any:
        raise AuthError("custom", "The store refused the access token.")
        yield  # pragma: no cover

    connector.changed_orders = refused  # type: ignore[method-assign]
    with pytest.raises(AuthError):
        await sync(workspace, store, connector)
    with workspace.session() as session:
        run = session.scalars(select(SyncRun)).one()
        assert run.status == "failed"
        assert run.errors[-1]["message"] == "The store refused the access token."
        assert run.counts["customers"]["created"] == 5


async def test_a_record_read_twice_in_one_sync_is_stored_and_counted_once(
    workspace: Workspace, store: StoreEntry
) -> None:
    connector = standard()
    connector.data["orders"].insert(3, order(3))  # the same order again (a re-read boundary)
    connector.totals["orders"] = 7

    first = await sync(workspace, store, connector)

    assert counts(first)["orders"] == (7, 0, 0, 0)
    assert first.totals["orders"].matches and first.warnings == ()
    again = await sync(workspace, store, connector)
    assert (again.created, again.updated) == (0, 0)


async def test_a_stream_read_out_of_order_moves_its_cursor_only_once_read_whole(
    workspace: Workspace, store: StoreEntry
) -> None:
    connector = standard()
    connector.ordered = False
    connector.data["products"].append(product(9, minutes=60 * 24 + 5))  # "changed" after NOW
    repo = StoreRepository(workspace, Vault.open(workspace.data_dir))
    cancel = asyncio.Event()

    def stop_in_orders(phase: str, done: int, total: int | None) -> None:
        if phase == "orders" and done > 0:
            cancel.set()

    stopped = await sync(workspace, store, connector, progress=stop_in_orders, cancel=cancel)

    assert stopped.cancelled
    cursors = repo.cursors(store)
    assert cursors["customers"] == T0 + timedelta(minutes=5)  # read whole before the stop
    assert cursors["orders"] is None  # stopped part-way: nothing is passed over next time

    await sync(workspace, store, connector)

    cursors = repo.cursors(store)
    assert cursors["orders"] == T0 + timedelta(minutes=7)
    assert cursors["products"] == NOW - CLOCK_MARGIN  # never past the start of the sync


async def test_a_store_that_holds_more_than_was_stored_is_reported(
    workspace: Workspace, store: StoreEntry
) -> None:
    connector = standard()
    connector.totals = {"orders": 9, "customers": 5, "products": AuthError("custom", "no")}

    result = await sync(workspace, store, connector)

    assert set(result.totals) == {"orders", "customers"}  # products: the store did not say
    assert result.warnings == (
        "The store reports 9 orders but this sync stored 7: sync again; if the numbers "
        "still differ, check the skipped records.",
    )
    with workspace.session() as session:
        run = session.get(SyncRun, result.run_id)
        assert run is not None
        assert run.totals["orders"] == {"store": 9, "stored": 7, "unreadable": 0}
    incremental = await sync(workspace, store, connector)
    assert incremental.totals == {}  # only a stream read whole is compared
