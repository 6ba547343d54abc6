"""The Dashboard: is the relay up, which stores and widgets there are and where the widgets
are installed, today's activity, and the next step for a merchant still setting up."""

from __future__ import annotations

import asyncio
import html
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.context import ConsoleContext, utc_now
from console.dialogs import Opener, open_or_offer_copy
from console.models.rows import Column, RowsModel
from console.overview import (
    NextStep,
    Overview,
    Today,
    load_overview,
    next_step,
    today_on_relay,
    unpublished,
)
from console.plural import plural
from console.publish_flow import plan_publish
from console.relay_client import RelayError
from console.team import may
from console.ui import named
from console.views.base import View
from core import __version__
from core.versions import relay_update_note
from core.workspace.stores import StoreEntry
from core.workspace.widgets import WidgetEntry


def when(moment: datetime | None, never: str = "never") -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else never


def installed_on(widget: WidgetEntry) -> str:
    origins = widget.config.allowed_origins
    return ", ".join(origins) if origins else "any site (no allowed sites set)"


def published(widget: WidgetEntry) -> str:
    if widget.published_at is None:
        return "not yet"
    if unpublished(widget):
        return f"changed since {when(widget.published_at)}"
    return when(widget.published_at)


STORE_COLUMNS: list[Column[StoreEntry]] = [
    Column("Store", lambda s: s.name),
    Column("Platform", lambda s: s.platform),
    Column("Orders", lambda s: f"{s.orders:,}", sort=lambda s: s.orders, align_right=True),
    Column("Last sync", lambda s: when(s.last_sync_at), sort=lambda s: s.last_sync_at or 0),
]
WIDGET_COLUMNS: list[Column[WidgetEntry]] = [
    Column("Widget", lambda w: w.name),
    Column("Store", lambda w: w.store or "—"),
    Column("Installed on", installed_on),
    Column("Published", published),
]


def today_text(today: Today) -> str:
    where = "on the relay" if today.source == "relay" else "pulled into this workspace"
    return (
        f"Today: {plural(today.conversations, 'conversation')}, {plural(today.leads, 'lead')}, "
        f"{plural(today.lookups, 'order lookup')} ({where}). Spam blocked: {today.spam:,}."
    )


def _table(model: RowsModel[Any], name: str) -> QTableView:
    table = named(QTableView(), name)
    table.setModel(model)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.setMaximumHeight(160)
    return table


