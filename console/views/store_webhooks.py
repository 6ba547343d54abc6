"""The Stores screen's Webhooks button: subscribe the selected Shopify or WooCommerce store
to the relay, so its changes reach the relay (and this workspace at the next pull) at once.
Shopify signs with the app's client secret: it is asked for once, then kept in the vault.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QInputDialog, QLineEdit

from console import store_webhooks
from console.errors import sentence_for
from console.publish_flow import NOT_PAIRED
from core.workspace.stores import StoreEntry

if TYPE_CHECKING:
    from console.views.stores import StoresView

TOOLTIP = (
    "Send this store's order, customer and product changes to your relay as they happen "
    "(webhooks): shoppers see a shipment at once, and this workspace gets it at the next pull."
)


def supports_webhooks(entry: StoreEntry) -> bool:
    return entry.platform in store_webhooks.PLATFORMS


class WebhookActions:
    def __init__(self, view: StoresView) -> None:
        self.view = view
        self.dialog: QInputDialog | None = None

    def register(self, entry: StoreEntry) -> None:
        session = self.view.ctx.session
        if not supports_webhooks(entry):
            self.view.detail.say(entry.name, "Webhooks are for Shopify and WooCommerce stores.")
            return
        if entry.platform == "shopify" and not session.stores.secrets(entry).get("client_secret"):
            self._ask_client_secret(entry)
            return
        self._start(entry, None)

    def _ask_client_secret(self, entry: StoreEntry) -> None:
        dialog = QInputDialog(self.view)
        dialog.setWindowTitle("Shopify app's client secret")
        dialog.setLabelText(
            "Shopify signs webhooks with your app's client secret (Dev Dashboard → your "
            "app → Settings → Client secret). It is kept encrypted on this computer and "
            "published to your relay."
        )
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.textValueSelected.connect(
            lambda text: self._start(entry, text.strip()) if text.strip() else None
        )
        self.dialog = dialog
        dialog.open()

    def _start(self, entry: StoreEntry, client_secret: str | None) -> None:
        self.dialog = None
        self.view.ctx.spawn(self._register(entry, client_secret), what=f"Webhooks for {entry.name}")

    async def _register(self, entry: StoreEntry, client_secret: str | None) -> None:
        ctx, detail = self.view.ctx, self.view.detail
        link, client = ctx.relay_link(), ctx.relay_client()
        if link is None or client is None:
            detail.say(entry.name, NOT_PAIRED, failed=True)
            return
        detail.say(entry.name, "Publishing the webhook secret and subscribing the store…")
        try:
            report = await store_webhooks.register(
                ctx.session, entry, client, link, client_secret=client_secret
            )
        except Exception as error:
            detail.say(entry.name, sentence_for(error), failed=True)
            return
        notes = "".join(f"\nNote: {note}" for note in report.notes)
        detail.say(entry.name, report.summary() + notes)
        ctx.stores_changed.emit()
        ctx.relay_changed.emit()
