"""The Privacy screen: find what this workspace and the relay hold about a shopper (by
email or phone), export it as JSON, erase it on both sides (the relay confirms first), and
the retention period applied here and on the relay. In agency mode each finding says which
client's customer it is; finding and erasing stay global (a person, in every client)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console import dialogs
from console.context import ConsoleContext
from console.models.rows import Column, RowsModel
from console.plural import plural
from console.privacy_flow import (
    Erased,
    Findings,
    PrivacyFlowError,
    erase_everywhere,
    export_json,
    find_everywhere,
    set_retention,
)
from console.team import may, why_not
from console.ui import named
from console.views.base import View
from console.views.tables import proxy_for, table_for
from core.privacy import PrivacyError, RetentionError, Shopper, check_retention, shopper_from
from core.workspace.settings import WorkspaceSettings

Row = tuple[str, str, str, str, str]  # where, client, what, when, text
COLUMNS: list[Column[Row]] = [
    Column("Where", lambda r: r[0]),
    Column("Client", lambda r: r[1]),
    Column("What", lambda r: r[2]),
    Column("When", lambda r: r[3]),
    Column("Content", lambda r: r[4]),
]
CLIENT_COLUMN = 1
NO_CLIENT = "no client"


@dataclass(frozen=True, slots=True)
class Owners:
    """Whose customer a finding is (agency mode): each widget (by id here, by key on the
    relay) and store to its client's name. Findings are never filtered by it: erasing a
    shopper is about a person, everywhere."""

    widget_ids: dict[int, str]
    widget_keys: dict[str, str]
    stores: dict[str, str]

    @classmethod
    def of(cls, ctx: ConsoleContext) -> Owners:
        widgets = ctx.widgets.list()
        return cls(
            {w.id: w.client or NO_CLIENT for w in widgets},
            {w.key: w.client or NO_CLIENT for w in widgets},
            {s.name: s.client or NO_CLIENT for s in ctx.session.stores.list()},
        )

    def of_conversation(self, conversation: dict[str, Any]) -> str:
        widget_id, key = conversation.get("widget_id"), conversation.get("widget_key")
        if isinstance(widget_id, int) and widget_id in self.widget_ids:
            return self.widget_ids[widget_id]
        if isinstance(key, str) and key in self.widget_keys:
            return self.widget_keys[key]
        return ""  # a widget this workspace no longer has


def _when(value: Any) -> str:
    return str(value or "")[:16].replace("T", " ")


def _rows(findings: Findings, owners: Owners) -> list[Row]:
    rows: list[Row] = []

    def add(where: str, data: dict[str, Any]) -> None:
        chats = {str(c["id"]): owners.of_conversation(c) for c in data.get("conversations") or []}
        for c in data.get("conversations") or []:
            when = _when(c.get("started_at"))
            rows.append((where, chats[str(c["id"])], "conversation", when, str(c["id"])))
        for m in data.get("messages") or []:
            text = " ".join(str(m.get("text") or "").split())
            client = chats.get(str(m.get("conversation_id")), "")
            rows.append(
                (where, client, f"message ({m.get('role')})", _when(m.get("created_at")), text)
            )
        for lead in data.get("leads") or []:
            who = ", ".join(str(lead.get(k)) for k in ("name", "email", "phone") if lead.get(k))
            client = chats.get(str(lead.get("conversation_id")), "")
            what = f"{lead.get('kind')} lead"
            rows.append((where, client, what, _when(lead.get("created_at")), who))

    add("this workspace", findings.local.as_json())
    for customer in findings.local.customers:
        store = str(customer["store"])
        client = owners.stores.get(store, "")
        rows.append((f"store {store}", client, "customer", "", str(customer.get("email"))))
    for order in findings.local.orders:
        store = str(order["store"])
        when = _when(order["created_at"])
        rows.append(
            (f"store {store}", owners.stores.get(store, ""), "order", when, order["number"])
        )
    if findings.relay is not None:
        add("relay", findings.relay)
    return rows


def clients_involved(rows: list[Row]) -> str:
    """One sentence naming the clients whose customers the findings touch."""
    names = sorted({r[CLIENT_COLUMN] for r in rows if r[CLIENT_COLUMN]} - {NO_CLIENT})
    if not names:
        return ""
    return f"Customer of {', '.join(names)} (the erasure covers every client)."


class PrivacyView(View):
    title = "Privacy"

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.confirm: Callable[[str], Awaitable[bool]] = self._ask
        self.choose_export: Callable[[str], str] = self._export_dialog
        self.findings: Findings | None = None
        self.involved = ""  # which clients' customers the findings are (agency mode)
        self.email = named(QLineEdit(placeholderText="ann@example.com"), "privacyEmail")
        self.phone = named(QLineEdit(placeholderText="+33 6 12 34 56 78"), "privacyPhone")
        self.find_button = QPushButton("Find")
        self.export_button = QPushButton("Export JSON…")
        self.erase_button = QPushButton("Erase everywhere…")
        self.summary = named(QLabel(wordWrap=True), "privacySummary")
        self.model: RowsModel[Row] = RowsModel(COLUMNS, self)
        self.table = table_for(proxy_for(self.model), (130, 110, 130, 130))
        self.retention = named(QLineEdit(placeholderText="off"), "retentionDays")
        self.retention.setMaximumWidth(90)
        self.retention_button = QPushButton("Apply")
        self.retention_note = named(QLabel(wordWrap=True), "retentionNote")
        self.role_note = named(QLabel(wordWrap=True), "privacyRoleNote")
        self._layout()
        self.find_button.clicked.connect(
            lambda: self._spawn(self.find_shopper(), "Finding a shopper")
        )
        self.email.returnPressed.connect(self.find_button.click)
        self.phone.returnPressed.connect(self.find_button.click)
        self.export_button.clicked.connect(lambda: self.export())
        self.erase_button.clicked.connect(lambda: self._spawn(self.erase(), "Erasing a shopper"))
        self.retention_button.clicked.connect(
            lambda: self._spawn(self.apply_retention(), "Setting the retention period")
        )
        ctx.role_changed.connect(self._show_role)
        self._show_role()

    def _show_role(self) -> None:
        """Only an admin may erase shoppers' data or change the retention period on the relay:
        for another role those buttons are off and a line says why."""
        admin = may(self.ctx.role, "admin")
        self.retention_button.setEnabled(admin)
        self.retention.setEnabled(admin)
        self._found(self.findings)
        self.role_note.setVisible(not admin)
        self.role_note.setText(why_not(self.ctx.role, "erase shoppers' data or change retention"))

    def _layout(self) -> None:
        shopper = QGroupBox("A shopper's data")
        form = QFormLayout(shopper)
        form.addRow("Email", self.email)
        form.addRow("Phone", self.phone)
        buttons = QHBoxLayout()
        for button in (self.find_button, self.export_button, self.erase_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        form.addRow(buttons)
        form.addRow(self.summary)
        retention = QGroupBox("Retention")
        row = QHBoxLayout(retention)
        row.addWidget(QLabel("Delete conversations idle for more than"))
        row.addWidget(self.retention)
        row.addWidget(QLabel("days (here and on the relay)"))
        row.addWidget(self.retention_button)
        row.addWidget(self.retention_note, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.role_note)
        layout.addWidget(shopper)
        layout.addWidget(self.table, 1)
        layout.addWidget(retention)

    def _spawn(self, work: Any, what: str) -> None:
        self.ctx.spawn(work, what=what)

    async def refresh(self) -> None:
        days = WorkspaceSettings(self.ctx.session.workspace).retention_days
        self.retention.setText("" if days is None else str(days))
        self.retention_note.setText(
            "Conversations are kept without a limit."
            if days is None
            else f"Kept {plural(days, 'day')}."
        )

    def shopper(self) -> Shopper | None:
        try:
            return shopper_from(self.email.text(), self.phone.text())
        except PrivacyError as err:
            self.summary.setText(str(err))
            return None

    def _found(self, findings: Findings | None) -> None:
        self.findings = findings
        agency = self.ctx.clients.exists()
        self.table.setColumnHidden(CLIENT_COLUMN, not agency)
        rows = _rows(findings, Owners.of(self.ctx)) if findings else []
        self.model.set_rows(rows)
        self.involved = clients_involved(rows) if agency else ""
        has = findings is not None and not (
            findings.local.empty and not findings.relay_counts_any()
        )
        self.export_button.setEnabled(findings is not None)
        self.erase_button.setEnabled(bool(has) and may(self.ctx.role, "admin"))

    async def find_shopper(self) -> Findings | None:
        shopper = self.shopper()
        if shopper is None:
            return None
        workspace = self.ctx.session.workspace
        findings = await find_everywhere(workspace, self.ctx.relay_client(), shopper)
        self._found(findings)
        self.summary.setText(" ".join(filter(None, (findings.summary(), self.involved))))
        return findings

    def export(self) -> Path | None:
        if self.findings is None:
            return None
        chosen = self.choose_export("shopper-data.json")
        if not chosen:
            return None
        try:
            path = export_json(self.ctx.session.workspace, self.findings, Path(chosen))
        except OSError as err:
            self.summary.setText(f"Could not write {chosen}: {err.strerror}.")
            return None
        self.summary.setText(f"Exported to {path}.")
        return path

    async def erase(self) -> Erased | None:
        shopper = self.shopper()
        if shopper is None:
            return None
        question = (
            f"Erase every conversation, message and lead of {shopper.label} here and on the "
            "relay? This cannot be undone."
        )
        if not await self.confirm(question):
            return None
        workspace = self.ctx.session.workspace
        try:
            erased = await erase_everywhere(workspace, self.ctx.relay_client(), shopper)
        except PrivacyFlowError as err:
            self.summary.setText(str(err))
            return None
        self.summary.setText(erased.summary())
        self._found(None)
        return erased

    async def apply_retention(self) -> str | None:
        try:
            days = check_retention(self.retention.text())
        except RetentionError as err:
            self.retention_note.setText(str(err))
            return None
        workspace = self.ctx.session.workspace
        try:
            said = await set_retention(workspace, self.ctx.relay_client(), days)
        except PrivacyFlowError as err:
            said = str(err)
        self.retention_note.setText(said)
        return said

    async def _ask(self, question: str) -> bool:
        return await dialogs.ask(self, "Storedesk", question, yes="Erase")

    def _export_dialog(self, name: str) -> str:
        return QFileDialog.getSaveFileName(self, "Export JSON", name, "JSON (*.json)")[0]
