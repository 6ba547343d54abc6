"""What each platform's connect wizard asks for, and where the merchant finds it.

A form turns its fields into the connection's settings (kept in the clear) and secrets
(kept in the vault only): the same keys ``storedesk store add`` stores, so a store
connected here works from the command line and the other way round.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlsplit

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QWidget,
)

from connectors.rest.mapping import ENDPOINTS
from console.commands.store import connection_for_demo
from console.views.store_mapping import MappingEditor, rows_from_toml
from core.demo import demo_mapping_path

Settings = dict[str, Any]
Secrets = dict[str, str]
REST_EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "rest-api.toml"


class Missing(Exception):
    """A field the connection needs is empty or malformed (the message says which)."""


def _line(parent: QWidget, hint: str, *, secret: bool = False) -> QLineEdit:
    field = QLineEdit(parent)
    field.setPlaceholderText(hint)
    if secret:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def _required(field: QLineEdit, what: str) -> str:
    value = field.text().strip()
    if not value:
        raise Missing(f"Enter {what}.")
    return value


def _host(url: str) -> str:
    return urlsplit(url if "//" in url else f"//{url}").hostname or ""


def _name_from(text: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", text.lower()).strip("-") or "store"


class ConnectionForm(QWidget):
    """One platform's fields. ``changed`` fires on every edit (for the live preview)."""

    changed = Signal()
    label: ClassVar[str] = ""
    intro: ClassVar[str] = ""
    previews: ClassVar[bool] = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = QFormLayout(self)
        self.fields.setContentsMargins(0, 0, 0, 0)

    def _watch(self, *fields: QLineEdit) -> None:
        for field in fields:
            field.textChanged.connect(lambda _text: self.changed.emit())

    def connection(self) -> tuple[Settings, Secrets]:
        raise NotImplementedError

    def suggested_name(self) -> str:
        return "store"


