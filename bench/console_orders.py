"""The console's Orders browser over 100,000 synced orders vs. 1,000, side by side.

    python -m bench.console_orders [--runs 11]          (or: make bench)

Measured: "open the browser and jump to the last row": the lazy model built over the
store's orders, the browser shown (offscreen Qt), ``scrollToBottom()``, and the view
painted with the last row's data on screen. Runs alternate between the two workspaces;
medians are compared (budget ≤ 2×: the model reads a count and the pages on screen only).

Both workspaces are filled in a few seconds by the sync's own page writers
(``core.workspace.catalog_writes`` / ``customer_writes``), not over HTTP.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("STOREDESK_KEYRING", "off")

from PySide6.QtWidgets import QApplication
from sqlalchemy import insert

from console.views.store_browsers import OrdersBrowser
from core.records import Customer, CustomerRef, Order, OrderItem, OrderStatus
from core.workspace import Workspace
from core.workspace.catalog_writes import write_orders
from core.workspace.customer_writes import write_customers
from core.workspace.models import StoreRow

START = datetime(2024, 1, 1, tzinfo=UTC)
STATUSES: list[OrderStatus] = ["processing", "shipped", "delivered", "completed", "on_hold"]
PAGE = 1000
BUDGET = 2.0


def _order(i: int, customers: int) -> Order:
    who = i % customers
    return Order(
        "sql",
        str(i),
        str(1000 + i),
        STATUSES[i % len(STATUSES)],
        Decimal(i % 500) + Decimal("0.95"),
        "EUR",
        START + timedelta(minutes=7 * i),
        START + timedelta(minutes=7 * i + i % 90),
        customer=CustomerRef(id=str(who), email=f"shopper{who}@example.com", name=f"Shopper {who}"),
        items=(OrderItem("Gooseneck kettle", 1, "KET-1", Decimal("49.00")),),
    )


def build_workspace(path: Path, orders: int) -> tuple[Workspace, int]:
    """A workspace with one store holding ``orders`` synced orders of orders/5 customers."""
    workspace = Workspace.open(path)
    with workspace.engine.begin() as connection:
        values = {"name": "shop", "platform": "sql", "settings": {}, "created_at": START}
        key = connection.execute(insert(StoreRow).values(values)).inserted_primary_key
    assert key is not None
    store = int(key[0])
    customers = max(1, orders // 5)
    for first in range(0, customers, PAGE):
        page = [
            Customer("sql", str(i), email=f"shopper{i}@example.com", name=f"Shopper {i}")
            for i in range(first, min(customers, first + PAGE))
        ]
        with workspace.engine.begin() as connection:
            write_customers(connection, store, page)
    for first in range(0, orders, PAGE):
        batch = [_order(i, customers) for i in range(first, min(orders, first + PAGE))]
        with workspace.engine.begin() as connection:
            write_orders(connection, store, batch)
    return workspace, store


def open_and_jump_to_last(app: QApplication, workspace: Workspace, store: int) -> float:
    """Seconds to build the browser, show it, scroll to the end and paint the last row."""
    started = time.perf_counter()
    browser = OrdersBrowser(workspace, store)
    browser.resize(1000, 700)
    browser.show()
    table = browser.table
    table.scrollToBottom()
    app.processEvents()
    table.viewport().repaint()  # a synchronous paint of the rows now on screen
    last = browser.model.rowCount() - 1
    shown = table.rowAt(table.viewport().height() - 2)
    text = browser.model.data(browser.model.index(last, 0))
    elapsed = time.perf_counter() - started
    if shown != last or not text:
        raise SystemExit(f"the last row was not shown (row {shown} of {last}: {text!r})")
    browser.close()
    browser.deleteLater()
    app.processEvents()
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Orders browser: 100,000 vs 1,000 orders")
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    with tempfile.TemporaryDirectory() as tmp:
        sizes = (args.small, args.large)
        built = time.perf_counter()
        spaces = {n: build_workspace(Path(tmp) / f"ws-{n}", n) for n in sizes}
        print(f"built workspaces of {sizes[0]:,} and {sizes[1]:,} orders "
              f"in {time.perf_counter() - built:.1f} s")  # fmt: skip
        times: dict[int, list[float]] = {n: [] for n in sizes}
        for n in sizes:  # one warm-up each: imports, fonts, SQLite's first reads
            open_and_jump_to_last(app, *spaces[n])
        for _ in range(args.runs):
            for n in sizes:
                times[n].append(open_and_jump_to_last(app, *spaces[n]))
        for workspace, _store in spaces.values():
            workspace.close()
    small, large = (statistics.median(times[n]) for n in sizes)
    ratio = large / small
    print("Orders browser: open and jump to the last row (median of "
          f"{args.runs} runs)")  # fmt: skip
    print(f"  {sizes[0]:>9,} orders  {small * 1000:8.1f} ms")
    print(f"  {sizes[1]:>9,} orders  {large * 1000:8.1f} ms")
    verdict = "ok" if ratio <= BUDGET else "OVER BUDGET"
    print(f"  ratio {ratio:.2f}× (budget ≤ {BUDGET:.0f}×) {verdict}")
    return 0 if ratio <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
