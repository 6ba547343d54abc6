"""A test console: an Ed25519 key that pairs with a relay and signs its requests."""

from __future__ import annotations

import io
import time
from dataclasses import dataclass, field
from typing import Any

import orjson
from aiohttp.test_utils import TestClient

from core import signing
from relay.keys import SETTINGS, STORE
from relay.services.pairing import issue_code

WIDGET_KEY = "wk_console_test_0001"
ORIGIN = "https://shop.example.com"


def small_bundle(**widget: Any) -> dict[str, Any]:
    """One widget, no store, two knowledge entries."""
    item = {
        "key": WIDGET_KEY,
        "name": "Test shop",
        "store": None,
        "config": {"allowed_origins": [ORIGIN]},
        "knowledge": [
            {
                "id": "kb-returns",
                "question": "What is your return policy?",
                "answer": "Return unused items within 30 days.",
                "keywords": ["return"],
            },
            {
                "id": "kb-hours",
                "question": "When are you open?",
                "answer": "Monday to Friday, 9 to 5.",
                "keywords": ["open", "hours"],
            },
        ],
    } | widget
    return {"stores": [], "widgets": [item]}


async def new_code(client: TestClient) -> str:
    app = client.app
    return await issue_code(app[STORE], app[SETTINGS].relay_key, app[SETTINGS].now())


@dataclass
class Console:
    client: Any  # TestClient, or anything with .request(method, path, data=, headers=)
    private_key: bytes = field(default_factory=signing.new_private_key)
    clock: Any = time.time

    @property
    def public_key(self) -> bytes:
        return signing.public_key_of(self.private_key)

    async def pair(self, code: str, name: str = "Test console") -> tuple[int, Any]:
        body = {"code": code, "public_key": signing.b64(self.public_key), "name": name}
        response = await self.client.post("/v1/console/pair", json=body)
        return response.status, await response.json()

    def headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        headers = signing.sign_headers(
            self.private_key, method, path, body, timestamp=int(self.clock())
        )
        if body:
            headers["Content-Type"] = "application/json"
        return headers

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        raw = b"" if body is None else orjson.dumps(body)
        data: Any = io.BytesIO(raw) if len(raw) > 500_000 else raw  # aiohttp warns on big bytes
        response = await self.client.request(
            method, path, data=data, headers=self.headers(method, path, raw)
        )
        return response.status, await response.json()


async def paired_console(client: TestClient) -> Console:
    console = Console(client)
    status, body = await console.pair(await new_code(client))
    assert status == 201, body
    return console
