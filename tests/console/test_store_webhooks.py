"""`storedesk store webhooks` end to end: the console seals a webhook secret, publishes it,
subscribes the WooCommerce emulator to the relay (its pings answered); the shop's changes
then reach the relay at once and this workspace at the next pull, without a sync."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from core.workspace import Workspace
from core.workspace.models import ActivityLog, OrderRow, StoreRow, WebhookEvent
from relay.keys import WEBHOOKS
from tests.console.conftest import Cli, Served
from tests.console.test_relay_cli import Relay, running_relay
from tests.emulators import woocommerce
from tests.emulators.shopify_webhooks import order_payload
from tests.emulators.woocommerce_seed import customer_json, order_json, tracking_item


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[Relay]:
    (tmp_path / "relay").mkdir()
    running = Relay(Served(lambda: running_relay(tmp_path / "relay")))
    yield running
    running.served.close()


@pytest.fixture
def woo_served() -> Iterator[Served]:
    served = Served(lambda: woocommerce.running(woocommerce.ShopState.seeded()))
    yield served
    served.close()


def _rows(cli: Cli, model: Any, *where: Any) -> list[Any]:
    workspace = Workspace.open(cli.data_dir)
    try:
        with workspace.session() as session:
            return list(session.scalars(select(model).where(*where)).all())
    finally:
        workspace.close()


def _paired(cli: Cli, relay: Relay, woo: Any) -> None:
    key, secret = woocommerce.DEFAULT_KEY.key, woocommerce.DEFAULT_KEY.secret
    code, _, err = cli("store", "add", "woocommerce", "--name", "woo", "--url", woo.url,
                       "--key", key, "--secret", secret)  # fmt: skip
    assert code == 0, err
    assert cli("sync", "woo")[0] == 0
    code, _, err = cli("relay", "pair", relay.url, relay.pairing_code(), "--name", "pc")
    assert code == 0, err


def test_register_then_changes_arrive_without_a_sync(
    cli: Cli, relay: Relay, woo_served: Served
) -> None:
    woo = woo_served.value
    _paired(cli, relay, woo)
    code, out, err = cli("store", "webhooks", "woo", "--register")
    assert code == 0, err
    assert "9 created, 0 already there" in out
    [store] = _rows(cli, StoreRow)
    hook = store.settings["webhook_key"]
    address = f"{relay.url}/v1/webhooks/woocommerce/{hook}"
    assert {h.delivery_url for h in woo.hooks.hooks.values()} == {address}
    assert [s.status for s in woo.hooks.sent] == [200] * 9  # the relay answered every ping
    assert "9 created" not in cli("store", "webhooks", "woo", "--register")[1]

    state = woo.state
    now = datetime.now(UTC).replace(microsecond=0)
    shipped = dataclasses.replace(
        state.by_id[19], status="completed", modified=now, completed=now,
        tracking=(tracking_item("ups", "1Z999AA10123456784", now),),
    )  # fmt: skip
    state.replace_order(shipped)

    def deliver(topic: str, payload: dict[str, Any]) -> list[int | None]:
        result: list[int | None] = woo_served._call(woo.hooks.deliver(topic, payload, woo.url))
        return result

    assert deliver("order.updated", order_json(shipped, state.catalog, woo.url)) == [200]
    assert deliver("order.deleted", {"id": 20}) == [200]
    alice = next(c for c in state.customers if c.id == 2)
    assert deliver("customer.updated", customer_json(alice, woo.url)) == [200]
    relay.served._call(relay.app[WEBHOOKS].settled())

    code, out, err = cli("relay", "pull")
    assert code == 0, err
    assert "3 store changes from webhooks" in out
    orders = {o.external_id: o for o in _rows(cli, OrderRow)}
    assert orders["19"].status == "completed"
    assert [t["number"] for t in orders["19"].tracking] == ["1Z999AA10123456784"]
    assert "20" not in orders
    kinds = [(e.topic, e.payload["action"]) for e in _rows(cli, WebhookEvent)]
    assert kinds == [
        ("order.updated", "upsert"),
        ("order.deleted", "delete"),
        ("customer.updated", "upsert"),
    ]

    code, out, _ = cli("store", "webhooks", "woo")
    assert code == 0 and out.startswith("9 webhooks on the store.")
    assert "(webhooks on)" in cli("store", "list")[1]
    code, out, _ = cli("store", "webhooks", "woo", "--remove")
    assert code == 0 and out.startswith("Removed 9 webhooks")
    assert woo.hooks.hooks == {}
    # nothing the store itself asked for (redact, data request); the console's own lines
    # (connected, synced) are there
    assert _rows(cli, ActivityLog, ActivityLog.actor == "store") == []


def test_shopify_needs_the_apps_client_secret(cli: Cli, shopify_url: str) -> None:
    code, _, err = cli("store", "add", "shopify", "--name", "sh", "--shop",
                       "storedesk-demo.myshopify.com", "--base-url", shopify_url,
                       "--token", "shpat_emulator0000000000000000000000")  # fmt: skip
    assert code == 0, err
    code, _, err = cli("store", "webhooks", "sh", "--register")
    assert code == 2
    assert "client secret" in err and "--client-secret" in err
    code, _, err = cli("store", "add", "sql", "--name", "demo", "--demo")
    code, _, err = cli("store", "webhooks", "demo", "--register")
    assert code == 2 and "webhooks are for Shopify and WooCommerce" in err


def test_shopify_registers_with_the_apps_client_secret(
    cli: Cli, relay: Relay, shop_state: Any, shopify_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop_state.webhooks.allow_loopback_http = True  # the test relay is plain http
    shop_state.webhooks.client_secret = "shpss_dev_dashboard_secret"
    code, _, err = cli("store", "add", "shopify", "--name", "sh", "--shop",
                       "storedesk-demo.myshopify.com", "--base-url", shopify_url,
                       "--token", "shpat_emulator0000000000000000000000")  # fmt: skip
    assert code == 0, err
    assert cli("relay", "pair", relay.url, relay.pairing_code(), "--name", "pc")[0] == 0
    monkeypatch.setenv("STOREDESK_SHOPIFY_CLIENT_SECRET", "shpss_dev_dashboard_secret")
    code, out, err = cli("store", "webhooks", "sh", "--register")
    assert code == 0, err
    assert "11 created, 0 already there" in out
    assert f"use {relay.url}/v1/webhooks/shopify for them" in out  # the compliance topics
    monkeypatch.delenv("STOREDESK_SHOPIFY_CLIENT_SECRET")

    order = next(o for o in shop_state.orders if o["name"] == "#1004")
    order["displayFinancialStatus"] = "PAID"
    order["updatedAt"] = "2026-12-06T10:00:00Z"
    statuses = asyncio.run(
        shop_state.webhooks.deliver(shop_state, "orders/paid", order_payload(order))
    )
    assert statuses == [200]
    relay.served._call(relay.app[WEBHOOKS].settled())
    code, out, err = cli("relay", "pull")
    assert code == 0 and "1 store change from webhooks" in out, err
    [stored] = _rows(cli, OrderRow, OrderRow.number == "1004")
    assert (stored.status, stored.financial_status) == ("processing", "PAID")
