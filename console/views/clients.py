"""Agency mode in the window: the client picker above the sidebar (every screen shows the
chosen client's stores, widgets, conversations and leads) and the Clients dialog (add,
rename, remove clients; give them stores and widgets). With no client in the workspace the
picker is hidden and the console looks as it always did."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from console.context import ConsoleContext
from console.plural import plural
from console.ui import named
from core.workspace.clients import ClientEntry, ClientError, ClientInUse, RemovedClient
from core.workspace.paths import WorkspaceError
from core.workspace.widgets import WidgetEntry

ALL_CLIENTS = "All clients"
NO_CLIENT = "No client"
SAME_AS_STORE = "Same as its store"
RELEASE = -1  # "move to" choice: keep the stores and widgets without a client


class ClientPicker(QComboBox):
    """ "All clients" or one client; the choice is the context's (and remembered)."""

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("clientPicker")
        self.setToolTip("Show one client's stores, widgets, conversations and leads")
        self.reload()
        self.currentIndexChanged.connect(self._chosen)
        ctx.clients_changed.connect(self.reload)

    def reload(self) -> None:
        clients = self.ctx.clients.list()
        if self.ctx.client_id not in {c.id for c in clients}:
            self.ctx.choose_client(None)  # the chosen client was removed
        self.blockSignals(True)
        self.clear()
        self.addItem(ALL_CLIENTS, None)
        for entry in clients:
            self.addItem(entry.name, entry.id)
        self.setCurrentIndex(max(0, self.findData(self.ctx.client_id)))
        self.blockSignals(False)
        self.setVisible(bool(clients))

    def _chosen(self, _: int) -> None:
        data = self.currentData()
        self.ctx.choose_client(data if isinstance(data, int) else None)


