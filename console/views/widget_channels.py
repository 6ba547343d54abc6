"""A widget's WhatsApp channel (through Twilio): the account SID, the WhatsApp number and
the auth token (kept in the vault, sealed on the relay), and the address to give Twilio."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialogButtonBox, QLineEdit, QWidget

from console.views.relay_settings import KEPT, RelaySettingsDialog, secret
from core.channels import ChannelError, WhatsAppSettings, whatsapp_settings

if TYPE_CHECKING:
    from console.context import ConsoleContext
    from console.relay_client import RelayClient
    from core.workspace.widgets import WidgetEntry

INTRO = (
    "Answer shoppers on <b>WhatsApp</b> with this widget's bot, through Twilio. In the "
    "Twilio Console, copy the <b>Account SID</b> and <b>Auth token</b> (Account info) and the "
    "WhatsApp sender's number. After saving, set the address shown below as the sender's "
    "<b>When a message comes in</b> webhook (POST)."
)
OFF = "WhatsApp is off for this widget."


class WhatsAppDialog(RelaySettingsDialog):
    def __init__(
        self, ctx: ConsoleContext, entry: WidgetEntry, parent: QWidget | None = None
    ) -> None:
        super().__init__(ctx, entry, f"WhatsApp for {entry.name}", parent)
        self.current = self.channels.whatsapp(entry)
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
            self.auth_token.setPlaceholderText(KEPT)
        rows = [
            ("Account SID", self.account_sid),
            ("WhatsApp number", self.number),
            ("Auth token", self.auth_token),
        ]
        self.finish(INTRO, rows, (620, 360))
        self.off_button = self.buttons.addButton(
            "Turn off", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.off_button.setEnabled(self.current is not None)
        self.off_button.clicked.connect(self.turn_off)

    def save(self) -> None:
        token = secret(self.auth_token, self.current.auth_token if self.current else "")
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

    def _send(self, settings: WhatsAppSettings | None) -> None:
        self.send(
            lambda client: self._tell_relay(client, settings),
            unpaired="turn it on",
            what="WhatsApp",
        )

    async def _tell_relay(self, client: RelayClient, settings: WhatsAppSettings | None) -> str:
        if settings is None:
            try:
                await client.remove_whatsapp(self.entry.key)
            except Exception as error:  # not set up there: off all the same
                if "not set up" not in str(error):
                    raise
            return OFF
        answer = await client.put_whatsapp(self.entry.key, settings)
        return (
            f"WhatsApp is on from {settings.number}. In Twilio, set “When a message comes "
            f"in” (POST) to:\n{answer['webhook_url']}"
        )
