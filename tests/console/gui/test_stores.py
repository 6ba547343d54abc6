"""The Stores screen: connect a store through its wizard, sync it with progress, cancel a
sync, disconnect a store, and browse what was synced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from connectors.rest.mapping import load_mapping
from console.context import ConsoleContext
from console.views.store_browsers import CustomersBrowser, OrdersBrowser
from console.views.store_forms import RestForm, ShopifyForm, SqlForm, WooCommerceForm
from console.views.stores import StoresView
from core.workspace.models import StoreRow
from tests.console.conftest import Served
from tests.console.gui.helpers import Shot, pair_with, wait_until
from tests.emulators import woocommerce
from tests.emulators.woocommerce import DEFAULT_KEY
from tests.relay.live import LiveRelay


@pytest.fixture
def big_woo() -> Iterator[Any]:
    """A WooCommerce shop with a few thousand orders: a sync long enough to cancel."""
    served = Served(lambda: woocommerce.running(woocommerce.ShopState.seeded(3000)))
    yield served.value
    served.close()


def _view(ctx: ConsoleContext) -> StoresView:
    view = StoresView(ctx)
    view.resize(1100, 760)
    view.show()
    return view


def _fill_woo(view: StoresView, url: str, secret: str) -> Any:
    wizard = view.open_wizard("woocommerce")
    form = wizard.form
    assert isinstance(form, WooCommerceForm)
    wizard.name.setText("woo")
    form.url.setText(url)
    form.key.setText(DEFAULT_KEY.key)
    form.secret.setText(secret)
    return wizard


def _add_woo(ctx: ConsoleContext, url: str) -> Any:
    secrets = {"key": DEFAULT_KEY.key, "secret": DEFAULT_KEY.secret}
    return ctx.session.stores.add("woo", "woocommerce", {"url": url}, secrets)


async def test_connect_woocommerce_through_the_wizard_then_sync_with_progress(
    ctx: ConsoleContext, woo: Any, screenshot: Shot
) -> None:
    view = _view(ctx)
    assert view.empty.isVisible()
    wizard = _fill_woo(view, woo.url, DEFAULT_KEY.secret)
    assert "WooCommerce → Settings → Advanced → REST API" in wizard.form.intro
    screenshot(wizard, "store-wizard")
    wizard.connect_button.click()
    await wait_until(lambda: not wizard.isVisible())
    entry = ctx.session.stores.get("woo")
    assert entry is not None
    assert ctx.session.stores.secrets(entry)["secret"] == DEFAULT_KEY.secret
    assert view.selected() == entry

    seen: list[tuple[str, str, int, int]] = []
    shown: list[str] = []

    def progress(*state: Any) -> None:
        seen.append(state)
        if view.detail.progress.isVisible():
            shown.append(view.detail.phase.text())

    ctx.sync_state.connect(progress)
    view.detail.sync_button.click()
    await wait_until(lambda: "Synced" in view.detail.message.text(), timeout=30)
    assert {"customers", "orders", "products"} <= {phase for _n, phase, _d, _t in seen}
    assert seen[-1][:2] == ("woo", "done")
    assert any(text.startswith("Orders: ") for text in shown)  # the bar said what it did
    assert not view.detail.progress.isVisible()

    synced = ctx.session.stores.get("woo")
    assert synced is not None and synced.orders > 0
    assert view.stores.row(0).orders == synced.orders  # the list shows the new counts
    orders = view.detail.tabs.widget(0)
    assert isinstance(orders, OrdersBrowser)
    assert orders.model.rowCount() == synced.orders
    screenshot(view, "stores")

    customers = view.detail.tabs.widget(1)
    assert isinstance(customers, CustomersBrowser)
    customers.search.setText("alice@example")
    await wait_until(lambda: customers.model.rowCount() == 1)
    customers.table.selectRow(0)
    panel_orders = customers.panel.orders
    assert panel_orders is not None and panel_orders.model.rowCount() > 0
    emails = {
        panel_orders.model.record(r).customer_email for r in range(panel_orders.model.rowCount())
    }
    assert {e.lower() for e in emails if e} == {"alice@example.test"}
    view.detail.tabs.setCurrentIndex(0)
    orders.resize(1000, 600)
    screenshot(orders, "orders")


async def test_a_wrong_secret_is_explained_and_nothing_is_saved(
    ctx: ConsoleContext, woo: Any, caplog: pytest.LogCaptureFixture
) -> None:
    view = _view(ctx)
    wrong = "cs_" + "0" * 40
    wizard = _fill_woo(view, woo.url, wrong)
    wizard.connect_button.click()
    await wait_until(lambda: wizard.error.isVisible(), timeout=15)
    text = wizard.error.text()
    assert "Nothing was saved." in text
    assert "REST API" in text  # says where to check the keys
    assert wrong not in text
    assert wizard.isVisible()  # the merchant can correct it and try again
    assert ctx.session.stores.list() == []
    assert wrong not in caplog.text


async def test_the_sql_wizard_previews_mapped_orders_then_connects(
    ctx: ConsoleContext, screenshot: Shot
) -> None:
    view = _view(ctx)
    wizard = view.open_wizard("sql")
    form = wizard.form
    assert isinstance(form, SqlForm)
    form.use_demo()
    preview = wizard.preview
    assert preview is not None
    await wait_until(lambda: preview.model.rowCount() > 0, timeout=15)
    assert preview.model.row(0).number  # real orders, read through the mapping
    screenshot(wizard, "store-wizard-sql")

    form.mapping.table.item(0, 2).setText("no_such_table")  # [customers] table
    await wait_until(lambda: "no_such_table" in preview.status.text(), timeout=15)
    assert preview.model.rowCount() == 0
    form.use_demo()
    wizard.name.setText("demo")
    wizard.connect_button.click()
    await wait_until(lambda: ctx.session.stores.get("demo") is not None, timeout=15)
    assert view.selected() is not None and view.selected().name == "demo"


async def test_a_missing_field_is_named_before_anything_is_tried(ctx: ConsoleContext) -> None:
    view = _view(ctx)
    wizard = _fill_woo(view, "https://shop.example", "")
    wizard.connect_button.click()
    assert wizard.error.text() == "Enter the consumer secret."
    assert ctx.session.stores.list() == []


async def test_cancel_a_sync_keeps_what_was_stored(ctx: ConsoleContext, big_woo: Any) -> None:
    _add_woo(ctx, big_woo.url)
    view = _view(ctx)
    started: list[int] = []
    ctx.sync_state.connect(lambda _n, phase, done, _t: started.append(done) if done else None)
    view.detail.sync_button.click()
    await wait_until(lambda: bool(started), timeout=30)
    assert view.detail.cancel_button.isVisible()
    view.detail.cancel_button.click()
    await wait_until(lambda: "Sync cancelled" in view.detail.message.text(), timeout=30)
    entry = ctx.session.stores.get("woo")
    assert entry is not None and entry.orders < 3000
    assert [run.status for run in ctx.session.stores.sync_runs(entry)] == ["cancelled"]
    assert view.detail.sync_button.isEnabled()


async def test_disconnect_asks_first_then_erases_the_credentials(
    ctx: ConsoleContext, woo: Any
) -> None:
    _add_woo(ctx, woo.url)
    view = _view(ctx)
    view.detail.disconnect_button.click()
    box = view.confirmation
    assert box is not None and box.isVisible()
    assert "erased" in box.informativeText()
    box.button(QMessageBox.StandardButton.Cancel).click()
    await wait_until(lambda: view.confirmation is None)
    assert ctx.session.stores.get("woo") is not None

    view.detail.disconnect_button.click()
    box = view.confirmation
    assert box is not None
    erase = next(b for b in box.buttons() if b.text() == "Disconnect and erase")
    erase.click()
    await wait_until(lambda: ctx.session.stores.get("woo") is None)
    with ctx.session.workspace.session() as session:
        assert session.scalars(select(StoreRow)).all() == []
    assert view.empty.isVisible()
    assert DEFAULT_KEY.secret.encode() not in ctx.session.workspace.path.read_bytes()


async def test_the_rest_wizard_edits_endpoints_beside_the_mapping(ctx: ConsoleContext) -> None:
    view = _view(ctx)
    wizard = view.open_wizard("rest")
    form = wizard.form
    assert isinstance(form, RestForm)
    assert form.endpoints.templates["order_by_number"].text() == "/api/orders/{number}"
    form.url.setText("https://api.example.com")
    form.key.setText("k-123")
    form.endpoints.templates["order_by_number"].setText("/v2/orders/{number}")
    settings, secrets = form.connection()
    mapping = load_mapping(settings["mapping_toml"])
    assert mapping.endpoints["order_by_number"] == "/v2/orders/{number}"
    assert secrets == {"key": "k-123"}


async def test_the_shopify_wizard_connects_a_dev_dashboard_app_by_default(
    ctx: ConsoleContext, shop_state: Any, shopify_url: str, screenshot: Shot
) -> None:
    view = _view(ctx)
    wizard = view.open_wizard("shopify")
    form = wizard.form
    assert isinstance(form, ShopifyForm)
    assert not form.uses_token() and "Dev Dashboard" in form.intro
    assert form.client_secret.isVisible() and not form.token.isVisible()
    form.way.setCurrentIndex(1)  # the legacy admin token is still offered
    assert form.token.isVisible() and not form.client_id.isVisible()
    form.way.setCurrentIndex(0)
    wizard.name.setText("sh")
    form.shop.setText(shop_state.domain)
    form.base_url.setText(shopify_url)
    form.client_id.setText(shop_state.oauth.client_id)
    form.client_secret.setText(shop_state.oauth.client_secret)
    screenshot(wizard, "store-wizard-shopify")
    wizard.connect_button.click()
    await wait_until(lambda: not wizard.isVisible(), timeout=15)
    entry = ctx.session.stores.get("sh")
    assert entry is not None and entry.settings["auth"] == "client_credentials"
    assert ctx.session.stores.secrets(entry) == {"client_secret": shop_state.oauth.client_secret}
    assert shop_state.oauth.grants == ["client_credentials"]


async def test_connect_with_woocommerce_needs_no_keys_copied(
    ctx: ConsoleContext, woo: Any, relay: LiveRelay, screenshot: Shot
) -> None:
    woo.state.insecure_callbacks = True  # the test relay is on plain http
    view = _view(ctx)
    wizard = view.open_wizard("woocommerce")
    panel = wizard.woo_connect
    panel.connect_button.click()
    assert "Enter the shop's address" in panel.state.text()
    wizard.form.url.setText(woo.url)
    panel.connect_button.click()
    assert "Pair with your relay first" in panel.state.text()

    await pair_with(ctx, relay)
    opened: list[str] = []

    def approve(url: str) -> None:  # the merchant's browser, approving at once
        opened.append(url)
        httpx.get(url, follow_redirects=True, timeout=30)

    panel.open_url = approve
    wizard.name.setText("woo")
    panel.read_write.setChecked(True)  # the shop's webhooks will be created with this key
    panel.connect_button.click()
    await wait_until(lambda: not wizard.isVisible(), timeout=20)
    assert "/wc-auth/v1/authorize?" in opened[0] and "scope=read_write" in opened[0]
    entry = ctx.session.stores.get("woo")
    assert entry is not None
    key = ctx.session.stores.secrets(entry)["key"]
    assert woo.state.keys[key].permissions == "read_write"


async def test_waiting_for_woocommerce_can_be_cancelled(
    ctx: ConsoleContext, woo: Any, relay: LiveRelay
) -> None:
    await pair_with(ctx, relay)
    view = _view(ctx)
    wizard = view.open_wizard("woocommerce")
    panel = wizard.woo_connect
    panel.open_url = lambda url: None  # the merchant never approves
    wizard.form.url.setText(woo.url)
    panel.connect_button.click()
    await wait_until(lambda: "Approve Storedesk" in panel.state.text())
    assert panel.cancel_button.isVisible()
    panel.cancel_button.click()
    await wait_until(lambda: panel.state.text() == "Cancelled.")
    assert panel.connect_button.isEnabled() and not panel.cancel_button.isVisible()
    assert ctx.session.stores.list() == []
    wizard.reject()
