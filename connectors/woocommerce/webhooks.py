"""WooCommerce webhooks through REST v3 ``/webhooks``: one per topic, each signed with the
secret Storedesk made for the store (the relay verifies ``X-WC-Webhook-Signature`` with
it). Creating one needs a key with Read/Write permission."""

from __future__ import annotations

from typing import Any

from connectors.errors import AuthError, IntegrationError
from connectors.webhooks import Registration, Subscription, missing
from connectors.woocommerce.client import WooClient
from connectors.woocommerce.errors import PLATFORM

TOPICS = (
    "order.created",
    "order.updated",
    "order.deleted",
    "order.restored",
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "product.created",
    "product.updated",
)
NAME = "Storedesk"


def _subscription(raw: Any) -> Subscription | None:
    if not isinstance(raw, dict) or raw.get("id") is None:
        return None
    return Subscription(
        id=str(raw["id"]),
        topic=str(raw.get("topic") or ""),
        address=str(raw.get("delivery_url") or ""),
        active=raw.get("status") == "active",
    )


class WooWebhooks:
    topics = TOPICS

    def __init__(self, client: WooClient) -> None:
        self._client = client

    async def subscriptions(self) -> list[Subscription]:
        found: list[Subscription] = []
        async for reply in self._client.pages("webhooks", {}):
            found += [s for s in map(_subscription, reply.data or []) if s is not None]
        return found

    async def register(self, address: str, secret: str | None) -> Registration:
        if not secret:
            raise ValueError("a WooCommerce webhook needs the store's webhook secret")
        existing = await self.subscriptions()
        kept = tuple(s for s in existing if s.address == address and s.active)
        created = []
        for topic in missing(TOPICS, address, existing):
            body = {
                "name": f"{NAME} {topic}",
                "topic": topic,
                "delivery_url": address,
                "secret": secret,
                "status": "active",
            }
            try:
                reply = await self._client.write("POST", "webhooks", body)
            except AuthError as exc:
                raise _needs_write(exc) from None
            made = _subscription(reply.data)
            if made is not None:
                created.append(made)
        return Registration(created=tuple(created), kept=kept)

    async def remove(self, address: str) -> list[Subscription]:
        removed = []
        for sub in await self.subscriptions():
            if sub.address == address:
                try:
                    await self._client.write(
                        "DELETE", f"webhooks/{sub.id}", params={"force": "true"}
                    )
                except AuthError as exc:
                    raise _needs_write(exc) from None
                removed.append(sub)
        return removed


def _needs_write(exc: IntegrationError) -> IntegrationError:
    return AuthError(
        PLATFORM,
        "This WooCommerce key cannot create or delete webhooks.",
        hint="Give the key Read/Write permission in WooCommerce → Settings → Advanced → REST "
        "API (or make a new one) and update the store in Storedesk.",
        status=exc.status,
    )
