"""``RowsModel``: a table over a list of records, described by its columns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

R = TypeVar("R")
ROW_ROLE = Qt.ItemDataRole.UserRole + 1  # the record itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # a value that sorts right (numbers, dates)

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Column(Generic[R]):
    header: str
    text: Callable[[R], str]
    sort: Callable[[R], Any] | None = None  # defaults to the text
    align_right: bool = False


class ColumnTable(QAbstractTableModel):
    """What every table model here shares: a header per column, right-aligned columns,
    and a row count from ``row_total()``. ``_columns`` items have ``header`` and
    ``align_right``."""

    _columns: Sequence[Any]

    def row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_total()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].header
        return None


def alignment(right: bool) -> int:
    horizontal = Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft
    return int(horizontal | Qt.AlignmentFlag.AlignVCenter)


class RowsModel(ColumnTable, Generic[R]):
    def __init__(self, columns: Sequence[Column[R]], parent: Any = None) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[R] = []

    def set_rows(self, rows: Sequence[R]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> R:
        return self._rows[index]

    def rows(self) -> list[R]:
        return list(self._rows)

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return column.text(record)  # the tooltip: the whole text where it is elided
        if role == ROW_ROLE:
            return record
        if role == SORT_ROLE:
            return column.sort(record) if column.sort else column.text(record)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return alignment(True)
        return None
