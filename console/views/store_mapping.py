"""The SQL connector's table/column mapping as an editable table, and a preview of the
orders it maps.

One row per setting: section (``orders``, ``customers``, …), field (``table``, a record
field such as ``number``, or ``statuses.<their value>``) and value (a table name, a column,
several columns joined with ``+``, or a normalised status). The rows become the mapping
TOML the connector reads (``connectors/sql/mapping.py``), and the TOML becomes rows.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.models.orders import local_time, money, status_label
from console.models.rows import Column
from core.records import Order

Row = tuple[str, str, str]
SECTION_KEYS = ("table", "schema", "currency_value")
_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def rows_from_toml(text: str) -> list[Row]:
    """The mapping's settings as (section, field, value) rows (``ValueError`` if not TOML)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"The mapping is not valid TOML ({exc}).") from None
    rows: list[Row] = []
    for section, body in doc.items():
        if not isinstance(body, dict):
            continue
        for key in SECTION_KEYS:
            if key in body:
                rows.append((section, key, str(body[key])))
        for field, value in (body.get("columns") or {}).items():
            shown = " + ".join(value) if isinstance(value, list) else str(value)
            rows.append((section, field, shown))
        for theirs, ours in (body.get("statuses") or {}).items():
            rows.append((section, f"statuses.{theirs}", str(ours)))
    return rows


def toml_from_rows(rows: Sequence[Row]) -> str:
    """The mapping TOML of these rows (blank rows left out, sections in first-seen order)."""
    sections: dict[str, dict[str, list[str]]] = {}
    for section, field, value in rows:
        section, field, value = section.strip(), field.strip(), value.strip()
        if not (section and field and value):
            continue
        parts = sections.setdefault(section, {"": [], "columns": [], "statuses": []})
        if field in SECTION_KEYS:
            parts[""].append(f"{field} = {_string(value)}")
        elif field.startswith("statuses."):
            parts["statuses"].append(f"{_key(field[9:])} = {_string(value)}")
        else:
            parts["columns"].append(f"{_key(field)} = {_columns(value)}")
    return "\n".join(_section(name, parts) for name, parts in sections.items())


def _section(name: str, parts: dict[str, list[str]]) -> str:
    lines = [f"[{_key(name)}]", *parts[""]]
    for table in ("columns", "statuses"):
        if parts[table]:
            lines += ["", f"[{_key(name)}.{table}]", *parts[table]]
    return "\n".join(lines) + "\n"


def _string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string


def _key(name: str) -> str:
    return name if _BARE.match(name) else _string(name)


def _columns(value: str) -> str:
    names = [part.strip() for part in value.split("+") if part.strip()]
    if len(names) == 1:
        return _string(names[0])
    return "[" + ", ".join(_string(n) for n in names) + "]"


class MappingEditor(QWidget):
    """The mapping rows in an editable table; ``changed`` after every edit."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels(["Section", "Field", "Columns or value"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.itemChanged.connect(lambda _item: self.changed.emit())
        add, remove = QPushButton("Add row", self), QPushButton("Remove row", self)
        add.clicked.connect(self._add)
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for row in rows:
            self._append(row)
        self.table.blockSignals(False)
        self.changed.emit()

    def rows(self) -> list[Row]:
        def cell(row: int, column: int) -> str:
            item = self.table.item(row, column)
            return item.text() if item is not None else ""

        return [(cell(r, 0), cell(r, 1), cell(r, 2)) for r in range(self.table.rowCount())]

    def toml(self) -> str:
        return toml_from_rows(self.rows())

    def _append(self, row: Row) -> None:
        number = self.table.rowCount()
        self.table.insertRow(number)
        for column, text in enumerate(row):
            self.table.setItem(number, column, QTableWidgetItem(text))

    def _add(self, _checked: bool = False) -> None:
        self._append(("orders", "", ""))
        item = self.table.item(self.table.rowCount() - 1, 1)
        if item is not None:
            self.table.editItem(item)

    def _remove(self, _checked: bool = False) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self.table.removeRow(row)
            self.changed.emit()


def _items(order: Order) -> str:
    return ", ".join(f"{i.quantity}× {i.name}" for i in order.items) or "—"


PREVIEW_COLUMNS: list[Column[Order]] = [
    Column("Order", lambda o: f"#{o.number}"),
    Column("Placed", lambda o: local_time(o.created_at)),
    Column("Status", lambda o: status_label(o.status)),
    Column("Customer", lambda o: o.customer.name or o.customer.email or "—"),
    Column("Total", lambda o: money(o.total, o.currency), align_right=True),
    Column("Items", _items),
    Column("Tracking", lambda o: ", ".join(t.number for t in o.tracking) or "—"),
]
