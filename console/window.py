"""The main window: a sidebar of screens, the screens, a status bar with the relay's and the
sync's state, the tray icon, menus and shortcuts. It also shows every error a screen reports
(``ctx.failed``) and runs the publish flow any screen asks for."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from console.dialogs import Opener, tell
from console.theme import app_icon
from console.ui import named
from core import __version__
from core.versions import relay_update_note

if TYPE_CHECKING:
    from console.context import ConsoleContext
    from console.views.base import View
    from console.views.stores import StoresView

TITLES = (
    "Dashboard", "Inbox", "Widgets", "Knowledge base", "Stores", "Settings",
    "Leads", "Analytics", "Activity", "Privacy",
)  # fmt: skip
RELAY_POLL_MS = 30_000
_FINISHED = ("done", "finished", "cancelled", "failed")


def _shortcut(number: int) -> str:
    """Ctrl+1 … Ctrl+9 for the first nine screens."""
    return f"Ctrl+{number}" if number <= 9 else ""


class MainWindow(QMainWindow):
    """Built in two steps so it paints at once: the frame (sidebar, menus, status bar) with
    an "opening" page, then ``attach(ctx)`` adds the screens once the workspace is open."""

    def __init__(self, settings: QSettings, ctx: ConsoleContext | None = None) -> None:
        super().__init__()
        self.ctx: ConsoleContext | None = None
        self.settings = settings
        self.views: list[View] = []
        self.last_error: tuple[str, str] | None = None
        self.error_box: QMessageBox | None = None
        self.about_box: QMessageBox | None = None
        self._publishing = False
        self.unread = 0
        self.clients_dialog: QWidget | None = None
        self.tray_tip = "Storedesk"
        self.notifications: list[tuple[str, str]] = []  # what was notified, newest last
        self.open_url: Opener = QDesktopServices.openUrl
        self._relay_task: asyncio.Task[Any] | None = None
        self.setWindowTitle("Storedesk")
        self.setWindowIcon(app_icon())
        self.setMinimumSize(QSize(720, 500))
        self._build_body()
        self._build_status_bar()
        self._build_menus()
        self.tray = self._build_tray()
        self._poll = QTimer(self)
        self._poll.setInterval(RELAY_POLL_MS)
        self._poll.timeout.connect(self.update_relay_state)
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1100, 720)
        if ctx is not None:
            self.attach(ctx)

    def attach(self, ctx: ConsoleContext) -> None:
        """The workspace is open: build the screens and show the last one used."""
        from console.views.activity import ActivityView
        from console.views.analytics import AnalyticsView
        from console.views.dashboard import DashboardView
        from console.views.inbox import InboxView
        from console.views.knowledge import KnowledgeView
        from console.views.leads import LeadsView
        from console.views.privacy import PrivacyView
        from console.views.settings import SettingsView
        from console.views.stores import StoresView
        from console.views.widgets import WidgetsView

        self.ctx = ctx
        screens = (
            DashboardView, InboxView, WidgetsView, KnowledgeView, StoresView, SettingsView,
            LeadsView, AnalyticsView, ActivityView, PrivacyView,
        )  # fmt: skip
        self.views = [screen(ctx) for screen in screens]
        assert tuple(view.title for view in self.views) == TITLES
        self.stack.removeWidget(self.opening)
        for number, view in enumerate(self.views, start=1):
            type(view).shortcut = _shortcut(number)  # the window's order sets it
            self.stack.addWidget(view)
        self._connect_context(ctx)
        self._attach_clients(ctx)
        self._poll.start()
        self._stores_view().scheduler.start()
        last = self.settings.value("window/screen", "Dashboard")
        self.show_screen(str(last) if last in TITLES else "Dashboard")
        self.update_relay_state()
        self.update_unread()

    def _stores_view(self) -> StoresView:
        from console.views.stores import StoresView

        view = self.views[TITLES.index("Stores")]
        assert isinstance(view, StoresView)
        return view

    def show_opening_failed(self, sentence: str) -> None:
        """The workspace could not be opened: say why; closing the box quits."""
        self.opening.setText(f"Storedesk could not open the workspace.\n\n{sentence}")
        box = tell(self, "Storedesk", "Storedesk could not open the workspace.", sentence)
        box.finished.connect(self.quit)

    # -- building ------------------------------------------------------------------------

    def _build_body(self) -> None:
        self.sidebar = named(QListWidget(), "sidebar")
        self.sidebar.setFixedWidth(180)
        self.sidebar.setFrameShape(QListWidget.Shape.NoFrame)
        self.sidebar.setStyleSheet(
            "QListWidget#sidebar { padding-top: 10px; }"
            "QListWidget#sidebar::item { padding-left: 16px; }"
        )
        for number, title in enumerate(TITLES, start=1):
            self.sidebar.addItem(title)
            item = self.sidebar.item(number - 1)
            item.setToolTip(f"{title} ({_shortcut(number)})" if number <= 9 else title)
            item.setSizeHint(QSize(160, 36))
        self.sidebar.currentRowChanged.connect(self._on_screen)
        self.opening = named(QLabel("Opening your workspace…", wordWrap=True), "opening")
        self.opening.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.opening)
        self.side = QVBoxLayout()  # agency mode adds the client picker above the sidebar
        self.side.setContentsMargins(0, 0, 0, 0)
        self.side.addWidget(self.sidebar, 1)
        body = QWidget()
        layout = QHBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(self.side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(body)

    def _build_status_bar(self) -> None:
        self.relay_state = named(QLabel("Relay: …"), "relayState")
        self.sync_state = named(QLabel(""), "syncState")
        bar = self.statusBar()
        bar.addPermanentWidget(self.sync_state)
        bar.addPermanentWidget(self.relay_state)

    def _action(self, text: str, shortcut: QKeySequence | str, slot: Any) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file = menus.addMenu("&File")
        self.publish_action = self._action("&Publish…", "Ctrl+P", self.start_publish)
        file.addAction(self.publish_action)
        file.addAction(self._action("&Clients…", "", self.show_clients))
        file.addAction(self._action("&Settings…", "Ctrl+,", self._show_settings))
        file.addSeparator()
        file.addAction(self._action("&Quit", "Ctrl+Q", self.quit))
        view = menus.addMenu("&View")
        for number, title in enumerate(TITLES, start=1):
            action = self._action(title, _shortcut(number), self._screen_chosen)
            action.setData(title)
            view.addAction(action)
        view.addSeparator()
        view.addAction(self._action("&Refresh", "F5", self._refresh_pressed))
        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self._action("&Documentation", "F1", self.show_documentation))
        help_menu.addAction(self._action("&About Storedesk", "", self.show_about))

    def _build_tray(self) -> QSystemTrayIcon | None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return None
        tray = QSystemTrayIcon(app_icon(), self)
        menu = QMenu(self)
        menu.addAction("Show Storedesk", self._show_from_tray)
        menu.addAction("Quit", self.quit)
        tray.setContextMenu(menu)
        tray.setToolTip("Storedesk")
        tray.activated.connect(self._show_from_tray)
        tray.show()
        return tray

    def _connect_context(self, ctx: ConsoleContext) -> None:
        ctx.failed.connect(self.show_error)
        ctx.publish_requested.connect(self.start_publish)
        ctx.navigate.connect(self.show_screen)
        ctx.status.connect(self._show_status)
        ctx.sync_state.connect(self._on_sync_state)
        ctx.relay_changed.connect(self.update_relay_state)
        ctx.inbox_changed.connect(self.update_unread)
        ctx.notify.connect(self.notify)

    # -- agency mode: the client every screen shows ----------------------------------------

    def _attach_clients(self, ctx: ConsoleContext) -> None:
        from console.views.clients import ClientPicker

        self.client_picker = ClientPicker(ctx)
        self.side.insertWidget(0, self.client_picker)
        ctx.client_chosen.connect(self._client_chosen)
        ctx.clients_changed.connect(self._client_chosen)
        self._client_chosen()

    def _client_chosen(self) -> None:
        """Every screen shows the chosen client; the current one reloads now."""
        client = self.ctx.client() if self.ctx is not None else None
        self.publish_action.setText(f"&Publish {client.name}…" if client else "&Publish…")
        self.refresh_current(relay=False)

    def show_clients(self) -> None:
        from console.views.clients import ClientsDialog

        if self.ctx is None:
            return
        self.clients_dialog = ClientsDialog(self.ctx, self)
        self.clients_dialog.open()

    # -- screens -------------------------------------------------------------------------

    def _show_settings(self) -> None:
        self.show_screen("Settings")

    def _screen_chosen(self) -> None:
        action = self.sender()
        if isinstance(action, QAction):
            self.show_screen(str(action.data()))

    def _refresh_pressed(self) -> None:
        self.refresh_current()

    def _show_status(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def current_view(self) -> View | None:
        index = self.sidebar.currentRow()
        return self.views[index] if self.views and index >= 0 else None

    def show_screen(self, title: str) -> None:
        if title not in TITLES:
            return
        index = TITLES.index(title)
        if self.sidebar.currentRow() == index:
            self._on_screen(index)  # asked for again: refresh it
        else:
            self.sidebar.setCurrentRow(index)

    def _on_screen(self, index: int) -> None:
        if index < 0 or not self.views:
            return
        self.stack.setCurrentIndex(index)
        self.settings.setValue("window/screen", TITLES[index])
        self.refresh_current(relay=False)

    def refresh_current(self, *, relay: bool = True) -> None:
        view = self.current_view()
        if view is None or self.ctx is None:
            return
        self.ctx.spawn(view.refresh(), what=f"Loading {view.title}")
        if relay:
            self.update_relay_state()

    # -- status bar ----------------------------------------------------------------------

    def update_relay_state(self) -> None:
        if self.ctx is None or (self._relay_task is not None and not self._relay_task.done()):
            return
        self._relay_task = self.ctx.spawn(self._relay_state(), what="Checking the relay")

    async def _relay_state(self) -> None:
        from console.relay_client import RelayError

        assert self.ctx is not None
        client = self.ctx.relay_client()
        if client is None:
            self._set_relay_state("Relay: not paired", "Pair with your relay in Settings.")
            return
        try:
            status = await client.status()
        except RelayError as err:
            self._set_relay_state("Relay: offline", str(err))
            return
        self.ctx.alerts.update_relay(status)
        version = str(status.get("version") or "?")
        note = relay_update_note(version, __version__)
        if note is None:
            self._set_relay_state(f"Relay: online · {version}", f"{client.url} answers.")
        else:
            self._set_relay_state(f"Relay: online · {version} · update it", note)

    def _set_relay_state(self, text: str, tip: str) -> None:
        self.relay_state.setText(text)
        self.relay_state.setToolTip(tip)
        self._tray_tip()

    # -- the inbox: unread counts and notifications ----------------------------------------

    def update_unread(self) -> None:
        """ "Inbox (3)" in the sidebar, the window title and the tray's tooltip."""
        inbox = next((v for v in self.views if v.title == "Inbox"), None)
        self.unread = inbox.unread() if inbox is not None else 0  # type: ignore[attr-defined]
        item = self.sidebar.item(TITLES.index("Inbox"))
        item.setText(f"Inbox ({self.unread})" if self.unread else "Inbox")
        self.setWindowTitle(f"Storedesk — {self.unread} unread" if self.unread else "Storedesk")
        self._tray_tip()

    def _tray_tip(self) -> None:
        unread = getattr(self, "unread", 0)
        tip = f"Storedesk — {self.relay_state.text()}"
        if unread:
            tip += f" · {unread} unread conversation{'s' if unread != 1 else ''}"
        if self.tray is not None:
            self.tray.setToolTip(tip)
        self.tray_tip = tip

    def notify(self, title: str, text: str) -> None:
        """A desktop notification (unless muted in Settings); also in the status bar."""
        self.notifications.append((title, text))
        self.statusBar().showMessage(f"{title}: {text}", 10000)
        from console.context import MUTED

        muted = self.ctx is not None and self.ctx.preferences().value(MUTED, False, type=bool)
        if self.tray is not None and not muted:
            self.tray.showMessage(title, text, QSystemTrayIcon.MessageIcon.Information, 8000)

    def _on_sync_state(self, store: str, phase: str, done: int, total: int) -> None:
        if phase in _FINISHED:
            self.sync_state.setText(f"{store}: sync {phase}")
        elif total >= 0:
            self.sync_state.setText(f"Syncing {store}: {phase} {done}/{total}")
        else:
            self.sync_state.setText(f"Syncing {store}: {phase} {done}")

    # -- errors, publishing, about, quit -------------------------------------------------

    def show_error(self, what: str, sentence: str) -> None:
        """A failure as a sentence with the way forward; never a traceback."""
        self.last_error = (what, sentence)
        self.statusBar().showMessage(f"{what} did not work: {sentence}", 15000)
        if self.error_box is not None:
            self.error_box.close()
        self.error_box = tell(self, "Storedesk", f"{what} did not work.", sentence)
        self.error_box.destroyed.connect(self._forget_error_box)

    def _forget_error_box(self) -> None:
        self.error_box = None

    def start_publish(self) -> None:
        from console.publish_flow import publish_with_confirmation

        if self._publishing or self.ctx is None:
            return
        self._publishing = True
        task = self.ctx.spawn(publish_with_confirmation(self.ctx, self), what="Publishing")
        task.add_done_callback(self._published)

    def _published(self, _: asyncio.Task[Any]) -> None:
        self._publishing = False

    def show_documentation(self) -> None:
        """Help → Documentation: the README (what each screen and command does)."""
        from console.dialogs import open_or_offer_copy
        from console.docs import documentation_file

        found = documentation_file(self.ctx.data_dir if self.ctx is not None else None)
        if found is None:
            tell(self, "Storedesk", "This copy of Storedesk has no documentation installed.")
            return
        open_or_offer_copy(self, QUrl.fromLocalFile(str(found)), self.open_url)

    def show_about(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("About Storedesk")
        box.setIconPixmap(app_icon().pixmap(64, 64))
        box.setText(f"<b>Storedesk {__version__}</b>")
        box.setInformativeText(
            "Support chat that knows your store: a desktop console, your own relay and a chat "
            "widget whose bot knows your orders."
            + (f"\n\nWorkspace: {self.ctx.data_dir}" if self.ctx is not None else "")
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.destroyed.connect(self._forget_about)
        self.about_box = box
        box.open()

    def _forget_about(self) -> None:
        self.about_box = None

    def _show_from_tray(self, *_: object) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def quit(self, *_: object) -> None:
        self.close()
        QApplication.quit()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.sync()
        self._poll.stop()
        if self.views:
            self._stores_view().scheduler.stop()
        if self.tray is not None:
            self.tray.hide()
        super().closeEvent(event)