class WooCommerceForm(ConnectionForm):
    label = "WooCommerce"
    intro = (
        "Enter the shop's home address (https://shop.example, not the /wp-json one) and "
        "choose <b>Connect with WooCommerce</b>: approve Storedesk in the page that opens and "
        "the keys arrive by themselves (through your relay). Or, in WordPress, open "
        "<b>WooCommerce → Settings → Advanced → REST API</b>, choose <b>Add key</b> with "
        "<b>Read</b> permission and paste the consumer key (ck_…) and secret (cs_…)."
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = _line(self, "https://shop.example")
        self.key = _line(self, "ck_…", secret=True)
        self.secret = _line(self, "cs_…", secret=True)
        self.self_signed = QCheckBox("The shop uses a self-signed certificate", self)
        self.fields.addRow("Shop address", self.url)
        self.fields.addRow("Consumer key", self.key)
        self.fields.addRow("Consumer secret", self.secret)
        self.fields.addRow("", self.self_signed)

    def connection(self) -> tuple[Settings, Secrets]:
        settings: Settings = {"url": _required(self.url, "the shop's address")}
        if self.self_signed.isChecked():
            settings["verify_ssl"] = False
        key = _required(self.key, "the consumer key (ck_…)")
        return settings, {"key": key, "secret": _required(self.secret, "the consumer secret")}

    def suggested_name(self) -> str:
        return _name_from(_host(self.url.text()))


class ShopifyForm(ConnectionForm):
    label = "Shopify"
    intro = (
        "In the Shopify <b>Dev Dashboard</b>, create an app, give its version these Admin API "
        "scopes and install it on your store:<br>"
        "• <b>read_orders</b> — orders, their fulfillments and tracking numbers<br>"
        "• <b>read_customers</b> — customers' names, emails and phones<br>"
        "• <b>read_products</b> — prices and stock for the bot's product answers<br>"
        "• <i>read_all_orders</i> (optional) — orders older than 60 days<br>"
        "Then paste the app's <b>client ID</b> and <b>client secret</b> (app → Settings); "
        "Storedesk gets and renews its access tokens itself. A store connected before 2026 "
        "with an Admin API access token (shpat_…) can keep using it."
    )
    WAYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("client_credentials", "Dev Dashboard app (client ID + secret)"),
        ("token", "Admin API access token (shpat_…, legacy custom app)"),
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.shop = _line(self, "my-shop.myshopify.com")
        self.way = QComboBox(self)
        for value, text in self.WAYS:
            self.way.addItem(text, value)
        self.client_id = _line(self, "the app's client ID")
        self.client_secret = _line(self, "the app's client secret", secret=True)
        self.token = _line(self, "shpat_…", secret=True)
        self.api_version = _line(self, "default: the current stable version")
        self.base_url = _line(self, "only for a proxy: https://…")
        self.fields.addRow("Shop domain", self.shop)
        self.fields.addRow("Connect with", self.way)
        self.fields.addRow("Client ID", self.client_id)
        self.fields.addRow("Client secret", self.client_secret)
        self.fields.addRow("Admin API access token", self.token)
        self.fields.addRow("API version", self.api_version)
        self.fields.addRow("API address", self.base_url)
        self.way.currentIndexChanged.connect(lambda _index: self._show_way())
        self._show_way()

    def uses_token(self) -> bool:
        return bool(self.way.currentData() == "token")

    def _show_way(self) -> None:
        legacy = self.uses_token()
        self.fields.setRowVisible(self.client_id, not legacy)
        self.fields.setRowVisible(self.client_secret, not legacy)
        self.fields.setRowVisible(self.token, legacy)
        self.changed.emit()

    def connection(self) -> tuple[Settings, Secrets]:
        settings: Settings = {"shop": _required(self.shop, "the shop's myshopify.com domain")}
        for key, field in (("api_version", self.api_version), ("base_url", self.base_url)):
            if field.text().strip():
                settings[key] = field.text().strip()
        if self.uses_token():
            return settings, {"token": _required(self.token, "the Admin API access token")}
        settings["auth"] = "client_credentials"
        settings["client_id"] = _required(self.client_id, "the app's client ID")
        return settings, {"client_secret": _required(self.client_secret, "the client secret")}

    def suggested_name(self) -> str:
        return _name_from(self.shop.text().strip().split(".")[0])


class SqlForm(ConnectionForm):
    label = "SQL database"
    previews = True
    intro = (
        "Storedesk reads your own MySQL/MariaDB, PostgreSQL or SQLite database, read-only: "
        "create a database user that may only read. Then say which tables and columns hold "
        "your orders, customers and products (the demo shop's mapping is filled in as an "
        "example: edit it to match your tables)."
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = _line(self, "postgresql://reader:password@db.example/shop", secret=True)
        self.mapping = MappingEditor(self)
        self.mapping.set_rows(rows_from_toml(demo_mapping_path().read_text(encoding="utf-8")))
        demo = QPushButton("Use the demo shop", self)
        demo.clicked.connect(self.use_demo)
        self.fields.addRow("Database URL", self.url)
        self.fields.addRow("", demo)
        self.fields.addRow(QLabel("Tables and columns", self))
        self.fields.addRow(self.mapping)
        self._watch(self.url)
        self.mapping.changed.connect(self.changed.emit)

    def use_demo(self, _checked: bool = False) -> None:
        settings, secrets = connection_for_demo()
        self.url.setText(secrets["url"])
        self.mapping.set_rows(rows_from_toml(settings["mapping_toml"]))

    def connection(self) -> tuple[Settings, Secrets]:
        url = _required(self.url, "the database URL")
        mapping = self.mapping.toml()
        if "[orders]" not in mapping:
            raise Missing("Map at least the orders table (section orders, field table).")
        return {"mapping_toml": mapping}, {"url": url}

    def suggested_name(self) -> str:
        path = urlsplit(self.url.text().strip()).path.rsplit("/", 1)[-1]
        return _name_from(path.removesuffix(".sqlite").removesuffix(".db") or "database")


class RestForm(ConnectionForm):
    label = "REST API"
    previews = True
    intro = (
        "Storedesk reads your own shop API: give its address and key, the endpoint templates "
        "({number}, {email}, {id}, {since}, {cursor} are filled in) and where each field sits "
        "in the replies. The example below is a complete mapping to start from."
    )

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.url = _line(self, "https://api.example.com")
        self.key = _line(self, "API key or bearer token (empty if none)", secret=True)
        self.endpoints = EndpointsEditor(self)
        self.mapping = QPlainTextEdit(self)
        self.mapping.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.endpoints, "Endpoints")
        self.tabs.addTab(self.mapping, "Field mapping (TOML)")
        self.fields.addRow("API address", self.url)
        self.fields.addRow("API key", self.key)
        self.fields.addRow(self.tabs)
        if REST_EXAMPLE.is_file():
            self.set_toml(REST_EXAMPLE.read_text(encoding="utf-8"))
        self._watch(self.url, self.key, *self.endpoints.templates.values())
        self.mapping.textChanged.connect(self.changed.emit)

    def set_toml(self, text: str) -> None:
        found, rest = split_endpoints(text)
        self.endpoints.set_templates(found)
        self.mapping.setPlainText(rest)

    def toml(self) -> str:
        filled = self.endpoints.filled().items()
        lines = [f"{name} = {json.dumps(template)}" for name, template in filled]
        return self.mapping.toPlainText().rstrip() + "\n\n[endpoints]\n" + "\n".join(lines) + "\n"

    def connection(self) -> tuple[Settings, Secrets]:
        url = _required(self.url, "the API's address")
        if not self.endpoints.filled():
            raise Missing("Fill in at least the order_by_number endpoint.")
        key = self.key.text().strip()
        return {"url": url, "mapping_toml": self.toml()}, ({"key": key} if key else {})

    def suggested_name(self) -> str:
        return _name_from(_host(self.url.text()))


class EndpointsEditor(QWidget):
    """One line per endpoint the REST connector knows; empty ones are left out."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.templates: dict[str, QLineEdit] = {}
        for name, values in ENDPOINTS.items():
            hint = " ".join(f"{{{v}}}" for v in sorted(values)) or "a path to try the key on"
            field = _line(self, hint)
            self.templates[name] = field
            form.addRow(name, field)

    def set_templates(self, found: dict[str, str]) -> None:
        for name, field in self.templates.items():
            field.setText(found.get(name, ""))

    def filled(self) -> dict[str, str]:
        return {n: f.text().strip() for n, f in self.templates.items() if f.text().strip()}


_SECTION = re.compile(r"^\s*\[([^\]]+)\]")
_ENTRY = re.compile(r'^\s*([A-Za-z_]+)\s*=\s*"([^"]*)"')


def split_endpoints(text: str) -> tuple[dict[str, str], str]:
    """The [endpoints] templates of a REST mapping, and the mapping without that section."""
    found: dict[str, str] = {}
    kept: list[str] = []
    inside = False
    for line in text.splitlines():
        header = _SECTION.match(line)
        if header:
            inside = header.group(1).strip() == "endpoints"
        entry = _ENTRY.match(line) if inside else None
        if entry:
            found[entry.group(1)] = entry.group(2)
        if not inside:
            kept.append(line)
    return found, "\n".join(kept).strip() + "\n"


FORMS: dict[str, type[ConnectionForm]] = {
    "shopify": ShopifyForm,
    "woocommerce": WooCommerceForm,
    "sql": SqlForm,
    "rest": RestForm,
}
