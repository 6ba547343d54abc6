"""Shopify webhook subscriptions through the GraphQL Admin API: ``webhookSubscriptions``,
``webhookSubscriptionCreate`` (the ``uri`` input field, 2025-10 and later; ``callbackUrl``
is deprecated) and ``webhookSubscriptionDelete``. Shopify signs every delivery with the
app's client secret. The compliance topics (``customers/data_request``,
``customers/redact``, ``shop/redact``) cannot be subscribed through the API: they are set
in the app's configuration, with the same address."""

from __future__ import annotations

from typing import Any

from connectors.errors import BadResponseError
from connectors.shopify.client import ShopifyClient
from connectors.shopify.errors import PLATFORM
from connectors.webhooks import Registration, Subscription, missing

URI_SINCE = "2025-10"
TOPICS = (
    "orders/create",
    "orders/updated",
    "orders/cancelled",
    "orders/fulfilled",
    "orders/paid",
    "fulfillments/create",
    "fulfillments/update",
    "customers/create",
    "customers/update",
    "products/update",
    "app/uninstalled",
)
COMPLIANCE_TOPICS = ("customers/data_request", "customers/redact", "shop/redact")

LIST = """query Webhooks($after: String) {
  webhookSubscriptions(first: 100, after: $after) {
    nodes { id topic ADDRESS }
    pageInfo { hasNextPage endCursor }
  }
}"""
CREATE = """mutation Subscribe(
  $topic: WebhookSubscriptionTopic!, $webhookSubscription: WebhookSubscriptionInput!
) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $webhookSubscription) {
    webhookSubscription { id topic ADDRESS }
    userErrors { field message }
  }
}"""
DELETE = """mutation Unsubscribe($id: ID!) {
  webhookSubscriptionDelete(id: $id) {
    deletedWebhookSubscriptionId
    userErrors { field message }
  }
}"""


def enum_topic(topic: str) -> str:
    """``orders/create`` → ``ORDERS_CREATE`` (the GraphQL enum)."""
    return topic.replace("/", "_").upper()


def rest_topic(value: str) -> str:
    """``ORDERS_CREATE`` → ``orders/create``."""
    head, _, tail = value.lower().partition("_")
    return f"{head}/{tail}"


def _subscription(node: Any) -> Subscription | None:
    if not isinstance(node, dict) or not node.get("id"):
        return None
    return Subscription(
        id=str(node["id"]),
        topic=rest_topic(str(node.get("topic") or "")),
        address=str(node.get("uri") or node.get("callbackUrl") or ""),
    )


def _user_errors(payload: Any, what: str) -> None:
    problems = payload.get("userErrors") if isinstance(payload, dict) else None
    if problems:
        text = "; ".join(str(p.get("message")) for p in problems if isinstance(p, dict))
        raise BadResponseError(
            PLATFORM,
            f"Shopify refused to {what}: {text}",
            hint="Check that the relay's address is a public https:// address and the app "
            "has the read_orders, read_customers and read_products scopes.",
        )


class ShopifyWebhooks:
    topics = TOPICS

    def __init__(self, client: ShopifyClient, api_version: str) -> None:
        self._client = client
        # ``uri`` replaced ``callbackUrl`` in 2025-10 (the old field still works after)
        self._address_field = "uri" if api_version >= URI_SINCE else "callbackUrl"
        self._list = LIST.replace("ADDRESS", self._address_field)
        self._create = CREATE.replace("ADDRESS", self._address_field)

    async def subscriptions(self) -> list[Subscription]:
        found: list[Subscription] = []
        after: str | None = None
        while True:
            result = await self._client.execute(self._list, {"after": after}, cost=12)
            page = result.data.get("webhookSubscriptions") or {}
            found += [s for s in map(_subscription, page.get("nodes") or []) if s is not None]
            info = page.get("pageInfo") or {}
            if not info.get("hasNextPage") or not info.get("endCursor"):
                return found
            after = str(info["endCursor"])

    async def register(self, address: str, secret: str | None = None) -> Registration:
        existing = await self.subscriptions()
        kept = tuple(s for s in existing if s.address == address)
        created = []
        for topic in missing(TOPICS, address, existing):
            variables = {
                "topic": enum_topic(topic),
                "webhookSubscription": {self._address_field: address, "format": "JSON"},
            }
            result = await self._client.execute(self._create, variables, cost=10)
            payload = result.data.get("webhookSubscriptionCreate")
            _user_errors(payload, f"subscribe to {topic}")
            made = _subscription((payload or {}).get("webhookSubscription"))
            if made is not None:
                created.append(made)
        return Registration(created=tuple(created), kept=kept)

    async def remove(self, address: str) -> list[Subscription]:
        removed = []
        for sub in await self.subscriptions():
            if sub.address == address:
                result = await self._client.execute(DELETE, {"id": sub.id}, cost=10)
                _user_errors(result.data.get("webhookSubscriptionDelete"), "remove a webhook")
                removed.append(sub)
        return removed
