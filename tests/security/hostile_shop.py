"""A shop whose every text is hostile: a copy of the demo SQL shop where order 1001's items,
carriers and tracking links are the XSS payloads, a widget whose knowledge answers and
suggestions are payloads, and a signed console (synchronous, for the browser tests) that
publishes it to a relay and replies as an agent with hostile text and cards."""

from __future__ import annotations

import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import orjson
from aiohttp import web

from core import signing
from core.demo import demo_database_path, demo_mapping_path
from relay.app import create_app
from relay.keys import SETTINGS, STORE
from relay.services.pairing import issue_code
from relay.settings import Settings
from tests.relay.live import LiveRelay
from tests.relay.process import free_port
from tests.security.payloads import xss_payloads

WIDGET_KEY = "wk_hostile_shop_0001"
ORDER, EMAIL = "1001", "alice@example.com"
SAFE_TRACKING = "https://tracking.example.com/parcel/SAFE-1"
LOCAL_TRACKING = "http://127.0.0.1:9/parcel/LOCAL-1"
BATCH = 25
# one knowledge entry per batch of payloads, asked for by its animal
ANIMALS = ("aardvark", "buffalo", "chameleon", "dolphin", "echidna", "flamingo", "gazelle",
           "hedgehog", "iguana", "jaguar", "koala", "lemur")  # fmt: skip


def batches(size: int = BATCH) -> list[tuple[str, ...]]:
    payloads = xss_payloads()
    return [payloads[i : i + size] for i in range(0, len(payloads), size)]


def hostile_database(folder: Path) -> Path:
    """The demo shop with order 1001 made of payloads: one item and one parcel (carrier,
    number and tracking link) per payload, plus a safe https and a local http parcel."""
    path = folder / "hostile-shop.sqlite"
    shutil.copyfile(demo_database_path(), path)
    with sqlite3.connect(path) as db:
        (order_id,) = db.execute("SELECT id FROM orders WHERE number = ?", (ORDER,)).fetchone()
        db.execute("DELETE FROM order_items WHERE order_id = ?", (order_id,))
        db.execute("DELETE FROM shipments WHERE order_id = ?", (order_id,))
        for i, payload in enumerate(xss_payloads()):
            db.execute(
                "INSERT INTO order_items (order_id, sku, product_name, quantity, unit_price)"
                " VALUES (?, ?, ?, 1, '1.00')",
                (order_id, f"X-{i}", payload),
            )
            db.execute(
                "INSERT INTO shipments (order_id, carrier, tracking_number, tracking_url,"
                " shipped_at) VALUES (?, ?, ?, ?, '2025-05-30T10:00:00Z')",
                (order_id, payload, f"T{i}", payload),
            )
        for carrier, number, url in (
            ("Safe", "SAFE-1", SAFE_TRACKING),
            ("Local", "L-1", LOCAL_TRACKING),
        ):
            db.execute(
                "INSERT INTO shipments (order_id, carrier, tracking_number, tracking_url,"
                " shipped_at) VALUES (?, ?, ?, ?, '2025-05-30T10:00:00Z')",
                (order_id, carrier, number, url),
            )
    return path


def hostile_bundle(database: Path, origin: str) -> dict[str, Any]:
    knowledge = [
        {
            "id": f"kb-hostile-{n}",
            "question": f"Tell me about the {animal}",
            "answer": "\n".join(batch),
            "keywords": [animal],
        }
        for n, (batch, animal) in enumerate(zip(batches(), ANIMALS, strict=False))
    ]
    widget = {
        "key": WIDGET_KEY,
        "name": "Hostile shop",
        "store": "hostile",
        "config": {
            "allowed_origins": [origin],
            "suggestions": [p[:80] for p in xss_payloads()[:6]],
        },
        "knowledge": knowledge,
    }
    store = {
        "id": "hostile",
        "platform": "sql",
        "settings": {"mapping_toml": demo_mapping_path().read_text(encoding="utf-8")},
        "secrets": {"url": f"sqlite:///{database}"},
    }
    return {"stores": [store], "widgets": [widget]}


def hostile_card() -> dict[str, Any]:
    """An agent's order card made of payloads (a console is trusted, but not its data)."""
    payloads = xss_payloads()
    return {
        "type": "order",
        "number": payloads[0],
        "status": "shipped",
        "status_label": payloads[1],
        "total": "1.00",
        "currency": "EUR",
        "items": [{"name": p, "quantity": 1, "price": "1.00"} for p in payloads[:20]],
        "tracking": [{"carrier": p, "number": "N", "url": p} for p in payloads if "script" in p],
        "status_url": "javascript:window.__xss=1",
    }


class PortRelay(LiveRelay):
    """A live relay (its own loop, in a thread) on a port chosen before the app is built,
    so that its demo page can name its own address."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        settings = Settings(
            data_dir=folder,
            relay_key=b"s" * 32,
            port=self.port,
            demo_pages=True,
            ip_requests_per_minute=0,
            ip_burst=0,
        )
        super().__init__(create_app(settings))

    def start(self) -> None:
        self._thread.start()

        async def up() -> None:
            await self._runner.setup()
            await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
            self.base_url = f"http://127.0.0.1:{self.port}"

        self.run(up)

    def pairing_code(self) -> str:
        app = self.app
        settings = app[SETTINGS]
        return self.run(lambda: issue_code(app[STORE], settings.relay_key, settings.now()))


class SignedConsole:
    """A paired console speaking the signed console API, synchronously."""

    def __init__(self, base_url: str) -> None:
        self.private_key = signing.new_private_key()
        self.http = httpx.Client(base_url=base_url, timeout=30)

    def pair(self, code: str) -> SignedConsole:
        public = signing.b64(signing.public_key_of(self.private_key))
        body = {"code": code, "public_key": public, "name": "Security tests"}
        response = self.http.post("/v1/console/pair", json=body)
        assert response.status_code == 201, response.text
        return self

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        raw = b"" if body is None else orjson.dumps(body)
        headers = signing.sign_headers(
            self.private_key, method, path, raw, timestamp=int(time.time())
        )
        if raw:
            headers["Content-Type"] = "application/json"
        response = self.http.request(method, path, content=raw, headers=headers)
        return response.status_code, response.json()

    def close(self) -> None:
        self.http.close()
