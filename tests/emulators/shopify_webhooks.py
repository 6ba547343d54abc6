"""Webhooks of the Shopify emulator: ``webhookSubscriptions``, ``webhookSubscriptionCreate``
and ``webhookSubscriptionDelete`` as the GraphQL Admin API has them, and deliveries shaped
and signed like Shopify's.

``WebhookSubscriptionInput.uri`` exists from API version 2025-10 (``callbackUrl`` before,
kept but deprecated after). A delivery is the topic's REST resource as JSON with the
``X-Shopify-*`` headers: topic, base64 HMAC-SHA256 of the body with the app's client
secret, shop domain, API version, a webhook id per delivery, an event id per merchant
action and the trigger time.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import aiohttp

if TYPE_CHECKING:
    from tests.emulators.shopify_seed import ShopState

Node = dict[str, Any]
TOPICS = frozenset(
    {
        "ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED", "ORDERS_FULFILLED", "ORDERS_PAID",
        "FULFILLMENTS_CREATE", "FULFILLMENTS_UPDATE", "CUSTOMERS_CREATE", "CUSTOMERS_UPDATE",
        "PRODUCTS_UPDATE", "APP_UNINSTALLED",
    }
)  # fmt: skip
URI_SINCE = "2025-10"


@dataclass
class Subscription:
    id: int
    topic: str  # the enum, ORDERS_CREATE
    uri: str
    created: str


@dataclass
class Delivered:
    topic: str
    headers: dict[str, str]
    body: bytes
    status: int | None


@dataclass
class Webhooks:
    client_secret: str = "shpss_emulator_client_secret"
    subscriptions: dict[int, Subscription] = field(default_factory=dict)
    delivered: list[Delivered] = field(default_factory=list)
    next_id: int = 1_000_001
    version: str = "2026-01"
    allow_loopback_http: bool = False  # tests: accept http://127.0.0.1 (Shopify wants https)

    def node(self, sub: Subscription) -> Node:
        return {
            "__typename": "WebhookSubscription",
            "id": f"gid://shopify/WebhookSubscription/{sub.id}",
            "topic": sub.topic,
            "uri": sub.uri,
            "callbackUrl": sub.uri,
            "format": "JSON",
            "createdAt": sub.created,
        }

    def sign(self, body: bytes) -> str:
        digest = hmac.new(self.client_secret.encode(), body, hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    async def send(
        self, uri: str, topic: str, payload: Node, shop: str, event_id: str
    ) -> int | None:
        body = json.dumps(payload, ensure_ascii=False).encode()
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Shopify-Captain-Hook",
            "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": self.sign(body),
            "X-Shopify-Shop-Domain": shop,
            "X-Shopify-API-Version": self.version,
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Event-Id": event_id,
            "X-Shopify-Triggered-At": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        }
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(uri, data=body, headers=headers) as answer,
            ):
                await answer.read()
                status: int | None = answer.status
        except aiohttp.ClientError:
            status = None
        self.delivered.append(Delivered(topic, headers, body, status))
        return status

    async def deliver(self, state: ShopState, topic: str, payload: Node) -> list[int | None]:
        """Send ``payload`` to every subscription of ``topic`` (``orders/updated``)."""
        event_id = str(uuid.uuid4())
        wanted = topic.replace("/", "_").upper()
        return [
            await self.send(sub.uri, topic, payload, state.domain, event_id)
            for sub in list(self.subscriptions.values())
            if sub.topic == wanted
        ]

    async def comply(self, uri: str, state: ShopState, topic: str, payload: Node) -> int | None:
        """A compliance delivery (set in the app's configuration, not subscribed)."""
        return await self.send(uri, topic, payload, state.domain, str(uuid.uuid4()))


def _user_error(field_: list[str], message: str) -> Node:
    return {"__typename": "UserError", "field": field_, "message": message}


def list_subscriptions(state: ShopState, args: Node) -> Node:
    hooks: Webhooks = state.webhooks
    nodes = [hooks.node(s) for s in hooks.subscriptions.values()]
    first = int(args.get("first") or 50)
    return {
        "__typename": "WebhookSubscriptionConnection",
        "nodes": nodes[:first],
        "edges": [{"node": n, "cursor": str(i)} for i, n in enumerate(nodes[:first])],
        "pageInfo": {
            "__typename": "PageInfo",
            "hasNextPage": len(nodes) > first,
            "endCursor": str(min(first, len(nodes)) - 1) if nodes else None,
        },
    }


def create_subscription(state: ShopState, args: Node, version: str) -> Node:
    hooks: Webhooks = state.webhooks
    topic, given = args.get("topic"), args.get("webhookSubscription") or {}
    payload: Node = {"__typename": "WebhookSubscriptionCreatePayload", "webhookSubscription": None}
    if "uri" in given and version < URI_SINCE:
        raise ValueError("InputObject 'WebhookSubscriptionInput' doesn't accept argument 'uri'")
    uri = given.get("uri") or given.get("callbackUrl")
    errors = []
    if topic not in TOPICS:
        errors.append(_user_error(["topic"], f"Topic {topic} is not valid for this app"))
    loopback = hooks.allow_loopback_http and str(uri).startswith("http://127.0.0.1")
    if not isinstance(uri, str) or not (uri.startswith("https://") or loopback):
        errors.append(
            _user_error(["webhookSubscription", "uri"], "Address protocol http:// is not supported")
        )
    elif any(s.topic == topic and s.uri == uri for s in hooks.subscriptions.values()):
        errors.append(
            _user_error(
                ["webhookSubscription", "uri"], "Address for this topic has already been taken"
            )
        )
    if errors:
        return {**payload, "userErrors": errors}
    sub = Subscription(hooks.next_id, str(topic), str(uri), datetime.now(UTC).isoformat())
    hooks.next_id += 1
    hooks.subscriptions[sub.id] = sub
    return {**payload, "webhookSubscription": hooks.node(sub), "userErrors": []}


def delete_subscription(state: ShopState, args: Node) -> Node:
    hooks: Webhooks = state.webhooks
    number = int(str(args.get("id") or "0").rsplit("/", 1)[-1] or 0)
    gone = hooks.subscriptions.pop(number, None)
    return {
        "__typename": "WebhookSubscriptionDeletePayload",
        "deletedWebhookSubscriptionId": f"gid://shopify/WebhookSubscription/{number}"
        if gone
        else None,
        "userErrors": [] if gone else [_user_error(["id"], "Webhook subscription does not exist")],
    }


# --- REST payloads of the seeded GraphQL records ------------------------------------------


def _legacy(gid: str) -> int:
    return int(gid.rsplit("/", 1)[-1])


def _amount(bag: Node | None) -> str | None:
    shop = (bag or {}).get("shopMoney") or {}
    return shop.get("amount")


def order_payload(order: Node) -> Node:
    """An ``orders/*`` delivery: the REST order of a seeded GraphQL order."""
    customer = order.get("customer")
    fulfillment = str(order.get("displayFulfillmentStatus") or "UNFULFILLED")
    rest_fulfillment = {
        "FULFILLED": "fulfilled",
        "PARTIALLY_FULFILLED": "partial",
        "RESTOCKED": "restocked",
    }
    return {
        "id": _legacy(order["id"]),
        "admin_graphql_api_id": order["id"],
        "name": order["name"],
        "order_number": int("".join(c for c in order["name"] if c.isdigit()) or 0),
        "email": order.get("email"),
        "contact_email": order.get("email"),
        "phone": order.get("phone"),
        "created_at": order["createdAt"],
        "updated_at": order["updatedAt"],
        "cancelled_at": order.get("cancelledAt"),
        "financial_status": str(order["displayFinancialStatus"]).lower(),
        "fulfillment_status": rest_fulfillment.get(fulfillment),
        "currency": ((order["totalPriceSet"] or {}).get("shopMoney") or {}).get("currencyCode"),
        "total_price": _amount(order["totalPriceSet"]),
        "current_total_price": _amount(order["totalPriceSet"]),
        "order_status_url": order.get("statusPageUrl"),
        "billing_address": {"zip": (order.get("billingAddress") or {}).get("zip")},
        "customer": customer_payload(customer) if customer else None,
        "line_items": [
            {
                "name": i["name"],
                "title": i["name"],
                "quantity": i["quantity"],
                "sku": i["sku"],
                "price": _amount(i.get("originalUnitPriceSet")),
            }
            for i in order.get("lineItems") or []
        ],
        "fulfillments": [
            fulfillment_payload(order, f, n) for n, f in enumerate(order.get("fulfillments") or [])
        ],
    }


def fulfillment_payload(order: Node, fulfillment: Node, index: int = 0) -> Node:
    tracking = fulfillment.get("trackingInfo") or []
    shipment = {"DELIVERED": "delivered", "IN_TRANSIT": "in_transit"}
    return {
        "id": _legacy(order["id"]) * 10 + index,
        "order_id": _legacy(order["id"]),
        "status": "success",
        "created_at": fulfillment["createdAt"],
        "shipment_status": shipment.get(str(fulfillment.get("displayStatus"))),
        "tracking_company": tracking[0]["company"] if tracking else None,
        "tracking_number": tracking[0]["number"] if tracking else None,
        "tracking_numbers": [t["number"] for t in tracking],
        "tracking_urls": [t["url"] for t in tracking],
    }


def customer_payload(customer: Node) -> Node:
    return {
        "id": _legacy(customer["id"]),
        "email": customer.get("email"),
        "first_name": customer.get("firstName"),
        "last_name": customer.get("lastName"),
        "phone": customer.get("phone"),
        "created_at": customer.get("createdAt"),
        "updated_at": customer.get("updatedAt"),
        "currency": ((customer.get("amountSpent") or {}).get("currencyCode")),
    }
