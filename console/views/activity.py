"""The Activity screen: who changed settings, published, connected or disconnected stores,
synced, answered leads or erased a shopper's data; newest first, with filters. With a client
chosen (agency mode) only what concerns that client's stores and widgets, and the client."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from console.context import ConsoleContext
from console.models.rows import Column, RowsModel
from console.plural import plural
from console.ui import named
from console.views.base import View
from console.views.tables import proxy_for, table_for
from core.workspace.activity import Activity, ActivityRepository

KINDS = (
    ("Everything", ""),
    ("Widgets and settings", "widget.|knowledge.|settings."),
    ("Publishing", "published"),
    ("Relay pairing", "relay."),
    ("Stores connected or removed", "store.connected|store.disconnected"),
    ("Syncs", "store.synced"),
    ("Store requests (webhooks)", "store.redact|store.data_request"),
    ("Leads and appointments", "lead.|appointment."),
    ("Privacy and retention", "privacy.|retention."),
    ("Clients", "client."),
)
SHOWN = 1000

COLUMNS: list[Column[Activity]] = [
    Column("When", lambda a: f"{a.at.astimezone():%Y-%m-%d %H:%M:%S}", sort=lambda a: a.at),
    Column("Who", lambda a: a.actor),
    Column("What", lambda a: a.label),
    Column("Subject", lambda a: a.subject or ""),
    Column("Details", lambda a: a.summary()),
]


class ActivityView(View):
    title = "Activity"

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.log = ActivityRepository(ctx.session.workspace)
        self.kind = named(QComboBox(), "activityKind")
        for label, prefixes in KINDS:
            self.kind.addItem(label, prefixes)
        self.search = QLineEdit(placeholderText="Search who or what", clearButtonEnabled=True)
        self.model: RowsModel[Activity] = RowsModel(COLUMNS, self)
        self.table = table_for(proxy_for(self.model), (150, 110, 210, 220))
        self.count = QLabel()
        top = QHBoxLayout()
        top.addWidget(self.kind)
        top.addWidget(self.search, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.kind.currentIndexChanged.connect(self.reload)
        self.search.textChanged.connect(self.reload)
        ctx.client_chosen.connect(self.reload)

    async def refresh(self) -> None:
        self.reload()

    def reload(self, *_: object) -> None:
        prefixes = str(self.kind.currentData() or "").split("|")
        client_id = self.ctx.client_id  # None: every client (and what belongs to none)
        found: list[Activity] = []
        for prefix in prefixes:
            found += self.log.list(
                action=prefix or None, text=self.search.text(), client_id=client_id, limit=SHOWN
            )
        found.sort(key=lambda a: (a.at, a.id), reverse=True)
        self.model.set_rows(found[:SHOWN])
        self.count.setText(
            plural(min(len(found), SHOWN), "entry")
            if found
            else "Nothing recorded for this filter."
        )
        client = self.ctx.client()
        if client is not None:
            self.count.setText(f"{self.count.text()} About {client.name} only.")
