"""``PagedModel``: a table over rows it does not hold, fetched a page at a time on demand.

The model knows the row count and keeps a few recently used pages (an LRU); a row the view
paints that is in no kept page makes the model ask its ``PagedSource`` for that page only.
Sorting (clicking a header) and searching are new queries through the source, not work on
rows in memory, so 100,000 rows cost what the visible ones cost. The model never touches
the database itself: the source it is given does (``core.workspace.browse`` for the
console).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from console.models.rows import ROW_ROLE, ColumnTable, alignment

R = TypeVar("R")
R_co = TypeVar("R_co", covariant=True)
Index = QModelIndex | QPersistentModelIndex
PAGE_SIZE = 100
KEPT_PAGES = 8


class PagedSource(Protocol[R_co]):
    """Where a ``PagedModel`` gets its rows: a count and pages, in a given order."""

    def count(self, search: str = "") -> int: ...

    def page(
        self,
        offset: int,
        limit: int,
        *,
        search: str = "",
        sort: str = "",
        descending: bool = False,
        total: int | None = None,
    ) -> Sequence[R_co]: ...


@dataclass(frozen=True, slots=True)
class PagedColumn(Generic[R]):
    header: str
    text: Callable[[R], str]
    sort: str | None = None  # the source's name for ordering by this column; None: unsortable
    align_right: bool = False


class PagedModel(ColumnTable, Generic[R]):
    def __init__(
        self,
        columns: Sequence[PagedColumn[R]],
        source: PagedSource[R],
        *,
        sort: str = "",
        descending: bool = False,
        page_size: int = PAGE_SIZE,
        kept_pages: int = KEPT_PAGES,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._columns = list(columns)
        self._source = source
        self._page_size = max(1, page_size)
        self._kept = max(1, kept_pages)
        self._pages: OrderedDict[int, Sequence[R]] = OrderedDict()
        self._search = ""
        self._sort = sort
        self._descending = descending
        self._count = source.count("")
        self.fetched: list[int] = []  # page numbers asked of the source, in order

    # --- what the model shows ------------------------------------------------------------
    @property
    def search_text(self) -> str:
        return self._search

    @property
    def sort_key(self) -> tuple[str, bool]:
        return self._sort, self._descending

    def sort_column(self) -> int:
        """The column the rows are ordered by (-1 when it is not shown)."""
        for number, column in enumerate(self._columns):
            if column.sort and column.sort == self._sort:
                return number
        return -1

    def record(self, row: int) -> R | None:
        """The record at ``row``, fetching its page if no kept page holds it."""
        if not 0 <= row < self._count:
            return None
        number, within = divmod(row, self._page_size)
        page = self._page(number)
        return page[within] if within < len(page) else None

    def _page(self, number: int) -> Sequence[R]:
        page = self._pages.get(number)
        if page is not None:
            self._pages.move_to_end(number)
            return page
        page = self._source.page(
            number * self._page_size,
            self._page_size,
            search=self._search,
            sort=self._sort,
            descending=self._descending,
            total=self._count,
        )
        self.fetched.append(number)
        self._pages[number] = page
        while len(self._pages) > self._kept:
            self._pages.popitem(last=False)
        return page

    # --- new queries -----------------------------------------------------------------------
    def set_search(self, text: str) -> None:
        if text.strip() != self._search:
            self._search = text.strip()
            self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Qt calls this when a header is clicked: the rows are asked for again, in order."""
        if not 0 <= column < len(self._columns) or self._columns[column].sort is None:
            return
        key = self._columns[column].sort or ""
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._sort, self._descending):
            self._sort, self._descending = key, descending
            self.reload(count=False)

    def reload(self, *, count: bool = True) -> None:
        """Forget the kept pages (and the count): the source's rows changed, or the query."""
        self.beginResetModel()
        self._pages.clear()
        if count or self._search:
            self._count = self._source.count(self._search)
        self.endResetModel()

    # --- QAbstractTableModel ---------------------------------------------------------------
    def row_total(self) -> int:
        return self._count

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return alignment(column.align_right)
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, ROW_ROLE):
            return None
        record = self.record(index.row())
        if record is None:
            return None
        return record if role == ROW_ROLE else column.text(record)
