"""Helpers for the public-API tests: a published demo widget on the demo SQL shop, a chat
client that speaks the widget's API, and a port nothing listens on."""

from __future__ import annotations

import base64
import hashlib
import hmac
import socket
import time
from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient

from core.demo import demo_database_url, demo_mapping_path
from relay.keys import STORE

WIDGET_KEY = "wk_demo_widget_0001"
DOWN_WIDGET_KEY = "wk_down_widget_0001"
ORIGIN = "https://shop.example.com"
IDENTITY_SECRET = b"identity-secret-for-tests-32byte"
KNOWLEDGE = [
    {
        "id": "kb-returns",
        "question": "What is your return policy?",
        "answer": "You can return any unused item within 30 days for a full refund.",
        "keywords": ["return", "refund", "returns"],
    },
    {
        "id": "kb-shipping",
        "question": "How long does shipping take?",
        "answer": "Orders ship within 2 business days; delivery takes 3 to 5 days.",
        "keywords": ["shipping", "delivery"],
    },
]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def demo_bundle(*, with_down_store: bool = False, knowledge: list[Any] | None = None) -> dict:
    stores: list[dict[str, Any]] = [
        {
            "id": "demo",
            "platform": "sql",
            "settings": {"mapping_toml": demo_mapping_path().read_text(encoding="utf-8")},
            "secrets": {"url": demo_database_url()},
        }
    ]
    widgets: list[dict[str, Any]] = [
        {
            "key": WIDGET_KEY,
            "name": "Demo shop",
            "store": "demo",
            "config": {"allowed_origins": [ORIGIN], "appointment_form": True},
            "identity_secret": base64.b64encode(IDENTITY_SECRET).decode(),
            "knowledge": KNOWLEDGE if knowledge is None else knowledge,
        }
    ]
    if with_down_store:
        stores.append(
            {
                "id": "down",
                "platform": "woocommerce",
                "settings": {"url": f"http://127.0.0.1:{closed_port()}"},
                "secrets": {"key": "ck_" + "a" * 40, "secret": "cs_" + "b" * 40},
            }
        )
        widgets.append({"key": DOWN_WIDGET_KEY, "name": "Down shop", "store": "down", "config": {}})
    return {"stores": stores, "widgets": widgets}


async def publish_demo(client: TestClient, **options: Any) -> None:
    await client.app[STORE].publish(demo_bundle(**options), dry_run=False)


def _sign(email: str, ts: int, name: str | None) -> str:
    """The documented format, computed here as a storefront would (not by the relay's code)."""
    email = email.strip().lower()
    text = f"{email}:{ts}" if name is None else f"{email}:{name.strip()}:{ts}"
    return hmac.new(IDENTITY_SECRET, text.encode(), hashlib.sha256).hexdigest()


def signed_customer(
    email: str,
    name: str | None = "Alice Martin",
    *,
    ts: int | None = None,
    signed_name: str | None = "",
) -> dict[str, Any]:
    """The storefront's ``customer`` object. ``signed_name`` is the name the signature
    covers: by default the one passed, ``None`` for an older storefront's email-only one."""
    ts = int(time.time()) if ts is None else ts
    covered = name if signed_name == "" else signed_name
    signature = _sign(email, ts, covered)
    customer: dict[str, Any] = {"email": email, "ts": ts, "signature": signature}
    if name is not None:
        customer["name"] = name
    return customer


@dataclass
class Chat:
    """One shopper's conversation through the public API."""

    client: TestClient
    conversation_id: str
    token: str
    greeting: list[dict[str, Any]]

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def say(self, text: str, *, status: int = 200) -> list[dict[str, Any]]:
        response = await self.client.post(
            f"/v1/conversations/{self.conversation_id}/messages",
            json={"text": text},
            headers=self.auth,
        )
        body = await response.json()
        assert response.status == status, body
        return body.get("messages", body)

    async def bot_says(self, text: str) -> list[dict[str, Any]]:
        """The bot's replies to ``text`` (the echoed shopper message left out)."""
        messages = await self.say(text)
        assert messages[0]["role"] == "shopper" and messages[0]["text"] == text.strip()
        return messages[1:]

    async def history(self, after: str | None = None) -> list[dict[str, Any]]:
        query = f"?after={after}" if after else ""
        response = await self.client.get(
            f"/v1/conversations/{self.conversation_id}/messages{query}", headers=self.auth
        )
        assert response.status == 200
        return list((await response.json())["messages"])

    async def post(self, what: str, body: Any) -> tuple[int, Any]:
        response = await self.client.post(
            f"/v1/conversations/{self.conversation_id}/{what}", json=body, headers=self.auth
        )
        return response.status, await response.json()


async def start_chat(client: TestClient, key: str = WIDGET_KEY, **body: Any) -> Chat:
    response = await client.post(f"/v1/widgets/{key}/conversations", json=body)
    data = await response.json()
    assert response.status == 201, data
    return Chat(client, data["conversation_id"], data["token"], data["messages"])


def texts(messages: list[dict[str, Any]]) -> str:
    return " ".join(m["text"] for m in messages)


def order_cards(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [c for m in messages for c in m["cards"] if c.get("type") == "order"]