class DashboardView(View):
    title = "Dashboard"

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.stores = RowsModel(STORE_COLUMNS, self)
        self.widgets = RowsModel(WIDGET_COLUMNS, self)
        self.step: NextStep | None = None
        self._task: asyncio.Task[Any] | None = None
        self.open_url: Opener = QDesktopServices.openUrl
        self.open_failed: QMessageBox | None = None  # the box shown when no browser opened
        self._build()
        for signal in (ctx.stores_changed, ctx.widgets_changed, ctx.relay_changed):
            signal.connect(self._changed)
        ctx.alerts.changed.connect(self.show_alerts)
        self.show_alerts()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(QLabel("<h2>Dashboard</h2>"))
        layout.addWidget(self._alert_box())
        layout.addWidget(self._demo_box())
        layout.addWidget(self._next_box())
        relay = QGroupBox("Relay")
        relay_layout = QVBoxLayout(relay)
        self.relay_label = named(QLabel("Checking…", wordWrap=True), "relayStatus")
        self.today_label = named(QLabel("", wordWrap=True), "today")
        relay_layout.addWidget(self.relay_label)
        relay_layout.addWidget(self.today_label)
        layout.addWidget(relay)
        layout.addWidget(self._group("Stores", _table(self.stores, "storesTable")))
        layout.addWidget(self._group("Widgets", _table(self.widgets, "widgetsTable")))
        layout.addStretch(1)

    def _group(self, title: str, body: QWidget) -> QGroupBox:
        group = QGroupBox(title)
        QVBoxLayout(group).addWidget(body)
        return group

    def _alert_box(self) -> QFrame:
        """A red banner while an alert lasts (a store that cannot sync, a failing relay)."""
        self.alert_box = named(QFrame(), "alertBox")
        self.alert_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.alert_box.setStyleSheet(
            "QFrame#alertBox { background: #fde7e9; border: 1px solid #b3261e; }"
        )
        self.alert_label = named(QLabel("", wordWrap=True), "alertText")
        self.alert_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        QHBoxLayout(self.alert_box).addWidget(self.alert_label, 1)
        self.alert_box.setVisible(False)
        return self.alert_box

    def show_alerts(self) -> None:
        alerts = self.ctx.alerts.alerts()
        self.alert_box.setVisible(bool(alerts))
        self.alert_label.setText(
            "<br>".join(f"<b>{html.escape(a.title)}.</b> {html.escape(a.text)}" for a in alerts)
        )

    def _demo_box(self) -> QFrame:
        self.demo_box = named(QFrame(), "demoBox")
        self.demo_box.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self.demo_box)
        self.demo_label = QLabel("", wordWrap=True)
        self.demo_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.demo_button = named(QPushButton("Open the demo storefront"), "demoButton")
        self.demo_button.setDefault(True)
        self.demo_button.setMinimumHeight(40)
        self.demo_button.clicked.connect(self.open_demo)
        row.addWidget(self.demo_label, 1)
        row.addWidget(self.demo_button)
        self.demo_box.setVisible(False)
        return self.demo_box

    def _next_box(self) -> QFrame:
        self.next_box = named(QFrame(), "nextStep")
        self.next_box.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(self.next_box)
        self.next_label = QLabel("", wordWrap=True)
        self.next_button = named(QPushButton(""), "nextButton")
        self.next_button.clicked.connect(self._take_step)
        row.addWidget(self.next_label, 1)
        row.addWidget(self.next_button)
        self.next_box.setVisible(False)
        return self.next_box

    # -- behaviour -----------------------------------------------------------------------

    def _changed(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = self.ctx.spawn(self.refresh(), what="Refreshing the dashboard")

    async def refresh(self) -> None:
        overview = load_overview(self.ctx.session, utc_now(), self.ctx.client_scope())
        self._show_local(overview)
        status, problem = await self._relay_status()
        self.ctx.alerts.update_relay(status)
        self._show_relay(overview, status, problem)
        publisher = status is not None and may(self.ctx.role, "admin")
        pending = await self._pending_publish() if publisher else None
        self._show_step(next_step(overview, pending_publish=pending))

    def _show_local(self, overview: Overview) -> None:
        self.stores.set_rows(overview.stores)
        self.widgets.set_rows(overview.widgets)
        url = self.ctx.demo_url
        self.demo_box.setVisible(url is not None)
        if url is not None:
            self.demo_label.setText(
                f"<b>Your demo shop is live.</b> Open its storefront and ask the chat "
                f"“where is my order 1001?” (email alice@example.com).<br>{url}"
            )

    async def _relay_status(self) -> tuple[dict[str, Any] | None, str | None]:
        client = self.ctx.relay_client()
        if client is None:
            return None, None
        try:
            status = await client.status()
        except RelayError as err:
            return None, str(err)
        self.ctx.learn_role(status)
        return status, None

    def _show_relay(
        self, overview: Overview, status: dict[str, Any] | None, problem: str | None
    ) -> None:
        everyone = self.ctx.client_id is None  # the relay counts every client's chats
        today = today_on_relay(status) if status and everyone else None
        self.today_label.setText(today_text(today or overview.today))
        if overview.link is None:
            self.relay_label.setText("Not paired: widgets go live once this console is paired.")
        elif status is None:
            self.relay_label.setText(f"<b>Offline</b> — {html.escape(problem or '')}")
        else:  # the relay's answer and the address typed: text, never markup
            version, url = (
                html.escape(str(status.get("version", "?"))),
                html.escape(overview.link.url),
            )
            self.relay_label.setText(
                f"<b>Online</b> · version {version} · {url} · "
                f"{plural(status.get('widgets', 0), 'widget')} and "
                f"{plural(status.get('stores', 0), 'store')} published · "
                f"{plural(status.get('conversations_open', 0), 'open conversation')}"
                + _update_line(status)
            )

    async def _pending_publish(self) -> bool | None:
        client = self.ctx.relay_client()
        if client is None:
            return None
        try:
            return (await plan_publish(self.ctx.session, client, only=self.ctx.client())).changed
        except RelayError:
            return None

    def _show_step(self, step: NextStep | None) -> None:
        self.step = step
        self.next_box.setVisible(step is not None)
        if step is not None:
            self.next_label.setText(f"<b>Next step.</b> {step.text}")
            self.next_button.setText(step.button)

    def _take_step(self) -> None:
        if self.step is None:
            return
        if self.step.target == "publish":
            self.ctx.publish_requested.emit()
        else:
            self.ctx.navigate.emit(self.step.target)

    def open_demo(self) -> None:
        url = self.ctx.demo_url
        if url is None:
            return
        self.open_failed = open_or_offer_copy(self, QUrl(url), self.open_url)


def _update_line(status: dict[str, Any]) -> str:
    note = relay_update_note(str(status.get("version") or ""), __version__)
    return "" if note is None else f"<br><b>Update your relay.</b> {html.escape(note)}"
