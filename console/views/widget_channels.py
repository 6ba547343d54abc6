"""A widget's WhatsApp channel (through Twilio): the account SID, the WhatsApp number and
the auth token (kept in the vault, sealed on the relay), and the address to give Twilio."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.errors import sentence_for
from core.channels import ChannelError, whatsapp_settings
from core.workspace.channels import ChannelRepository

if TYPE_CHECKING:
    from console.context import ConsoleContext
    from core.workspace.widgets import WidgetEntry

INTRO = (
    "Answer shoppers on <b>WhatsApp</b> with this widget's bot, through Twilio. In the "
    "Twilio Console, copy the <b>Account SID</b> and <b>Auth token</b> (Account info) and the "
    "WhatsApp sender's number. After saving, set the address shown below as the sender's "
    "<b>When a message comes in</b> webhook (POST)."
)


class WhatsAppDialog(QDialog):
    def __init__(
        self, ctx: ConsoleContext, entry: WidgetEntry, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entry = entry
        self.channels = ChannelRepository(ctx.session.workspace, ctx.session.vault)
        self.current = self.channels.whatsapp(entry)
        self.setWindowTitle(f"WhatsApp for {entry.name}")
        self.account_sid = QLineEdit(self)
        self.account_sid.setPlaceholderText("AC…")
        self.number = QLineEdit(self)
        self.number.setPlaceholderText("+14155238886")
        self.auth_token = QLineEdit(self)
        self.auth_token.setEchoMode(QLineEdit.EchoMode.Password)
        self.auth_token.setPlaceholderText("the auth token")
        if self.current is not None:
            self.account_sid.setText(self.current.account_sid)
            self.number.setText(self.current.number)
            self.auth_token.setPlaceholderText("saved; leave empty to keep it")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.ApplyRole)
        self.off_button = self.buttons.addButton(
            "Turn off", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.off_button.setEnabled(self.current is not None)
        self.save_button.clicked.connect(self.save)
        self.off_button.clicked.connect(self.turn_off)
        self.buttons.rejected.connect(self.reject)
        self._task: asyncio.Task[Any] | None = None
        intro = QLabel(INTRO, self)
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Account SID", self.account_sid)
        form.addRow("WhatsApp number", self.number)
        form.addRow("Auth token", self.auth_token)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.resize(620, 360)

    def save(self) -> None:
        token = self.auth_token.text().strip()
        if not token and self.current is not None:
            token = self.current.auth_token
        given = {"account_sid": self.account_sid.text(), "number": self.number.text()}
        try:
            settings = whatsapp_settings({**given, "auth_token": token})
        except ChannelError as exc:
            self.message.setText(str(exc))
            return
        self.channels.set_whatsapp(self.entry, settings)
        self.current = settings
        self.auth_token.clear()
        self.off_button.setEnabled(True)
        self._send(settings)

    def turn_off(self) -> None:
        self.channels.set_whatsapp(self.entry, None)
        self.current = None
        self.off_button.setEnabled(False)
        self._send(None)

    def _send(self, settings: Any) -> None:
        client = self.ctx.relay_client()
        if client is None:
            self.message.setText(
                "Saved. Pair with your relay (Settings) and publish to turn it on."
            )
            return
        self.message.setText("Saved; telling the relay…")
        self._task = self.ctx.spawn(self._tell_relay(client, settings), what="WhatsApp")

    async def _tell_relay(self, client: Any, settings: Any) -> None:
        try:
            if settings is None:
                await client.remove_whatsapp(self.entry.key)
                self.message.setText("WhatsApp is off for this widget.")
                return
            answer = await client.put_whatsapp(self.entry.key, settings)
        except Exception as error:  # one sentence; the settings stay saved for publishing
            if settings is None and "not set up" in str(error):
                self.message.setText("WhatsApp is off for this widget.")
                return
            self.message.setText(f"Saved here, but the relay said: {sentence_for(error)}")
            return
        self.message.setText(
            f"WhatsApp is on from {settings.number}. In Twilio, set “When a message comes "
            f"in” (POST) to:\n{answer['webhook_url']}"
        )
