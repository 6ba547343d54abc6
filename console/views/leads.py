"""The Leads screen: leads (new / contacted / won / lost) and appointment requests (with the
requested slot in the widget's time zone; confirm or decline tells the shopper in their
conversation), with notes, search and CSV export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.appointments import answer_appointment, default_answer
from console.context import ConsoleContext
from console.models.rows import Column, RowsModel
from console.plural import plural
from console.relay_client import RelayError
from console.ui import named
from console.views.base import View
from console.views.tables import current_record, proxy_for, select_first, table_for
from core.workspace.leads import LeadError, LeadItem, LeadRepository, leads_csv, statuses_for

SHOWN = 5000
ALL = "All statuses"


def _who(item: LeadItem) -> str:
    return item.name or "(no name)"


LEAD_COLUMNS = [
    Column("Received", lambda i: f"{i.created_at.astimezone():%Y-%m-%d %H:%M}",
           sort=lambda i: i.created_at),
    Column("Status", lambda i: i.status),
    Column("Name", _who),
    Column("Email", lambda i: i.email or ""),
    Column("Phone", lambda i: i.phone or ""),
    Column("Widget", lambda i: i.widget or ""),
    Column("Message", lambda i: " ".join((i.message or "").split())),
]  # fmt: skip
APPOINTMENT_COLUMNS = [
    LEAD_COLUMNS[0],
    LEAD_COLUMNS[1],
    Column("Requested slot", lambda i: i.slot_text(),
           sort=lambda i: i.requested_time.timestamp() if i.requested_time else 0.0),
    *LEAD_COLUMNS[2:],
]  # fmt: skip


class LeadList(QWidget):
    """One kind of lead: filters, the table, and the selected one's status and notes."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.status_filter = QComboBox()
        self.status_filter.addItems([ALL, *statuses_for(kind)])
        self.search = QLineEdit(placeholderText="Search name, email, phone, notes",
                                clearButtonEnabled=True)  # fmt: skip
        self.export_button = QPushButton("Export CSV…")
        columns = APPOINTMENT_COLUMNS if kind == "appointment" else LEAD_COLUMNS
        self.model: RowsModel[LeadItem] = RowsModel(columns, self)
        self.proxy = proxy_for(self.model)
        widths = (130, 90, 270, 180, 220) if kind == "appointment" else (130, 90, 200, 230, 150)
        self.table: QTableView = table_for(self.proxy, widths)
        self.count = QLabel()
        self.detail = QGroupBox("Selected")
        self.status = QComboBox()
        self.status.addItems(list(statuses_for(kind)))
        self.notes = QPlainTextEdit(placeholderText="Notes (only you see them)")
        self.notes.setMaximumHeight(110)
        self.save_button = QPushButton("Save")
        self.answer = QPlainTextEdit()
        self.answer.setMaximumHeight(80)
        self.confirm_button = QPushButton("Confirm and tell the shopper")
        self.decline_button = QPushButton("Decline and tell the shopper")
        self._layout()

    def _layout(self) -> None:
        top = QHBoxLayout()
        top.addWidget(self.status_filter)
        top.addWidget(self.search, 1)
        top.addWidget(self.export_button)
        form = QFormLayout(self.detail)
        form.addRow("Status", self.status)
        form.addRow("Notes", self.notes)
        form.addRow(self.save_button)
        if self.kind == "appointment":
            form.addRow("Message to the shopper", self.answer)
            buttons = QHBoxLayout()
            buttons.addWidget(self.confirm_button)
            buttons.addWidget(self.decline_button)
            form.addRow(buttons)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count)

    def current(self) -> LeadItem | None:
        item = current_record(self.table)
        return item if isinstance(item, LeadItem) else None

    def show_current(self) -> None:
        item = self.current()
        self.detail.setEnabled(item is not None)
        if item is None:
            self.notes.setPlainText("")
            return
        self.detail.setTitle(f"{_who(item)} · {item.email or item.phone or 'no contact'}")
        self.status.setCurrentText(item.status)
        self.notes.setPlainText(item.notes or "")
        if self.kind == "appointment":
            self.answer.setPlainText(default_answer(item, True))

    def set_items(self, items: list[LeadItem], keep: str | None) -> None:
        self.model.set_rows(items)
        more = " (the newest; search to narrow)" if len(items) >= SHOWN else ""
        noun = "appointment request" if self.kind == "appointment" else "lead"
        self.count.setText(f"{plural(len(items), noun)}{more}")
        rows = [n for n, item in enumerate(items) if item.id == keep]
        if rows:
            self.table.selectRow(self.proxy.mapFromSource(self.model.index(rows[0], 0)).row())
        else:
            select_first(self.table)
        self.show_current()


