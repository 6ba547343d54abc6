"""The Knowledge base screen: a widget's answers in a table with an editor, CSV/JSON import
(with a report of rejected rows) and export, a "test the bot" box running the real bot on
the saved entries, and how often each entry answered and was rated once the relay said so."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from console.context import ConsoleContext
from console.models.knowledge import USAGE_COLUMNS, KnowledgeModel
from console.models.rows import ROW_ROLE
from console.plural import plural
from console.views.base import View, unsaved_settled
from console.views.knowledge_parts import BotTester, EntryForm, ImportReportDialog
from console.views.tables import proxy_for, table_for
from console.views.widgets import ask
from core.bot.trial import Trial, try_question
from core.workspace.knowledge import ImportReport, KnowledgeError, KnowledgeItem, parse_keywords
from core.workspace.knowledge_files import write_entries
from core.workspace.widgets import WidgetEntry

FILE_FILTER = "CSV or JSON (*.csv *.json);;CSV (*.csv);;JSON (*.json)"
NO_USAGE = "Use counts and ratings appear here once your relay has reported conversations."


class KnowledgeView(View):
    title = "Knowledge base"

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.confirm: Callable[[str], bool] = lambda question: ask(self, question)
        self._moving = False  # the picker or selection is moved by the screen, not a click
        self.choose_import: Callable[[], str] = self._import_dialog
        self.choose_export: Callable[[], str] = self._export_dialog
        self.now: Callable[[], datetime] = lambda: datetime.now(UTC)
        self.report_dialog: ImportReportDialog | None = None
        self.picker = QComboBox()
        self.picker.setMinimumWidth(220)
        self.search = QLineEdit(placeholderText="Search answers", clearButtonEnabled=True)
        self.import_button = QPushButton("Import…")
        self.export_button = QPushButton("Export…")
        self.model = KnowledgeModel(self)
        self.proxy = proxy_for(self.model)
        self.table = table_for(self.proxy, (230, 220, 120, 70))
        self.form = EntryForm()
        self.tester = BotTester()
        self.message = QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText)
        self._layout()
        self._connect()
        self.reload_widgets()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Widget"))
        top.addWidget(self.picker)
        top.addWidget(self.search, 1)
        top.addWidget(self.import_button)
        top.addWidget(self.export_button)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.form)
        column.addWidget(self.tester)
        column.addStretch(1)
        splitter = QSplitter()
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([720, 540])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

    def _connect(self) -> None:
        self.picker.currentIndexChanged.connect(self._picker_changed)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.form.new_button.clicked.connect(self.new_entry)
        self.form.save_button.clicked.connect(self._save_clicked)
        save = QShortcut(QKeySequence.StandardKey.Save, self.form)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self._save_clicked)
        self.form.delete_button.clicked.connect(self._delete_clicked)
        self.import_button.clicked.connect(self._import_clicked)
        self.export_button.clicked.connect(self._export_clicked)
        self.tester.ask_button.clicked.connect(self._ask_clicked)
        self.tester.question.returnPressed.connect(self._ask_clicked)
        self.ctx.widgets_changed.connect(self.reload_widgets)
        self.ctx.knowledge_changed.connect(self._knowledge_changed)
        self.ctx.add_knowledge.connect(self._add_knowledge)

    async def refresh(self) -> None:
        self.reload_widgets()

    def _add_knowledge(self, widget_id: int, question: str) -> None:
        self.new_entry_for(question, widget_id if widget_id >= 0 else None)

    def _save_clicked(self) -> None:
        self.save_entry()

    def _delete_clicked(self) -> None:
        self.delete_entry()

    def _import_clicked(self) -> None:
        self.import_file()

    def _export_clicked(self) -> None:
        self.export_file()

    # the widget picker and the table

    def widget(self) -> WidgetEntry | None:
        entry = self.picker.currentData()
        return entry if isinstance(entry, WidgetEntry) else None

    def reload_widgets(self) -> None:
        current = self.widget()
        widgets = self.ctx.widgets.list(client_id=self.ctx.client_id)
        self.picker.blockSignals(True)
        self.picker.clear()
        for entry in widgets:
            self.picker.addItem(entry.name, entry)
        keep = next((n for n, w in enumerate(widgets) if current and w.id == current.id), 0)
        self.picker.setCurrentIndex(keep if widgets else -1)
        self.picker.blockSignals(False)
        for part in (self.form, self.tester, self.import_button, self.export_button):
            part.setEnabled(bool(widgets))
        self.reload_entries()
        if not widgets:
            self.message.setText(
                "Create a widget on the Widgets screen first: answers belong to one."
            )

    def select_widget(self, name_or_key: str) -> None:
        for n in range(self.picker.count()):
            entry = self.picker.itemData(n)
            if name_or_key in (entry.name, entry.key):
                self.picker.setCurrentIndex(n)

    def reload_entries(self, select: str | None = None) -> None:
        widget = self.widget()
        current = self.current()
        keep = select or (current.id if current else None)
        items = self.ctx.knowledge.list(widget.id) if widget else []
        self.model.set_rows(items)
        usage = self.model.usage_known()
        for column in USAGE_COLUMNS:
            self.table.setColumnHidden(column, not usage)
        self.message.setText("" if usage or not items else NO_USAGE)
        row = self.model.row_of(keep) if keep else -1
        if row >= 0:
            self._select(row)
        elif not self._writing_new(widget):
            self.new_entry()

    def _writing_new(self, widget: WidgetEntry | None) -> bool:
        """A new answer of this widget is being written: a refresh keeps it."""
        form = self.form
        mine = widget is not None and form.widget_id == widget.id
        return mine and form.item is None and form.has_unsaved_changes()

    def new_entry_for(self, question: str, widget_id: int | None = None) -> bool:
        """A new answer with ``question`` filled in (for ``widget_id``'s widget, else the one
        shown), ready for its answer; False when unsaved edits were kept instead."""
        if widget_id is not None:
            self._pick(widget_id)
        if not self._unsaved_settled():
            return False
        self._move(lambda: self._select_id(None))
        widget = self.widget()
        self.form.show_item(None, widget.id if widget else None)
        self.form.question.setText(" ".join(question.split()))
        self.form.answer.setFocus()
        self.message.setText("Write the answer, then Save (Ctrl+S) and Publish… to make it live.")
        return True

    def current(self) -> KnowledgeItem | None:
        index = self.table.selectionModel().currentIndex()
        item = index.data(ROW_ROLE) if index.isValid() else None
        return item if isinstance(item, KnowledgeItem) else None

    def _select(self, row: int) -> None:
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        flags = QItemSelectionModel.SelectionFlag
        self.table.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
        self._show_current()

    def _row_changed(self, *_: object) -> None:
        if not self._moving:
            self._show_current()

    def _picker_changed(self, _index: int) -> None:
        if self._moving:
            return
        if not self._unsaved_settled():
            self._move(lambda: self._pick(self.form.widget_id))
            return
        self.reload_entries()
        if self.current() is None:  # nothing of the other widget's is on show
            widget = self.widget()
            self.form.show_item(None, widget.id if widget else None)

    def _show_current(self) -> None:
        item, shown = self.current(), self.form.item
        if item is None or item == shown:
            return
        if self.form.has_unsaved_changes():
            if shown is not None and item.id == shown.id:
                return  # the same answer, refreshed underneath: keep what is being typed
            if not self._unsaved_settled():
                self._move(lambda: self._select_id(shown.id if shown else None))
                return
            item = self.current() or item
        widget = self.widget()
        self.form.show_item(item, widget.id if widget else None)

    def _unsaved_settled(self) -> bool:
        """Ask about the form's unsaved changes: True once they are saved or discarded;
        False when saving failed (the form shows why, and keeps them)."""
        if not self.form.has_unsaved_changes():
            return True
        shown = self.form.item
        what = f"the answer to {shown.question!r}" if shown else "the new answer"
        target = self.current()

        def save() -> KnowledgeItem | None:
            saved = self.save_entry()
            if saved is not None and target is not None:  # the table was reloaded: go on
                self._move(lambda: self._select_id(target.id))
            return saved

        return unsaved_settled(self.confirm, what, save)

    def _move(self, change: Callable[[], None]) -> None:
        """Move the picker or the selection back or on, without the moves loading the form."""
        self._moving = True
        try:
            change()
        finally:
            self._moving = False

    def _pick(self, widget_id: int | None) -> None:
        for n in range(self.picker.count()):
            if self.picker.itemData(n).id == widget_id:
                self.picker.setCurrentIndex(n)

    def _select_id(self, entry_id: str | None) -> None:
        row = self.model.row_of(entry_id) if entry_id else -1
        selection = self.table.selectionModel()
        if row < 0:
            selection.clearCurrentIndex()
            self.table.clearSelection()
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        flags = QItemSelectionModel.SelectionFlag
        selection.setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)

    def _knowledge_changed(self, widget_id: int) -> None:
        widget = self.widget()
        if widget is not None and widget.id == widget_id:
            self.reload_entries()

    # editing

    def new_entry(self) -> None:
        if not self._unsaved_settled():
            return
        self._move(lambda: self._select_id(None))
        widget = self.widget()
        self.form.show_item(None, widget.id if widget else None)

    def save_entry(self) -> KnowledgeItem | None:
        """Save the form (a new entry, or the selected one); None and the reason shown when
        it cannot be saved."""
        widget, current = self._form_widget(), self.form.item
        if widget is None:
            return None
        words = parse_keywords(self.form.keywords.text())
        question, answer = self.form.question.text(), self.form.answer.toPlainText()
        enabled = self.form.enabled.isChecked()
        try:
            if current is None:
                saved = self.ctx.knowledge.add(widget.id, question, answer, words, enabled=enabled)
                item = saved.item
                note = "Added." if saved.created else "Updated the answer to the same question."
            else:
                found = self.ctx.knowledge.update(
                    widget.id, current.id, question=question, answer=answer, keywords=words,
                    enabled=enabled,
                )  # fmt: skip
                if found is None:
                    raise KnowledgeError("This answer was deleted meanwhile; click New to add it.")
                item, note = found, "Saved."
        except KnowledgeError as err:
            self.form.show_error(str(err))
            return None
        self.form.show_item(item, widget.id)
        self._changed(widget, item.id, f"{note} Publish… to make it live.")
        return item

    def _form_widget(self) -> WidgetEntry | None:
        """The widget of the answer in the form (the picker may have moved on)."""
        wanted = self.form.widget_id
        shown = self.widget()
        if wanted is None or (shown is not None and shown.id == wanted):
            return shown
        return next((w for w in self.ctx.widgets.list() if w.id == wanted), None)

    def delete_entry(self) -> bool:
        widget, item = self.widget(), self.current()
        if widget is None or item is None:
            return False
        if not self.confirm(f"Delete the answer to {item.question!r}?"):
            return False
        self.ctx.knowledge.delete(widget.id, item.id)
        self._changed(widget, None, "Deleted. Publish… to take it off the relay too.")
        return True

    def _changed(self, widget: WidgetEntry, select: str | None, note: str) -> None:
        self.reload_entries(select)
        self.ctx.knowledge_changed.emit(widget.id)
        self.ctx.status.emit(note)
        self.message.setText(note)

    # files

    def import_file(self, path: Path | None = None) -> ImportReport | None:
        widget = self.widget()
        chosen = path or (Path(text) if (text := self.choose_import()) else None)
        if widget is None or chosen is None:
            return None
        try:
            report = self.ctx.knowledge.import_file(widget.id, chosen)
        except KnowledgeError as err:
            self.message.setText(str(err))
            return None
        self.report_dialog = ImportReportDialog(chosen.name, report, self)
        self.report_dialog.open()
        self._changed(widget, None, f"Imported {chosen.name}: {self.report_dialog.summary.text()}")
        return report

    def export_file(self, path: Path | None = None) -> Path | None:
        widget = self.widget()
        chosen = path or (Path(text) if (text := self.choose_export()) else None)
        if widget is None or chosen is None:
            return None
        if chosen.suffix.lower() not in (".csv", ".json"):
            chosen = chosen.with_name(chosen.name + ".csv")
        items = self.ctx.knowledge.list(widget.id)
        try:
            count = write_entries(chosen, [item.entry() for item in items])
        except KnowledgeError as err:
            self.message.setText(str(err))
            return None
        self.message.setText(f"Exported {plural(count, 'answer')} to {chosen}.")
        return chosen

    def _import_dialog(self) -> str:
        path, _ = QFileDialog.getOpenFileName(self, "Import answers", "", FILE_FILTER)
        return path

    def _export_dialog(self) -> str:
        widget = self.widget()
        name = f"{widget.name if widget else 'answers'}.csv"
        path, _ = QFileDialog.getSaveFileName(self, "Export answers", name, FILE_FILTER)
        return path

    # the bot tester

    def _ask_clicked(self) -> None:
        self.ctx.spawn(self.ask(self.tester.question.text()), what="Testing the bot")

    async def ask(self, question: str) -> Trial | None:
        """Ask the bot on this widget's saved answers, as a shopper would."""
        widget = self.widget()
        if widget is None or not question.strip():
            self.tester.show_message("Type a question a shopper might ask.")
            return None
        fresh = self.ctx.widgets.get(widget.key) or widget  # its current threshold
        entries = [item.entry() for item in self.ctx.knowledge.list(widget.id)]
        trial = await try_question(fresh.config, entries, question, self.now)
        self.tester.show_trial(trial)
        return trial
