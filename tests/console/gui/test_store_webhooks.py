"""The Stores screen's Webhooks button: a WooCommerce store is subscribed to the paired
relay in one click; a Shopify store asks for the app's client secret first."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QInputDialog

from console.context import ConsoleContext
from console.views.stores import StoresView
from tests.console.conftest import Served
from tests.console.gui.helpers import Shot, pair_with, wait_until
from tests.emulators import shopify
from tests.emulators.shopify_seed import DOMAIN, TOKEN, seeded_shop
from tests.emulators.woocommerce import DEFAULT_KEY
from tests.relay.live import LiveRelay


@pytest.fixture
def shop() -> Iterator[tuple[Any, str]]:
    state = seeded_shop()
    state.webhooks.client_secret = "shpss_from_the_dev_dashboard"
    state.webhooks.allow_loopback_http = True
    served = Served(lambda: shopify.running(state))
    yield state, served.value
    served.close()


def _view(ctx: ConsoleContext) -> StoresView:
    view = StoresView(ctx)
    view.resize(1100, 760)
    view.show()
    return view


async def test_one_click_subscribes_a_woocommerce_store(
    ctx: ConsoleContext, relay: LiveRelay, woo: Any, screenshot: Shot
) -> None:
    await pair_with(ctx, relay)
    secrets = {"key": DEFAULT_KEY.key, "secret": DEFAULT_KEY.secret}
    ctx.session.stores.add("woo", "woocommerce", {"url": woo.url}, secrets)
    view = _view(ctx)
    view.select("woo")
    detail = view.detail
    assert detail.webhooks_button.isVisible()
    detail.webhooks_button.click()
    await wait_until(lambda: "9 created" in detail.message.text(), timeout=15)
    assert len(woo.hooks.hooks) == 9
    assert [s.status for s in woo.hooks.sent] == [200] * 9
    await wait_until(lambda: "webhooks on" in detail.heading.text())
    screenshot(view, "stores-webhooks")


async def test_shopify_asks_for_the_client_secret_once(
    ctx: ConsoleContext, relay: LiveRelay, shop: tuple[Any, str]
) -> None:
    state, url = shop
    await pair_with(ctx, relay)
    settings = {"shop": DOMAIN, "base_url": url, "api_version": "2026-01"}
    entry = ctx.session.stores.add("sh", "shopify", settings, {"token": TOKEN})
    view = _view(ctx)
    view.select("sh")
    view.detail.webhooks_button.click()
    dialog = view.webhooks.dialog
    assert isinstance(dialog, QInputDialog) and dialog.isVisible()
    dialog.setTextValue("shpss_from_the_dev_dashboard")
    dialog.accept()
    await wait_until(lambda: "11 created" in view.detail.message.text(), timeout=15)
    assert "compliance" in view.detail.message.text()
    assert len(state.webhooks.subscriptions) == 11
    stored = ctx.session.stores.secrets(entry)
    assert stored["client_secret"] == "shpss_from_the_dev_dashboard"