def client_choices(combo: QComboBox, clients: list[ClientEntry], current: int | None) -> None:
    """``combo`` lists "No client" and every client, with ``current`` chosen."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(NO_CLIENT, None)
    for entry in clients:
        combo.addItem(entry.name, entry.id)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


class ClientField(QComboBox):
    """A widget's client in its editor: "Same as its store" (it follows the store's client)
    or a client of its own. Its row shows only while clients exist (``row_shown``)."""

    row_shown = Signal(bool)

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("widgetClient")

    def show_for(self, entry: WidgetEntry | None) -> None:
        """A new widget gets the client every screen shows; a saved one its own."""
        clients = self.ctx.clients.list()
        self.clear()
        self.addItem(SAME_AS_STORE, None)
        for client in clients:
            self.addItem(client.name, client.id)
        current = self.ctx.client_id if entry is None else entry.client_id
        own = entry is None or entry.client_pinned
        self.setCurrentIndex(max(0, self.findData(current)) if own else 0)
        self.row_shown.emit(bool(clients))

    def chosen(self) -> int | None:
        data = self.currentData()
        return data if isinstance(data, int) else None

    def save(self, entry: WidgetEntry) -> WidgetEntry:
        """Give the saved widget the chosen client (when that changed); the entry as now."""
        if self.count() <= 1:
            return entry
        chosen = self.chosen()
        if chosen is None and entry.client_pinned:
            self.ctx.clients.follow_store(entry.id)
        elif chosen is not None and (chosen != entry.client_id or not entry.client_pinned):
            self.ctx.clients.assign_widget(entry.id, self.ctx.clients.by_id(chosen))
        else:
            return entry
        found = self.ctx.widgets.get(entry.key)
        return found if found is not None else entry


class ClientsDialog(QDialog):
    """Clients and who owns which store and widget; every change is saved at once."""

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Clients")
        self.setObjectName("clientsDialog")
        self.list = named(QListWidget(), "clientList")
        self.new_name = named(QLineEdit(placeholderText="New client's name"), "newClient")
        self.add_button = QPushButton("Add")
        self.rename_to = named(QLineEdit(placeholderText="New name"), "renameClient")
        self.rename_button = QPushButton("Rename")
        self.move_to = named(QComboBox(), "moveTo")
        self.remove_button = QPushButton("Remove")
        self.message = named(QLabel(wordWrap=True), "clientsMessage")
        self.message.setMinimumHeight(52)
        self.owned = named(QTableWidget(0, 3), "ownedTable")
        self._layout()
        self.add_button.clicked.connect(self._add_clicked)
        self.new_name.returnPressed.connect(self._add_clicked)
        self.rename_button.clicked.connect(self._rename_clicked)
        self.remove_button.clicked.connect(self.remove_client)
        self.list.currentRowChanged.connect(self._selected)
        self.reload()
        self.resize(720, 520)

    def _layout(self) -> None:
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        for row in (
            (self.new_name, self.add_button),
            (self.rename_to, self.rename_button),
            (QLabel("Move its stores and widgets to"), self.move_to, self.remove_button),
        ):
            line = QHBoxLayout()
            for part in row:
                line.addWidget(part)
            left.addLayout(line)
        self.owned.setHorizontalHeaderLabels(["Kind", "Name", "Client"])
        self.owned.verticalHeader().hide()
        self.owned.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        right = QGroupBox("Stores and widgets")
        right_layout = QVBoxLayout(right)
        right_layout.addWidget(
            QLabel("A widget belongs to its store's client unless you give it another one.")
        )
        right_layout.addWidget(self.owned)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addWidget(right, 3)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        layout.addWidget(close)

    # -- reading -----------------------------------------------------------------------

    def clients(self) -> list[ClientEntry]:
        return self.ctx.clients.list()

    def selected(self) -> ClientEntry | None:
        item = self.list.currentItem()
        if item is None:
            return None
        return self.ctx.clients.by_id(int(item.data(256)))

    def reload(self, keep: int | None = None) -> None:
        chosen = self.selected()
        keep = keep if keep is not None else chosen.id if chosen else None
        clients = self.clients()
        self.list.blockSignals(True)
        self.list.clear()
        for entry in clients:
            owns = f"{plural(entry.stores, 'store')}, {plural(entry.widgets, 'widget')}"
            item = QListWidgetItem(f"{entry.name} ({owns})")
            item.setData(256, entry.id)
            self.list.addItem(item)
        ids = [c.id for c in clients]
        self.list.setCurrentRow(ids.index(keep) if keep in ids else 0 if ids else -1)
        self.list.blockSignals(False)
        self._selected()
        self._fill_owned(clients)

    def _selected(self, *_: object) -> None:
        entry = self.selected()
        for part in (self.rename_to, self.rename_button, self.move_to, self.remove_button):
            part.setEnabled(entry is not None)
        self.rename_to.setText(entry.name if entry else "")
        self.move_to.clear()
        self.move_to.addItem("(ask first)", None)
        for other in self.clients():
            if entry is None or other.id != entry.id:
                self.move_to.addItem(other.name, other.id)
        self.move_to.addItem("No client (keep them unassigned)", RELEASE)

    def _fill_owned(self, clients: list[ClientEntry]) -> None:
        stores = self.ctx.session.stores.list()
        widgets = self.ctx.widgets.list()
        for row in range(self.owned.rowCount()):  # the old rows' widgets go at once
            for column in range(3):
                old = self.owned.cellWidget(row, column)
                if old is not None:
                    old.hide()
        self.owned.setRowCount(0)
        self.owned.setRowCount(len(stores) + len(widgets))
        rows = [("Store", s.name, s.client_id) for s in stores]
        rows += [("Widget", w.key, w.client_id) for w in widgets]
        names = {w.key: w.name for w in widgets}
        for row, (kind, ref, client_id) in enumerate(rows):
            self.owned.setCellWidget(row, 0, QLabel(kind))
            self.owned.setCellWidget(row, 1, QLabel(names.get(ref, ref)))
            combo = QComboBox()
            client_choices(combo, clients, client_id)
            combo.currentIndexChanged.connect(
                lambda _=0, k=kind, r=ref, c=combo: self.assign(k, r, c.currentData())
            )
            self.owned.setCellWidget(row, 2, combo)

    # -- changing ----------------------------------------------------------------------

    def _add_clicked(self) -> None:
        self.add_client(self.new_name.text())

    def _rename_clicked(self) -> None:
        self.rename_client(self.rename_to.text())

    def add_client(self, name: str) -> ClientEntry | None:
        try:
            entry = self.ctx.clients.add(name)
        except WorkspaceError as err:
            self._refused(err)
            return None
        self.new_name.clear()
        self._changed(f"Added client {entry.name!r}.", entry.id)
        return entry

    def rename_client(self, name: str) -> ClientEntry | None:
        entry = self.selected()
        if entry is None:
            return None
        try:
            renamed = self.ctx.clients.rename(entry, name)
        except WorkspaceError as err:
            self._refused(err)
            return None
        self._changed(f"Renamed {entry.name!r} to {renamed.name!r}.", renamed.id)
        return renamed

    def remove_client(self) -> bool:
        """Remove the selected client. One that owns stores or widgets is refused, saying
        so, until "Move its stores and widgets to" names where they go."""
        entry = self.selected()
        if entry is None:
            return False
        choice = self.move_to.currentData()
        target = self.ctx.clients.by_id(choice) if isinstance(choice, int) and choice > 0 else None
        try:
            self.ctx.clients.remove(entry, move_to=target, release=choice == RELEASE)
        except ClientInUse as err:
            self._refused(err, "Choose where they go in “Move its stores and widgets to”.")
            return False
        except ClientError as err:
            self._refused(err)
            return False
        where = f" Its stores and widgets now belong to {target.name!r}." if target else ""
        self._changed(f"Removed client {entry.name!r}.{where}", None)
        self.offer_unpublish(RemovedClient(entry.name, entry.publish_scope))
        return True

    def offer_unpublish(self, removed: RemovedClient) -> asyncio.Task[Any] | None:
        """Paired and allowed to publish: a dry run of the removed client's scope; when the
        relay still has widgets of it that the workspace no longer has, ask to take them off
        (nothing is asked otherwise). Later, `storedesk relay publish --client NAME`."""
        from console.publish_flow import publish_with_confirmation
        from console.team import may

        if self.ctx.relay_link() is None or not may(self.ctx.role, "admin"):
            return None
        work = publish_with_confirmation(self.ctx, self, only=removed)
        return self.ctx.spawn(work, what=f"Taking {removed.name} off the relay")

    def assign(self, kind: str, ref: str, client_id: int | None) -> None:
        """Give the store (by name) or the widget (by key) to the client (None: none)."""
        client = self.ctx.clients.by_id(client_id) if client_id is not None else None
        try:
            if kind == "Store":
                self.ctx.clients.assign_store(ref, client)
            else:
                widget = self.ctx.widgets.get(ref)
                if widget is None:
                    raise ClientError("That widget no longer exists.")
                self.ctx.clients.assign_widget(widget.id, client)
        except ClientError as err:
            self._refused(err)
            return
        whom = client.name if client is not None else "no client"
        self._changed(f"Gave {kind.lower()} {ref!r} to {whom}.", None)

    def _refused(self, err: Exception, then: str = "") -> None:
        self.message.setStyleSheet("color: #b3261e;")
        self.message.setText(f"{err} {then}".strip())

    def _changed(self, text: str, keep: int | None) -> None:
        self.message.setStyleSheet("")
        self.message.setText(text)
        self.reload(keep)
        self.ctx.clients_changed.emit()
        self.ctx.stores_changed.emit()
        self.ctx.widgets_changed.emit()