class LeadsView(View):
    title = "Leads"

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.leads = LeadRepository(ctx.session.workspace)
        self.choose_export: Callable[[str], str] = self._export_dialog
        self.tabs = named(QTabWidget(), "leadTabs")
        self.contacts = LeadList("contact")
        self.appointments = LeadList("appointment")
        self.tabs.addTab(self.contacts, "Leads")
        self.tabs.addTab(self.appointments, "Appointment requests")
        # names and messages come from shoppers: shown as typed, never as markup
        self.message = named(
            QLabel(wordWrap=True, textFormat=Qt.TextFormat.PlainText), "leadsMessage"
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        for part in (self.contacts, self.appointments):
            self._connect(part)

    def _connect(self, part: LeadList) -> None:
        part.status_filter.currentIndexChanged.connect(lambda *_: self.reload(part))
        part.search.textChanged.connect(lambda *_: self.reload(part))
        part.table.selectionModel().currentRowChanged.connect(lambda *_: part.show_current())
        part.save_button.clicked.connect(lambda: self.save(part))
        part.export_button.clicked.connect(lambda: self.export(part))
        part.confirm_button.clicked.connect(lambda: self._answer(True))
        part.decline_button.clicked.connect(lambda: self._answer(False))

    async def refresh(self) -> None:
        self.reload(self.contacts)
        self.reload(self.appointments)

    def reload(self, part: LeadList, keep: str | None = None) -> None:
        status = part.status_filter.currentText()
        current = part.current()
        items = self.leads.list(
            "appointment" if part.kind == "appointment" else "contact",
            status=None if status == ALL else status,
            text=part.search.text(),
            limit=SHOWN,
            widget_ids=self.ctx.client_widget_ids(),
        )
        part.set_items(items, keep or (current.id if current else None))

    def save(self, part: LeadList) -> LeadItem | None:
        item = part.current()
        if item is None:
            return None
        saved = item
        try:
            if part.notes.toPlainText().strip() != (item.notes or ""):
                saved = self.leads.set_notes(item.id, part.notes.toPlainText())
            if part.status.currentText() != item.status:
                saved = self.leads.set_status(item.id, part.status.currentText())
        except LeadError as err:
            self.message.setText(str(err))
            return None
        self.message.setText(f"Saved {_who(saved)}: {saved.status}.")
        self.reload(part, saved.id)
        return saved

    def export(self, part: LeadList) -> Path | None:
        noun = "appointments" if part.kind == "appointment" else "leads"
        chosen = self.choose_export(f"{noun}.csv")
        if not chosen:
            return None
        path = Path(chosen)
        try:
            path.write_text(leads_csv(part.model.rows()), encoding="utf-8")
        except OSError as err:
            self.message.setText(f"Could not write {path}: {err.strerror}.")
            return None
        noun = "appointment request" if part.kind == "appointment" else "lead"
        self.message.setText(f"Exported {plural(part.model.rowCount(), noun)} to {path}.")
        return path

    def _export_dialog(self, name: str) -> str:
        return QFileDialog.getSaveFileName(self, "Export CSV", name, "CSV (*.csv)")[0]

    def _answer(self, confirm: bool) -> None:
        self.ctx.spawn(self.answer(confirm), what="Answering the appointment request")

    async def answer(self, confirm: bool) -> LeadItem | None:
        """Confirm or decline the selected appointment request: the message goes into the
        shopper's conversation first; the status changes only once it was sent."""
        part = self.appointments
        item = part.current()
        if item is None:
            return None
        for button in (part.confirm_button, part.decline_button):
            button.setEnabled(False)
        text = part.answer.toPlainText().strip()
        if text in (default_answer(item, True), default_answer(item, False)):
            text = ""  # not edited: the words that go with the button pressed
        try:
            done = await answer_appointment(
                self.ctx.session.workspace,
                self.ctx.relay_client(),
                item,
                confirm=confirm,
                text=text,
            )
        except (LeadError, RelayError) as err:
            self.message.setText(f"Not sent, nothing changed: {err}")
            return None
        finally:
            for button in (part.confirm_button, part.decline_button):
                button.setEnabled(True)
        told = " and told the shopper" if item.conversation_id else ""
        self.message.setText(f"{done.status.capitalize()} {_who(done)}'s request{told}.")
        self.reload(part, done.id)
        return done
