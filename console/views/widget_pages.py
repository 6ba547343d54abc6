"""The widget editor's Pages tab: the shop pages the widget was loaded on (as the relay
saw them), a warning on sites the widget is not allowed on, and "Allow this site"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.models.orders import local_time
from console.models.rows import ROW_ROLE, Column, Index, RowsModel
from core.workspace.installations import InstallationItem, unexpected

if TYPE_CHECKING:
    from core.records import WidgetConfig

NOT_ALLOWED = "⚠ not allowed"
_INTRO = (
    "Pages where this widget was loaded, as your relay saw them (refreshed when you open "
    "this tab). Pages on a site that is not in Allowed sites get no chat: allow the site, "
    "or find out who copied your snippet."
)


_RESIZE = (
    QHeaderView.ResizeMode.ResizeToContents,  # site (with its warning)
    QHeaderView.ResizeMode.Stretch,  # page
    QHeaderView.ResizeMode.ResizeToContents,
    QHeaderView.ResizeMode.ResizeToContents,
)


class PagesModel(RowsModel[InstallationItem]):
    def __init__(self) -> None:
        self.config: WidgetConfig | None = None
        super().__init__(
            [
                Column("Site", self._site),
                Column("Page", lambda i: i.url or "(the browser did not say which page)"),
                Column("First seen", lambda i: local_time(i.first_seen_at), sort=_first),
                Column("Last seen", lambda i: local_time(i.last_seen_at), sort=_last),
            ]
        )

    def _site(self, item: InstallationItem) -> str:
        return item.origin + (f"  {NOT_ALLOWED}" if self.flagged(item) else "")

    def flagged(self, item: InstallationItem) -> bool:
        return self.config is not None and unexpected(self.config, item)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and index.isValid():
            return QColor("#b45309") if self.flagged(self.row(index.row())) else None
        return super().data(index, role)


def _first(item: InstallationItem) -> object:
    return item.first_seen_at


def _last(item: InstallationItem) -> object:
    return item.last_seen_at


class PagesPanel(QWidget):
    refresh_requested = Signal()
    allow_requested = Signal(str)  # an origin

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = PagesModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        for column, mode in enumerate(_RESIZE):
            header.setSectionResizeMode(column, mode)
        self.status = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.warning = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self.warning.setStyleSheet("color: #b45309")
        self.refresh = QPushButton("Refresh")
        self.allow = QPushButton("Allow this site")
        self.allow.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.refresh)
        buttons.addStretch(1)
        buttons.addWidget(self.allow)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_INTRO, wordWrap=True))
        layout.addWidget(self.warning)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.refresh.clicked.connect(self.refresh_requested.emit)
        self.allow.clicked.connect(self._allow_clicked)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection())

    def show_pages(self, config: WidgetConfig | None, items: list[InstallationItem]) -> None:
        self.model.config = config
        self.model.set_rows(items)
        flagged = sorted({i.origin for i in items if self.model.flagged(i)})
        self.warning.setText(
            "Loaded on sites this widget is not allowed on: " + ", ".join(flagged)
            if flagged
            else ""
        )
        self.warning.setVisible(bool(flagged))
        self._selection()

    def selected(self) -> InstallationItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.index(rows[0].row(), 0).data(ROW_ROLE) if rows else None

    def _selection(self) -> None:
        item = self.selected()
        self.allow.setEnabled(item is not None and self.model.flagged(item))

    def _allow_clicked(self) -> None:
        item = self.selected()
        if item is not None:
            self.allow_requested.emit(item.origin)
