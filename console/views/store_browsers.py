"""The Customers and Orders browsers over a store's synced data.

Both are lazy: the table's model holds a row count and reads only the pages on screen
through ``core.workspace.browse``, so 100,000 orders scroll like 1,000. Clicking a header
sorts and typing in the search box searches, each a new query. Selecting a customer shows
their details and their orders beside the list.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.models.customers import CustomersModel
from console.models.orders import OrdersModel, local_time, money
from console.models.paged import PagedModel
from core.workspace import Workspace
from core.workspace.browse import CustomerBrowser, CustomerLine, OrderBrowser

SEARCH_PAUSE_MS = 250  # search once typing pauses, not on every key


def lazy_table(model: PagedModel[Any], parent: QWidget | None = None) -> QTableView:
    """A table that asks its model only for the rows it paints: fixed row heights, no
    resizing of columns to their contents (which would read every row)."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    rows = table.verticalHeader()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
    rows.hide()
    columns = table.horizontalHeader()
    columns.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    columns.setDefaultSectionSize(150)
    columns.setStretchLastSection(True)
    descending = model.sort_key[1]
    order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
    columns.setSortIndicator(model.sort_column(), order)
    table.setSortingEnabled(True)  # a header click calls model.sort: a new query
    return table


class _Browser(QWidget):
    """A search box over a lazy table, with a line that counts what is listed."""

    noun = "rows"

    def __init__(self, model: PagedModel[Any], hint: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.model = model
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(hint)
        self.search.setClearButtonEnabled(True)
        self.count = QLabel(self)
        self.table = lazy_table(model, self)
        self._pause = QTimer(self, singleShot=True, interval=SEARCH_PAUSE_MS)
        self._pause.timeout.connect(self._search_now)
        self.search.textChanged.connect(lambda _text: self._pause.start())
        self.search.returnPressed.connect(self._search_now)
        model.modelReset.connect(self._show_count)
        self._show_count()

    def _search_now(self) -> None:
        self._pause.stop()
        self.model.set_search(self.search.text())

    def _show_count(self) -> None:
        rows = self.model.rowCount()
        found = " found" if self.model.search_text else ""
        self.count.setText(f"{rows:,} {self.noun}{found}")


class OrdersBrowser(_Browser):
    """The synced orders of one store (or of one of its customers)."""

    noun = "orders"

    def __init__(
        self,
        workspace: Workspace,
        store_id: int,
        *,
        customer_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        self.source = OrderBrowser(workspace, store_id, customer_id=customer_id)
        hint = "Search by order number, email, name or phone"
        super().__init__(OrdersModel(self.source), hint, parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)

    def reload(self) -> None:
        """Show what the last sync stored."""
        self.source.forget()
        self.model.reload()


class CustomersBrowser(_Browser):
    """The synced customers of one store; the selected one's details and orders beside."""

    noun = "customers"

    def __init__(self, workspace: Workspace, store_id: int, parent: QWidget | None = None):
        self.source = CustomerBrowser(workspace, store_id)
        hint = "Search by name, email or phone"
        super().__init__(CustomersModel(self.source), hint, parent)
        self.panel = CustomerPanel(workspace, store_id, self)
        split = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(split)
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.search)
        column.addWidget(self.table, 1)
        column.addWidget(self.count)
        split.addWidget(left)
        split.addWidget(self.panel)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(split)
        self.table.selectionModel().selectionChanged.connect(self._selected)

    def _selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = selected.indexes()
        record = self.model.record(rows[0].row()) if rows else None
        self.panel.show_customer(record)

    def reload(self) -> None:
        self.source.forget()
        self.model.reload()
        self.panel.show_customer(None)


class CustomerPanel(QWidget):
    """One customer: contact details, what they spent, and their synced orders."""

    def __init__(self, workspace: Workspace, store_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self._workspace = workspace
        self._store_id = store_id
        self.heading = QLabel("Select a customer to see their orders.", self)
        self.heading.setWordWrap(True)
        self.details = QFormLayout()
        self.orders: OrdersBrowser | None = None
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.heading)
        self._layout.addLayout(self.details)
        self._layout.addStretch(1)

    def show_customer(self, customer: CustomerLine | None) -> None:
        while self.details.rowCount():
            self.details.removeRow(0)
        if self.orders is not None:
            self.orders.deleteLater()
            self.orders = None
        if customer is None:
            self.heading.setText("Select a customer to see their orders.")
            return
        self.heading.setText(f"<b>{_escaped(customer.name or customer.email or 'Customer')}</b>")
        for label, value in _facts(customer):
            self.details.addRow(label, QLabel(value, self))
        self.orders = OrdersBrowser(
            self._workspace, self._store_id, customer_id=customer.id, parent=self
        )
        self._layout.insertWidget(2, self.orders, 1)


def _facts(customer: CustomerLine) -> list[tuple[str, str]]:
    orders = "—" if customer.total_orders is None else str(customer.total_orders)
    return [
        ("Email", customer.email or "—"),
        ("Phone", customer.phone or "—"),
        ("Orders (store's count)", orders),
        ("Spent", money(customer.lifetime_value, customer.currency)),
        ("Customer since", local_time(customer.created_at)),
    ]


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
