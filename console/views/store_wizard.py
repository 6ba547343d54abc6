"""Connecting a store: one dialog per platform, saying where each credential comes from.

Every wizard tests the connection before anything is saved (``CliSession.test_connection``)
and explains a failure in the merchant's words (the connector's hint, through
``sentence_for``). Credentials go to the vault only (``StoreRepository.add``); they are
never logged or shown again. The SQL and REST wizards preview the orders their mapping
reads, live as the mapping is edited.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from connectors import registry
from connectors.base import ConnectorContext
from connectors.http import make_client
from console.context import ConsoleContext
from console.errors import sentence_for
from console.models.rows import RowsModel
from console.plural import plural
from console.views.clients import client_choices
from console.views.store_forms import FORMS, ConnectionForm, Missing
from console.views.store_mapping import PREVIEW_COLUMNS
from core.records import Order

PLATFORMS = ("shopify", "woocommerce", "sql", "rest")
PREVIEW_ROWS = 20
PREVIEW_PAUSE_MS = 800


async def preview_orders(
    platform: str, settings: Mapping[str, Any], secrets: Mapping[str, str]
) -> list[Order]:
    """Test the connection, then read the first orders the mapping gives (nothing stored)."""
    verify = settings.get("verify_ssl", True) is not False
    async with make_client(verify=verify) as http:
        connector = registry.build(platform, settings, secrets, ConnectorContext(http=http))
        try:
            await connector.test()
            pages = connector.changed_orders(None)
            try:
                async for page in pages:
                    return list(page.records[:PREVIEW_ROWS])
            finally:
                close = getattr(pages, "aclose", None)
                if close is not None:
                    await close()
            return []
        finally:
            await connector.aclose()


class StoreWizard(QDialog):
    """Connect one store of ``platform``; ``saved(name)`` once it is tested and saved."""

    saved = Signal(str)

    def __init__(self, ctx: ConsoleContext, platform: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.platform = platform
        self.form: ConnectionForm = FORMS[platform](self)
        self.setWindowTitle(f"Connect {self.form.label}")
        self.name = QLineEdit(self)
        self.name.setPlaceholderText("A short name, e.g. my-shop (optional)")
        self.client = QComboBox(self)  # agency mode: shown only when clients exist
        self.client.setObjectName("storeClient")
        clients = ctx.clients.list()
        client_choices(self.client, clients, ctx.client_id)
        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.working = QLabel(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.connect_button = self.buttons.addButton(
            "Test and connect", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.accepted.connect(self.test_and_save)
        self.buttons.rejected.connect(self.reject)
        self.preview: _Preview | None = None
        self._task: asyncio.Task[Any] | None = None
        self._layout()
        self.resize(760, 640 if self.form.previews else 440)

    def _layout(self) -> None:
        intro = QLabel(self.form.intro, self)
        intro.setWordWrap(True)
        intro.setOpenExternalLinks(True)
        top = QFormLayout()
        top.addRow("Name in Storedesk", self.name)
        if self.client.count() > 1:
            top.addRow("Client", self.client)
        else:
            self.client.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.form, 1 if self.form.previews else 0)
        if not self.form.previews:
            layout.addStretch(1)
        if self.platform == "woocommerce":
            layout.addWidget(self._woo_connect())
        if self.form.previews:
            self.preview = _Preview(self)
            self.form.changed.connect(self.preview.later)
            layout.addWidget(self.preview, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.working)
        layout.addWidget(self.buttons)
        self.error.hide()

    def _woo_connect(self) -> QWidget:
        from console.views.store_forms import WooCommerceForm
        from console.views.woo_connect import WooConnectPanel

        form = self.form
        assert isinstance(form, WooCommerceForm)
        self.woo_connect = WooConnectPanel(self.ctx, form.url.text, self)

        def got(key: str, secret: str) -> None:
            form.key.setText(key)
            form.secret.setText(secret)
            self.test_and_save()

        self.woo_connect.keys.connect(got)
        return self.woo_connect

    # --- test, then save ----------------------------------------------------------------
    def test_and_save(self) -> None:
        if self._task is not None and not self._task.done():
            return
        try:
            settings, secrets = self.form.connection()
        except Missing as missing:
            self.show_error(str(missing))
            return
        name = self.name.text().strip() or self.form.suggested_name()
        if self.ctx.session.stores.get(name) is not None:
            self.show_error(f"A store named {name!r} is already connected; choose another name.")
            return
        self._task = self.ctx.spawn(self._test_and_save(name, settings, secrets), what="Connecting")

    async def _test_and_save(
        self, name: str, settings: Mapping[str, Any], secrets: Mapping[str, str]
    ) -> None:
        self._busy(f"Testing the connection to {self.form.label}…")
        try:
            info = await self.ctx.session.test_connection(self.platform, settings, secrets)
            client = self.client.currentData()
            self.ctx.session.stores.add(
                name,
                self.platform,
                settings,
                secrets,
                client_id=client if isinstance(client, int) else None,
            )
        except Exception as error:  # any failure is a sentence here; nothing was saved
            self._busy("")
            self.show_error(f"{sentence_for(error)} Nothing was saved.")
            return
        notes = "".join(f" Note: {line}" for line in info.warnings)
        self.ctx.status.emit(f"Connected to {info.name} as {name!r}.{notes}")
        self.ctx.stores_changed.emit()
        self.saved.emit(name)
        self.accept()

    def _busy(self, text: str) -> None:
        self.working.setText(text)
        self.connect_button.setEnabled(not text)
        if text:
            self.error.hide()

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def done(self, result: int) -> None:
        if (
            self._task is not None
            and not self._task.done()
            and result != QDialog.DialogCode.Accepted
        ):
            self._task.cancel()
        if self.preview is not None:
            self.preview.stop()
        panel = getattr(self, "woo_connect", None)
        if panel is not None:
            panel.cancel()
        super().done(result)


class _Preview(QGroupBox):
    """The first orders the mapping reads, refreshed once editing pauses."""

    def __init__(self, wizard: StoreWizard) -> None:
        super().__init__("Preview of mapped orders", wizard)
        self.wizard = wizard
        self.model = RowsModel(PREVIEW_COLUMNS, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel("Fill in the connection to see the first orders it maps.", self)
        self.status.setWordWrap(True)
        self._pause = QTimer(self, singleShot=True, interval=PREVIEW_PAUSE_MS)
        self._pause.timeout.connect(self.now)
        self._task: asyncio.Task[Any] | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)

    def later(self) -> None:
        self._pause.start()

    def stop(self) -> None:
        self._pause.stop()
        if self._task is not None:
            self._task.cancel()

    def now(self) -> None:
        try:
            settings, secrets = self.wizard.form.connection()
        except Missing as missing:
            self.status.setText(str(missing))
            return
        if self._task is not None:
            self._task.cancel()
        self.status.setText("Reading the first orders…")
        work = self._show(settings, secrets)
        self._task = self.wizard.ctx.spawn(work, what="Previewing the mapping")

    async def _show(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        try:
            orders = await preview_orders(self.wizard.platform, settings, secrets)
        except Exception as error:
            self.model.set_rows([])
            self.status.setText(sentence_for(error))
            return
        self.model.set_rows(orders)
        self.status.setText(
            f"The first {plural(len(orders), 'order')} as Storedesk reads them."
            if orders
            else "The mapping reads no orders yet."
        )
