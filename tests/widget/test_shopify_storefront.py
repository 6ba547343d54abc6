"""The Shopify app embed in Chromium: a storefront page rendered from the block for a signed-in
customer, with Shopify's app proxy emulated (``/apps/storedesk/…`` forwarded to the relay with
``logged_in_customer_id`` and Shopify's signature). The customer asks for their orders and gets
them without typing an email; a proxy whose signature is wrong leaves them a guest."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import httpx
import pytest

from connectors.shopify.app_proxy import sign_proxy
from tests.relay.process import relay_env
from tests.widget.shopify_block import EXTENSION, render_block
from tests.widget.storefront import Relay, start_relay

if TYPE_CHECKING:
    from playwright.sync_api import Browser

APP_SECRET = "shpss_storefront-test-app-secret"
ALICE_ID = "1"  # alice@example.com in the demo SQL shop


class Storefront(ThreadingHTTPServer):
    """A shop page with the block, its asset, and the app proxy in front of the relay."""

    relay: Relay
    proxy_secret: str = APP_SECRET

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class Handler(BaseHTTPRequestHandler):
    server: Storefront

    def do_GET(self) -> None:
        if self.path == "/":
            block = render_block(
                {"id": int(ALICE_ID), "email": "alice@example.com"},
                assets="/cdn/",
                relay_url=self.server.relay.url.replace("http://", "https://"),
                widget_key=self.server.relay.widget_key,
            ).replace("https://127.0.0.1", "http://127.0.0.1")  # the test relay has no TLS
            page = f"<!doctype html><html><body><h1>Northwind Coffee</h1>{block}</body></html>"
            self._send(200, "text/html", page.encode())
        elif self.path == "/cdn/storedesk-identity.js":
            script = (EXTENSION / "assets" / "storedesk-identity.js").read_bytes()
            self._send(200, "text/javascript", script)
        elif self.path.startswith("/apps/storedesk/identity"):
            query = {
                "shop": "northwind.myshopify.com",
                "logged_in_customer_id": ALICE_ID,
                "path_prefix": "/apps/storedesk",
                "timestamp": str(int(time.time())),
            }
            query["signature"] = sign_proxy(self.server.proxy_secret.encode(), query.items())
            relay = self.server.relay
            target = f"{relay.url}/v1/shopify/proxy/{relay.widget_key}/identity?{urlencode(query)}"
            answer = httpx.get(target, timeout=10)
            self._send(answer.status_code, "application/json", answer.content)
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def storefront(tmp_path_factory: pytest.TempPathFactory, browser: Browser) -> Iterator[Storefront]:
    pytest.importorskip("liquid", reason="python-liquid is a dev dependency (.[dev])")
    server = Storefront(("127.0.0.1", 0), Handler)
    env = relay_env(STOREDESK_RELAY_SHOPIFY_PROXY_SECRET=APP_SECRET)
    server.relay = start_relay(tmp_path_factory.mktemp("shopify"), server.url, env)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        server.relay.process.kill()


def ask_for_orders(browser: Browser, storefront: Storefront, screenshot: Path | None) -> int:
    """Open the storefront, ask for my orders; how many order cards the bot showed."""
    from tests.widget.page import Widget

    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        with page.expect_response(lambda r: "/apps/storedesk/identity" in r.url):
            page.goto(storefront.url + "/")
        widget = Widget(page).open()
        widget.say("Where are my orders?")
        widget.wait_for_more("bot", 1)
        if screenshot is not None:
            page.screenshot(path=str(screenshot))
        return page.locator("[data-part=order-card]").count()
    finally:
        context.close()


def test_a_signed_in_shopify_customer_is_recognised(
    browser: Browser, storefront: Storefront, screenshots: Path
) -> None:
    storefront.proxy_secret = APP_SECRET
    shot = screenshots / "shopify-storefront-widget.png"
    assert ask_for_orders(browser, storefront, shot) >= 1


def test_a_proxy_request_shopify_did_not_sign_leaves_a_guest(
    browser: Browser, storefront: Storefront
) -> None:
    storefront.proxy_secret = "not-the-apps-secret"
    assert ask_for_orders(browser, storefront, None) == 0
