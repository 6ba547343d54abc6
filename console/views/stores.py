"""The Stores screen: connected stores, and for each one: test, sync (with progress and
Cancel), sync history, disconnect, and the Customers and Orders browsers.

Connecting a store is the wizard's job (``console.views.store_wizard``). Work on the
network or the database runs on the loop (``ctx.spawn``); the window never waits for it.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from connectors.sync import SyncResult
from console.context import ConsoleContext, utc_now
from console.errors import sentence_for
from console.models.orders import local_time
from console.models.rows import Column, RowsModel
from console.plural import plural
from console.scheduler import SyncScheduler, local_zone
from console.session import HOLDER_CONSOLE, HOLDER_SCHEDULE
from console.views.base import View
from console.views.store_browsers import CustomersBrowser, OrdersBrowser
from console.views.store_history import SyncHistory
from console.views.store_schedule import ScheduleDialog, next_text, schedule_line
from console.views.store_webhooks import TOOLTIP, WebhookActions, supports_webhooks
from console.views.store_wizard import PLATFORMS, StoreWizard
from core.workspace.schedule import (
    NextRun,
    Outcome,
    Plan,
    Schedule,
    ScheduleRepository,
    ScheduleState,
)
from core.workspace.stores import StoreEntry
from core.workspace.sync_lock import SyncBusy

PLATFORM_NAMES = {"shopify": "Shopify", "woocommerce": "WooCommerce", "sql": "SQL database",
                  "rest": "REST API"}  # fmt: skip
PHASES = {"customers": "Customers", "orders": "Orders", "products": "Products"}


def platform_name(platform: str) -> str:
    return PLATFORM_NAMES.get(platform, platform)


def store_columns(schedule: Callable[[StoreEntry], str]) -> list[Column[StoreEntry]]:
    """The list's columns; ``schedule`` is a store's next run and last result."""
    return [
        Column("Store", lambda s: s.name),
        Column("Platform", lambda s: platform_name(s.platform)),
        Column("Customers", lambda s: f"{s.customers:,}", sort=lambda s: s.customers,
               align_right=True),
        Column("Orders", lambda s: f"{s.orders:,}", sort=lambda s: s.orders, align_right=True),
        Column("Products", lambda s: f"{s.products:,}", sort=lambda s: s.products,
               align_right=True),
        Column("Last sync", lambda s: local_time(s.last_sync_at) if s.last_sync_at else "never"),
        Column("Next sync", schedule),
    ]  # fmt: skip


@dataclass(slots=True)
class _Sync:
    cancel: asyncio.Event
    phase: str = "customers"
    done: int = 0
    total: int | None = None


class StoresView(View):
    title = "Stores"

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.syncs: dict[str, _Sync] = {}
        self.wizard: StoreWizard | None = None
        self.confirmation: QMessageBox | None = None
        self.schedule_dialog: ScheduleDialog | None = None
        self.planned: dict[str, ScheduleState] = {}
        self.scheduler = SyncScheduler(
            ctx.session.workspace, ctx.session.stores, self.run_scheduled, parent=self
        )
        self.scheduler.checked.connect(self._schedules_read)
        self.stores = RowsModel(store_columns(self._next_text), self)
        self.connect_button = self._connect_menu()
        self.table = QTableView(self)
        self.table.setModel(self.stores)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.empty = QLabel(
            "No store is connected yet. Connect your Shopify or WooCommerce shop, your own "
            "database or your own API: the bot looks up orders there, and the browsers below "
            "show what was synced.",
            self,
        )
        self.empty.setWordWrap(True)
        self.detail = StoreDetail(self)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.detail)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("<h2>Stores</h2>", self))
        top.addStretch(1)
        top.addWidget(self.connect_button)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())
        ctx.stores_changed.connect(self.reload)
        self.webhooks = WebhookActions(self)
        self.reload()

    def _connect_menu(self) -> QToolButton:
        button = QToolButton(self)
        button.setText("Connect a store")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        for platform in PLATFORMS:
            action = menu.addAction(f"{platform_name(platform)}…")
            action.triggered.connect(lambda _checked=False, p=platform: self.open_wizard(p))
        button.setMenu(menu)
        return button

    # --- the list ----------------------------------------------------------------------
    async def refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        chosen = self.selected()
        entries = self.ctx.session.stores.list(client_id=self.ctx.client_id)
        self._schedules_read(ScheduleRepository(self.ctx.session.workspace).states(), quiet=True)
        self.stores.set_rows(entries)
        self.empty.setVisible(not entries)
        names = [e.name for e in entries]
        if entries:
            self.table.selectRow(names.index(chosen.name) if chosen and chosen.name in names else 0)
        self._show_selected()

    def selected(self) -> StoreEntry | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.stores.row(rows[0].row()) if rows else None

    def select(self, name: str) -> None:
        for number, entry in enumerate(self.stores.rows()):
            if entry.name == name:
                self.table.selectRow(number)

    def _show_selected(self) -> None:
        self.detail.show_store(self.selected())

    # --- actions -----------------------------------------------------------------------
    def open_wizard(self, platform: str) -> StoreWizard:
        self.wizard = StoreWizard(self.ctx, platform, self)
        self.wizard.saved.connect(self.select)
        self.wizard.open()
        return self.wizard

    def test_connection(self, entry: StoreEntry) -> None:
        self.ctx.spawn(self._test(entry), what=f"Testing {entry.name}")

    async def _test(self, entry: StoreEntry) -> None:
        self.detail.say(entry.name, "Testing the connection…")
        try:
            info = await self.ctx.session.test_store(entry)
        except Exception as error:
            self.detail.say(entry.name, sentence_for(error), failed=True)
            return
        notes = "".join(f"\nNote: {line}" for line in info.warnings)
        self.detail.say(entry.name, f"Connected to {info.name}.{notes}")

    def sync(self, entry: StoreEntry) -> None:
        """Sync now: on the loop; the window shows a failure (or "already syncing")."""
        if entry.name in self.syncs:
            return
        self.ctx.spawn(self._sync_now(entry), what=f"Syncing {entry.name}")

    async def _sync_now(self, entry: StoreEntry) -> None:
        error = await self.run_sync(entry, full=False, holder=HOLDER_CONSOLE)
        if error is not None:
            raise error  # the window shows it too, wherever the merchant is

    async def run_scheduled(self, entry: StoreEntry, plan: Plan) -> Outcome:
        """The scheduler's runner: a failure is shown on this screen (and becomes an alert
        when it repeats), never as a dialog every quarter of an hour."""
        if entry.name in self.syncs:
            return "busy"
        error = await self.run_sync(entry, full=plan == "full", holder=HOLDER_SCHEDULE)
        if isinstance(error, SyncBusy):
            return "busy"
        return "failed" if error is not None else "completed"

    async def run_sync(self, entry: StoreEntry, *, full: bool, holder: str) -> Exception | None:
        """One sync with progress and Cancel; the error that stopped it, if any."""
        cancel = asyncio.Event()
        self.syncs[entry.name] = _Sync(cancel)
        self.detail.show_store(self.selected())

        def progress(phase: str, done: int, total: int | None) -> None:
            self._progress(entry.name, phase, done, total)

        kind = "Full sync" if full else "Syncing"
        self.detail.say(entry.name, f"{kind}{' (scheduled)' if holder == HOLDER_SCHEDULE else ''}…")
        try:
            result = await self.ctx.session.sync_store(
                entry, full=full, progress=progress, cancel=cancel, holder=holder
            )
        except Exception as error:
            self.ctx.sync_state.emit(entry.name, "failed", 0, -1)
            self.detail.say(entry.name, sentence_for(error), failed=True)
            return error
        finally:
            self.syncs.pop(entry.name, None)
            self.ctx.stores_changed.emit()
        phase = "cancelled" if result.cancelled else "done"
        self.ctx.sync_state.emit(entry.name, phase, result.created + result.updated, -1)
        self.detail.say(entry.name, sync_summary(result))
        return None

    def cancel_sync(self, name: str) -> None:
        running = self.syncs.get(name)
        if running is not None:
            running.cancel.set()
            self.detail.say(name, "Cancelling after the page being stored…")

    # --- the schedule --------------------------------------------------------------------
    def _schedules_read(self, states: list[ScheduleState], *, quiet: bool = False) -> None:
        """Fresh schedules: the Next sync column, the detail's line, the store alerts."""
        self.planned = {state.store: state for state in states}
        if not quiet:
            self.stores.layoutChanged.emit()
        self.detail.show_schedule()
        self.ctx.alerts.update_stores(states)

    def next_run(self, name: str) -> NextRun | None:
        state = self.planned.get(name)
        if state is None:
            return None
        return self.scheduler.next_run(state, utc_now(), local_zone())

    def _next_text(self, entry: StoreEntry) -> str:
        if entry.name in self.syncs:
            return "syncing now"
        state = self.planned.get(entry.name)
        return next_text(self.next_run(entry.name), state)

    def edit_schedule(self, entry: StoreEntry) -> ScheduleDialog:
        state = self.planned.get(entry.name)
        dialog = ScheduleDialog(entry.name, state.schedule if state else Schedule(), self)
        dialog.chosen.connect(lambda schedule: self._save_schedule(entry, schedule))
        self.schedule_dialog = dialog
        dialog.open()
        return dialog

    def _save_schedule(self, entry: StoreEntry, schedule: Schedule) -> None:
        ScheduleRepository(self.ctx.session.workspace).set(entry.id, schedule)
        self.ctx.status.emit(f"{entry.name}: automatic sync {schedule.describe()}.")
        self.reload()

    def _progress(self, name: str, phase: str, done: int, total: int | None) -> None:
        running = self.syncs.get(name)
        if running is not None:
            running.phase, running.done, running.total = phase, done, total
        self.ctx.sync_state.emit(name, phase, done, -1 if total is None else total)
        self.detail.show_progress(name)

    def disconnect_store(self, entry: StoreEntry) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Disconnect store",
            f"Disconnect {entry.name}?",
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText(
            "Its credentials and everything synced from it (customers, orders, products, "
            "sync history) are erased from this computer. The shop itself is not changed; "
            "you can connect it again later."
        )
        erase = box.addButton("Disconnect and erase", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.finished.connect(lambda _r: self._disconnect_answered(box, erase, entry))
        self.confirmation = box
        box.open()

    def _disconnect_answered(self, box: QMessageBox, erase: Any, entry: StoreEntry) -> None:
        self.confirmation = None
        if box.clickedButton() is not erase:
            return
        self.cancel_sync(entry.name)
        self.ctx.session.stores.remove(entry.name)
        self.ctx.status.emit(f"Disconnected {entry.name}; its credentials are erased.")
        self.ctx.stores_changed.emit()


def sync_summary(result: SyncResult) -> str:
    new, changed = result.created, result.updated
    skipped = (
        f", {result.failed_records:,} skipped (see Sync history)" if result.failed_records else ""
    )
    if result.cancelled:
        kept = "is" if new + changed == 1 else "are"
        return (
            f"Sync cancelled: the {plural(new + changed, 'record')} already stored {kept} kept "
            f"and the next sync carries on from there{skipped}."
        )
    done = f"Synced in {result.duration:.1f} s: {new:,} new, {changed:,} updated{skipped}."
    return " ".join((done, *result.warnings))  # the store holds records that were not stored


class StoreDetail(QWidget):
    """The selected store: actions, sync progress, the last message, and its data tabs."""

    def __init__(self, view: StoresView) -> None:
        super().__init__(view)
        self.view = view
        self.entry: StoreEntry | None = None
        self._messages: dict[str, tuple[str, bool]] = {}
        self.heading = QLabel(self)
        self.test_button = self._button("Test connection", view.test_connection)
        self.sync_button = self._button("Sync now", view.sync)
        self.webhooks_button = self._button("Webhooks", lambda e: view.webhooks.register(e))
        self.webhooks_button.setToolTip(TOOLTIP)
        self.disconnect_button = self._button("Disconnect…", view.disconnect_store)
        self.schedule_label = QLabel(self)
        self.schedule_label.setWordWrap(True)
        self.schedule_button = self._button("Change schedule…", lambda e: view.edit_schedule(e))
        self.phase = QLabel(self)
        self.progress = QProgressBar(self)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self._cancel)
        self.message = QLabel(self)  # a platform's own words (errors, the shop's name): as text
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = QTabWidget(self)
        self._layout()
        self.show_store(None)

    def _button(self, text: str, act: Callable[[StoreEntry], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.clicked.connect(lambda _checked=False: self._act(act))
        return button

    def _act(self, act: Callable[[StoreEntry], object]) -> None:
        if self.entry is not None:
            act(self.entry)

    def _layout(self) -> None:
        actions = QHBoxLayout()
        buttons = (self.test_button, self.sync_button, self.webhooks_button)
        for widget in (self.heading, *buttons, self.disconnect_button):
            actions.addWidget(widget)
        actions.insertStretch(1, 1)
        bar = QHBoxLayout()
        bar.addWidget(self.phase)
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        planned = QHBoxLayout()
        planned.addWidget(self.schedule_label, 1)
        planned.addWidget(self.schedule_button)
        layout.addLayout(actions)
        layout.addLayout(planned)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

    def _cancel(self, _checked: bool = False) -> None:
        if self.entry is not None:
            self.view.cancel_sync(self.entry.name)

    def show_store(self, entry: StoreEntry | None) -> None:
        changed = entry is None or self.entry is None or entry != self.entry
        self.entry = entry
        self.setVisible(entry is not None)
        if entry is None:
            self._clear_tabs()
            return
        hooked = " · webhooks on" if entry.settings.get("webhooks") else ""
        if entry.settings.get("disconnected_at"):
            hooked += " · <span style='color:#b3261e'>the app was uninstalled from the shop</span>"
        name = html.escape(entry.name)
        self.heading.setText(f"<b>{name}</b> · {platform_name(entry.platform)}{hooked}")
        self.webhooks_button.setVisible(supports_webhooks(entry))
        text, failed = self._messages.get(entry.name, ("", False))
        self._show_message(text, failed)
        self.show_progress(entry.name)
        self.show_schedule()
        if changed:
            self._fill_tabs(entry)

    def show_schedule(self) -> None:
        """``Automatic sync: every 15 min, full at 03:00 · next at 14:15 · last: …``"""
        if self.entry is None:
            return
        state = self.view.planned.get(self.entry.name)
        self.schedule_label.setText(schedule_line(state, self.view.next_run(self.entry.name)))

    def _clear_tabs(self) -> None:
        while self.tabs.count():
            page = self.tabs.widget(0)
            self.tabs.removeTab(0)
            if page is not None:
                page.deleteLater()

    def _fill_tabs(self, entry: StoreEntry) -> None:
        self._clear_tabs()
        workspace = self.view.ctx.session.workspace
        self.tabs.addTab(OrdersBrowser(workspace, entry.id), "Orders")
        self.tabs.addTab(CustomersBrowser(workspace, entry.id), "Customers")
        self.tabs.addTab(SyncHistory(self.view.ctx.session.stores.sync_runs(entry)), "Sync history")

    def show_progress(self, name: str) -> None:
        if self.entry is None or self.entry.name != name:
            return
        running = self.view.syncs.get(name)
        for widget in (self.phase, self.progress, self.cancel_button):
            widget.setVisible(running is not None)
        self.sync_button.setEnabled(running is None)
        if running is None:
            return
        total = running.total or 0
        self.progress.setRange(0, max(total, running.done) if total else 0)  # 0, 0: busy
        self.progress.setValue(running.done)
        of = f" of {total:,}" if total else ""
        self.phase.setText(f"{PHASES.get(running.phase, running.phase)}: {running.done:,}{of}")
        self.cancel_button.setEnabled(not running.cancel.is_set())

    def say(self, name: str, text: str, *, failed: bool = False) -> None:
        self._messages[name] = (text, failed)
        if self.entry is not None and self.entry.name == name:
            self._show_message(text, failed)

    def _show_message(self, text: str, failed: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #b3261e;" if failed else "")
        self.message.setVisible(bool(text))
