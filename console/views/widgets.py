"""The Widgets screen: the workspace's chat widgets beside the editor of the selected one."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.context import ConsoleContext
from console.models.rows import ROW_ROLE, SORT_ROLE, Column, RowsModel
from console.plural import plural
from console.views.base import View, unsaved_settled
from console.views.widget_editor import WidgetEditor, changed_since_publish
from core.workspace.widgets import WidgetEntry


def publish_state(entry: WidgetEntry) -> str:
    if entry.published_at is None:
        return "Not published"
    if changed_since_publish(entry):
        return "Changed since publish"
    return f"Published {entry.published_at:%Y-%m-%d %H:%M}"


COLUMNS: list[Column[WidgetEntry]] = [
    Column("Name", lambda e: e.name),
    Column("Store", lambda e: e.store or "—"),
    Column("Answers", lambda e: str(e.knowledge), sort=lambda e: e.knowledge, align_right=True),
    Column("State", publish_state),
]
# Names may be long: beyond this they are elided (the tooltip has them whole), so the
# State column always shows whole and the editor keeps its room.
_WIDEST = {"Name": 130, "Store": 100}


def ask(parent: QWidget, question: str) -> bool:
    answer = QMessageBox.question(parent, "Storedesk", question)
    return answer == QMessageBox.StandardButton.Yes


class WidgetsView(View):
    title = "Widgets"

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.confirm: Callable[[str], bool] = lambda question: ask(self, question)
        self._moving = False  # the selection is being moved back, not by the merchant
        self.model: RowsModel[WidgetEntry] = RowsModel(COLUMNS, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = _table(self.proxy)
        self.editor = WidgetEditor(ctx)
        self.empty = QLabel(
            "No widgets yet. Click New widget: give it a name, pick the store it answers "
            "order questions for, save, then add answers in Knowledge base.",
            wordWrap=True,
        )
        self.new_button = QPushButton("New widget")
        self.remove_button = QPushButton("Remove…")
        self.knowledge_button = QPushButton("Knowledge base")
        self.whatsapp_button = QPushButton("WhatsApp…")
        self.agent_button = QPushButton("AI agent…")
        self.publish_button = QPushButton("Publish…")
        self._layout()
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.new_button.clicked.connect(self.new_widget)
        self.remove_button.clicked.connect(self.remove_current)
        self.knowledge_button.clicked.connect(self._open_knowledge)
        self.whatsapp_button.clicked.connect(self.open_whatsapp)
        self.agent_button.clicked.connect(self.open_agent)
        self.publish_button.clicked.connect(self._publish_clicked)
        self.editor.saved.connect(self._saved)
        ctx.widgets_changed.connect(self._changed)
        ctx.knowledge_changed.connect(self._changed)
        ctx.relay_changed.connect(self._relay_changed)
        self.reload()

    def _layout(self) -> None:
        buttons = QHBoxLayout()
        for button in (self.new_button, self.remove_button, self.knowledge_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.publish_button)
        channels = QHBoxLayout()  # a second row: the window's default width stays enough
        channels.addWidget(self.whatsapp_button)
        channels.addWidget(self.agent_button)
        channels.addStretch()
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(buttons)
        column.addLayout(channels)
        column.addWidget(self.table, 1)
        column.addWidget(self.empty)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.editor)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        QVBoxLayout(self).addWidget(splitter)

    async def refresh(self) -> None:
        self.reload()

    def reload(self, select: str | None = None) -> None:
        """Reload the list, keeping (or moving to) the selected widget."""
        keep = select or (self.editor.entry.key if self.editor.entry else None)
        entries = self.ctx.widgets.list(client_id=self.ctx.client_id)
        self.model.set_rows(entries)
        self._fit_columns()
        self.empty.setVisible(not entries)
        self.remove_button.setEnabled(bool(entries))
        self.whatsapp_button.setEnabled(bool(entries))
        self.agent_button.setEnabled(bool(entries))
        row = next((n for n, e in enumerate(entries) if e.key == keep), None)
        if row is None and self.editor.entry is None and self.editor.name.text():
            return  # a new widget being filled in stays on screen
        self.select_row(row if row is not None else 0 if entries else None)

    def _fit_columns(self) -> None:
        """Each column as wide as its text (long names elided), and the list never narrower
        than its columns: the State column is always seen whole."""
        header, table = self.table.horizontalHeader(), self.table
        total = 0
        for number, column in enumerate(COLUMNS):
            wanted = max(table.sizeHintForColumn(number), header.sectionSizeHint(number))
            width = min(wanted, _WIDEST.get(column.header, wanted))
            table.setColumnWidth(number, width)
            total += width
        chrome = 2 * table.frameWidth() + table.verticalScrollBar().sizeHint().width()
        table.setMinimumWidth(total + chrome)

    def select_row(self, row: int | None) -> None:
        if row is None:
            self.editor.load(None)
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        self._show_current()

    def current(self) -> WidgetEntry | None:
        index = self.table.selectionModel().currentIndex()
        entry = index.data(ROW_ROLE) if index.isValid() else None
        return entry if isinstance(entry, WidgetEntry) else None

    def new_widget(self) -> None:
        if not self._unsaved_settled():
            return
        self.table.selectionModel().clearCurrentIndex()
        self.table.clearSelection()
        self.editor.load(None)
        self.editor.tabs.setCurrentIndex(0)
        self.editor.name.setFocus()

    def remove_current(self) -> None:
        entry = self.current()
        if entry is None:
            return
        question = (
            f"Remove the widget {entry.name!r} and its {plural(entry.knowledge, 'answer')}? "
            "Shops that embed it stop showing it after your next publish."
        )
        if not self.confirm(question):
            return
        self.ctx.widgets.delete(entry)
        self.editor.load(None)
        self.ctx.status.emit(f"Removed {entry.name}; Publish… to take it off the relay too.")
        self.ctx.widgets_changed.emit()

    def _row_changed(self, *_: object) -> None:
        if not self._moving:
            self._show_current()

    def _show_current(self) -> None:
        entry, shown = self.current(), self.editor.entry
        if entry is None or entry == shown:
            return
        if self.editor.has_unsaved_changes():
            if shown is not None and entry.key == shown.key:
                return  # the same widget, refreshed underneath: keep what is being typed
            if not self._unsaved_settled():
                self._select_key(shown.key if shown else None)
                return
            entry = self.ctx.widgets.get(entry.key) or entry  # a save reloaded the list
            self._select_key(entry.key)
        self.editor.load(entry)

    def _unsaved_settled(self) -> bool:
        """Ask about the editor's unsaved changes: True once they are saved or discarded;
        False when saving failed (the editor shows why, and keeps them)."""
        if not self.editor.has_unsaved_changes():
            return True
        shown = self.editor.entry
        what = repr(shown.name) if shown else "the new widget"
        return unsaved_settled(self.confirm, what, self.editor.save)

    def _select_key(self, key: str | None) -> None:
        """Move the list's selection without loading the editor."""
        rows = self.model.rows()
        row = next((n for n, e in enumerate(rows) if e.key == key), None)
        selection = self.table.selectionModel()
        self._moving = True
        try:
            if row is None:
                selection.clearCurrentIndex()
                self.table.clearSelection()
            else:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                flags = QItemSelectionModel.SelectionFlag
                selection.setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        finally:
            self._moving = False

    def open_whatsapp(self) -> QDialog | None:
        """The selected widget's WhatsApp settings (a dialog; returned for tests)."""
        from console.views.widget_channels import WhatsAppDialog

        entry = self.current()
        if entry is None:
            return None
        dialog = WhatsAppDialog(self.ctx, entry, self)
        dialog.open()
        return dialog

    def open_agent(self) -> QDialog | None:
        """The selected widget's language-model agent (a dialog; returned for tests)."""
        from console.views.widget_agent import AgentDialog

        entry = self.current()
        if entry is None:
            return None
        dialog = AgentDialog(self.ctx, entry, self)
        dialog.open()
        return dialog

    def _open_knowledge(self) -> None:
        self.ctx.navigate.emit("Knowledge base")

    def _publish_clicked(self) -> None:
        self.ctx.publish_requested.emit()

    def _saved(self, entry: WidgetEntry) -> None:
        self.reload(select=entry.key)

    def _changed(self, *_args: object) -> None:
        self.reload()

    def _relay_changed(self) -> None:
        self.editor.refresh_install()


def _table(model: QSortFilterProxyModel) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setSortingEnabled(True)
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    table.setWordWrap(False)  # a long name is elided on one line
    return table
