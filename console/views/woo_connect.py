""" "Connect with WooCommerce" in the WooCommerce wizard: the shop's approval page opens in
the browser, the relay receives the keys WooCommerce generates, and the wizard picks them up
and connects, with no keys to copy. Needs a paired relay the shop can reach."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console import connect_flow
from console.errors import sentence_for

if TYPE_CHECKING:
    from console.context import ConsoleContext


def _open_in_browser(url: str) -> None:
    QDesktopServices.openUrl(QUrl(url))


class WooConnectPanel(QWidget):
    """``keys(consumer_key, consumer_secret)`` once WooCommerce approved Storedesk."""

    keys = Signal(str, str)

    def __init__(
        self,
        ctx: ConsoleContext,
        shop_url: Callable[[], str],
        parent: QWidget | None = None,
        *,
        open_url: Callable[[str], None] = _open_in_browser,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._shop_url = shop_url
        self.open_url = open_url
        self._task: asyncio.Task[Any] | None = None
        self.connect_button = QPushButton("Connect with WooCommerce", self)
        self.cancel_button = QPushButton("Cancel", self)
        self.read_write = QCheckBox(
            "Ask for a Read/Write key (needed for Storedesk to create the shop's webhooks)", self
        )
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.connect_button)
        row.addWidget(self.cancel_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.read_write)
        layout.addWidget(self.state)
        self.cancel_button.hide()
        self.connect_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)

    def waiting(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self.waiting():
            return
        url = self._shop_url().strip().rstrip("/")
        if not url:
            self.state.setText("Enter the shop's address first.")
            return
        client = self.ctx.relay_client()
        if client is None:
            self.state.setText(
                "Pair with your relay first (Settings): WooCommerce sends the keys to it. "
                "Or paste keys below."
            )
            return
        self._task = self.ctx.spawn(self._wait(client, url), what="Connecting to WooCommerce")

    async def _wait(self, client: Any, url: str) -> None:
        self.connect_button.setEnabled(False)
        self.cancel_button.show()
        self.state.setText("Starting…")

        def show(address: str) -> None:
            self.state.setText(
                "Approve Storedesk on the page that opened in your browser; waiting for "
                "WooCommerce…"
            )
            self.open_url(address)

        scope = "read_write" if self.read_write.isChecked() else "read"
        try:
            credentials = await connect_flow.wait_for_credentials(
                client, "woocommerce", {"url": url, "scope": scope}, show=show
            )
        except connect_flow.NotApproved:
            self.state.setText("WooCommerce did not approve in time; try again.")
            return
        except asyncio.CancelledError:
            self.state.setText("Cancelled.")
            raise
        except Exception as error:  # a sentence, never a traceback
            self.state.setText(sentence_for(error))
            return
        finally:
            self.connect_button.setEnabled(True)
            self.cancel_button.hide()
        self.state.setText("WooCommerce approved Storedesk; testing the keys…")
        self.keys.emit(str(credentials["consumer_key"]), str(credentials["consumer_secret"]))

    def cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
