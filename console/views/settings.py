"""Settings: pairing with the relay (showing this console's key fingerprint), the team
(``console.views.team``), publishing,
the relay's health, where the workspace is and where its master key is kept."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from console.context import MUTED, ConsoleContext
from console.pairing import PairResult, pair
from console.plural import plural
from console.relay_client import RelayError
from console.team import may, why_not
from console.ui import named
from console.views.base import View
from console.views.dashboard import when
from console.views.team import TeamPanel
from core.workspace.relay_link import RelayLinkEntry

KEY_SOURCES = {
    "OS keyring": "the OS keyring (encrypted by your operating system account).",
}


def key_source_text(source: str) -> str:
    known = KEY_SOURCES.get(source)
    if known:
        return f"The master key that encrypts store credentials is kept in {known}"
    return (
        f"The master key that encrypts store credentials comes from {source}: there is no "
        "secure OS keyring here. Keep it safe and back it up with the workspace."
    )


def link_text(link: RelayLinkEntry | None) -> str:
    if link is None:
        return (
            "Not paired. On the relay run <code>storedesk-relay pairing-code</code> (or ask "
            "your relay's admin for an invite), then enter its address and the code below. A "
            "new key for this console is made when you pair."
        )
    return (
        f"Paired with relay <b>{html.escape(link.relay_id)}</b> at {html.escape(link.url)} "
        f"since {when(link.paired_at)}."
        f"<br>This console's key fingerprint: <code>{html.escape(link.fingerprint)}</code>"
        f"<br>Last publish: {when(link.last_publish_at)} · last pull: {when(link.last_pull_at)}"
    )


def health_text(url: str, status: dict[str, Any]) -> str:
    return (
        f"Relay {status.get('relay_id', '?')} at {url} is up (version "
        f"{status.get('version', '?')}): {plural(status.get('widgets', 0), 'widget')} and "
        f"{plural(status.get('stores', 0), 'store')} published, "
        f"{plural(status.get('conversations_open', 0), 'open conversation')}, "
        f"{plural(status.get('events_pending', 0), 'event')} waiting for this console."
    )


def _label(name: str) -> QLabel:
    label = named(QLabel("", wordWrap=True), name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SettingsView(View):
    title = "Settings"

    def __init__(self, ctx: ConsoleContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._build()
        ctx.relay_changed.connect(self._show_link)
        ctx.role_changed.connect(self._show_link)

    def _build(self) -> None:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 18, 24, 18)
        layout.addWidget(QLabel("<h2>Settings</h2>"))
        layout.addWidget(self._pairing_group())
        self.team = TeamPanel(self.ctx)
        layout.addWidget(self.team)
        layout.addWidget(self._publish_group())
        layout.addWidget(self._workspace_group())
        layout.addWidget(self._notifications_group())
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        QVBoxLayout(self).addWidget(scroll)

    def _pairing_group(self) -> QGroupBox:
        group = QGroupBox("Relay pairing")
        layout = QVBoxLayout(group)
        self.link_label = _label("linkLabel")
        self.link_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.link_label)
        form = QFormLayout()
        self.url_edit = named(QLineEdit(placeholderText="https://chat.example.com"), "relayUrl")
        self.code_edit = named(QLineEdit(placeholderText="ABCD-EF23"), "pairingCode")
        form.addRow("Relay address", self.url_edit)
        form.addRow("Pairing code", self.code_edit)
        layout.addLayout(form)
        self.pair_button = named(QPushButton("Pair"), "pairButton")
        self.pair_button.clicked.connect(self._pair_clicked)
        self.code_edit.returnPressed.connect(self._pair_clicked)
        self.pair_result = _label("pairResult")
        layout.addLayout(self._row(self.pair_button, self.pair_result))
        return group

    def _publish_group(self) -> QGroupBox:
        group = QGroupBox("Publish and relay health")
        layout = QVBoxLayout(group)
        layout.addWidget(
            QLabel(
                "Publishing sends your widgets, their answers and the credentials of the stores "
                "they use to the relay. You see what will change and confirm first.",
                wordWrap=True,
            )
        )
        self.publish_button = named(QPushButton("Publish…"), "publishButton")
        self.publish_button.clicked.connect(self._publish_clicked)
        self.health_button = named(QPushButton("Check the relay"), "healthButton")
        self.health_button.clicked.connect(self._health_clicked)
        self.health_label = _label("healthLabel")
        self.publish_note = _label("publishNote")
        self.publish_note.setVisible(False)
        layout.addLayout(self._row(self.publish_button, self.health_button))
        layout.addWidget(self.publish_note)
        layout.addWidget(self.health_label)
        return group

    def _notifications_group(self) -> QGroupBox:
        group = QGroupBox("Notifications")
        layout = QVBoxLayout(group)
        self.mute = named(
            QCheckBox("Mute desktop notifications (a shopper asks for a person, a new lead)"),
            "muteNotifications",
        )
        self.mute.setChecked(bool(self.ctx.preferences().value(MUTED, False, type=bool)))
        self.mute.toggled.connect(self._mute_toggled)
        layout.addWidget(self.mute)
        return group

    def _mute_toggled(self, muted: bool) -> None:
        preferences = self.ctx.preferences()
        preferences.setValue(MUTED, muted)
        preferences.sync()

    def _workspace_group(self) -> QGroupBox:
        group = QGroupBox("Workspace and master key")
        layout = QVBoxLayout(group)
        self.workspace_label = _label("workspaceLabel")
        self.key_label = _label("keyLabel")
        open_button = named(QPushButton("Open the folder"), "openWorkspace")
        open_button.clicked.connect(self._open_workspace)
        layout.addLayout(self._row(self.workspace_label, open_button))
        layout.addWidget(self.key_label)
        return group

    @staticmethod
    def _row(*widgets: QWidget) -> QHBoxLayout:
        row = QHBoxLayout()
        for widget in widgets:
            row.addWidget(widget, 1 if isinstance(widget, QLabel) else 0)
        if not any(isinstance(widget, QLabel) for widget in widgets):
            row.addStretch(1)
        return row

    # -- behaviour -----------------------------------------------------------------------

    async def refresh(self) -> None:
        self._show_link()
        self.team.reload()
        self.workspace_label.setText(f"Workspace: {self.ctx.data_dir}")
        self.key_label.setText(key_source_text(self.ctx.session.vault.source))

    def _show_link(self) -> None:
        link = self.ctx.relay_link()
        self.link_label.setText(link_text(link))
        publisher = may(self.ctx.role, "admin")
        self.publish_button.setEnabled(link is not None and publisher)
        self.publish_note.setVisible(link is not None and not publisher)
        self.publish_note.setText(why_not(self.ctx.role, "publish widgets, answers and stores"))
        self.health_button.setEnabled(link is not None)
        if link is not None and not self.url_edit.text():
            self.url_edit.setText(link.url)

    def _pair_clicked(self) -> None:
        url, code = self.url_edit.text().strip(), self.code_edit.text().strip()
        if not url or not code:
            self.pair_result.setText("Enter the relay's address and a pairing code.")
            return
        self.pair_button.setEnabled(False)
        self.pair_result.setText(f"Pairing with {url}…")
        self.ctx.spawn(self._pair(url, code), what="Pairing with the relay")

    async def _pair(self, url: str, code: str) -> None:
        try:
            result = await pair(self.ctx.links, self.ctx.http, url, code)
        except RelayError as err:
            self.pair_result.setText(f"Not paired: {err}")
            return
        finally:
            self.pair_button.setEnabled(True)  # before the result shows: try again at once
        self.code_edit.clear()
        self.pair_result.setText(self._paired_text(result))
        self.ctx.role = None  # a new relay: what it lets this console do comes next
        self.ctx.console_id = None  # and who it is there (a relay from before: the next status)
        self.ctx.learn_role({"role": result.role, "id": result.console_id})
        self.ctx.relay_changed.emit()

    @staticmethod
    def _paired_text(result: PairResult) -> str:
        text = (
            f"Paired with relay {result.link.relay_id} (version {result.version or '?'}). "
            f"This console's key: {result.link.fingerprint}. "
            + ("Next: publish." if result.role == "admin" else f"Role: {result.role}.")
        )
        if result.previous_url:
            text += f" This replaces the pairing with {result.previous_url}."
        if result.mismatch:
            text += f" Warning: the relay reports this console's key as {result.mismatch}."
        return text

    def _publish_clicked(self) -> None:
        self.ctx.publish_requested.emit()

    def _health_clicked(self) -> None:
        self.health_label.setText("Asking the relay…")
        self.ctx.spawn(self._health(), what="Checking the relay")

    async def _health(self) -> None:
        client = self.ctx.relay_client()
        if client is None:
            self.health_label.setText("Not paired yet: pair with your relay above.")
            return
        try:
            status = await client.status()
        except RelayError as err:
            self.health_label.setText(f"Offline: {err}")
            return
        self.ctx.learn_role(status)
        self.health_label.setText(health_text(client.url, status))

    def _open_workspace(self) -> None:
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.ctx.data_dir))):
            self.ctx.status.emit(
                f"No file manager could be opened; the folder is {self.ctx.data_dir}."
            )
