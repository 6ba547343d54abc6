"""The widget editor's Pages tab: the shop pages the widget was loaded on (as the relay
saw them), a warning on sites the widget is not allowed on, and "Allow this site"."""

from __future__ import annotations

import asyncio
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

from console.errors import sentence_for
from console.installations import pull_installations
from console.models.orders import local_time
from console.models.rows import ROW_ROLE, Column, Index, RowsModel
from console.plural import plural
from core.widgets import WidgetError
from core.workspace.installations import InstallationItem, allowing, unexpected

if TYPE_CHECKING:
    from console.context import ConsoleContext
    from console.relay_client import RelayClient
    from core.records import WidgetConfig
    from core.workspace.widgets import WidgetEntry

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
    """Shows the pages kept in the workspace for the widget, asks the relay for the current
    list when the tab is opened (or Refresh), and saves "Allow this site"."""

    allowed = Signal(object)  # the WidgetEntry saved with the new allowed site

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entry: WidgetEntry | None = None
        self._task: asyncio.Task[Any] | None = None
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
        self.refresh.clicked.connect(self.refresh_from_relay)
        self.allow.clicked.connect(self._allow_clicked)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._selection())

    def show_for(self, entry: WidgetEntry | None, *, ask_relay: bool = False) -> None:
        """The pages kept for ``entry``; with ``ask_relay``, then the relay's current list."""
        self.entry = entry
        self.status.clear()
        self._show_kept()
        if ask_relay:
            self.refresh_from_relay()

    def _show_kept(self) -> None:
        entry = self.entry
        items = self.ctx.installations.list(entry.id) if entry else []
        self.show_pages(entry.config if entry else None, items)
        self.refresh.setEnabled(entry is not None)

    def refresh_from_relay(self) -> None:
        self._show_kept()
        entry, client = self.entry, self.ctx.relay_client()
        if entry is None:
            self.status.setText("Save the widget first.")
        elif client is None:
            self.status.setText("Pair with your relay (Settings) to see where it runs.")
        elif entry.published_at is None:
            self.status.setText("Publish the widget; then its pages show here.")
        else:
            self.status.setText("Asking the relay…")
            self._task = self.ctx.spawn(self.pull(client, entry), what="Widget pages")

    async def pull(self, client: RelayClient, entry: WidgetEntry) -> None:
        try:
            items = await pull_installations(client, self.ctx.installations, entry)
        except Exception as error:  # one sentence; the pages kept here stay shown
            self.status.setText(f"Showing the pages last seen: {sentence_for(error)}")
            return
        if self.entry is None or self.entry.id != entry.id:
            return  # another widget is shown now
        self.show_pages(self.entry.config, items)
        self.status.setText(
            f"{plural(len(items), 'page')} seen."
            if items
            else "Not seen on any page yet: add the snippet to your shop."
        )

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
        if item is not None and self.entry is not None:
            self.allow_origin(item.origin)

    def allow_origin(self, origin: str) -> None:
        """Add ``origin`` to the widget's saved allowed sites (publishing makes it live)."""
        assert self.entry is not None
        changes = {"allowed_origins": allowing(self.entry.config, origin)}
        try:
            entry = self.ctx.widgets.update(self.entry, changes)
        except WidgetError as err:
            self.status.setText(str(err))
            return
        self.entry = entry
        self._show_kept()
        self.status.setText(f"Allowed {origin}. Publish… to make it live on your shop.")
        self.allowed.emit(entry)
