"""The emulated shop: its state, its switches for tests, and a realistic seed
(unicode names, guest orders, refunds, partial fulfilments, several tracking numbers,
cancellations, an order on hold, numbers with a store prefix)."""

from __future__ import annotations

import hashlib
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.emulators.shopify_oauth import OAuthApp
from tests.emulators.shopify_webhooks import Webhooks

Node = dict[str, Any]

DOMAIN = "storedesk-demo.myshopify.com"
TOKEN = "shpat_emulator0000000000000000000000"
VERSIONS = frozenset({"2025-04", "2025-07", "2025-10", "2026-01", "2026-04", "unstable"})
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"


@dataclass
class ShopState:
    """Everything the emulator serves; tests flip the switches between requests."""

    domain: str = DOMAIN
    name: str = "Café Lumière – Demo"
    currency: str = "EUR"
    token: str = TOKEN
    oauth: OAuthApp = field(default_factory=OAuthApp)  # the Dev Dashboard app and its tokens
    orders: list[Node] = field(default_factory=list)
    customers: list[Node] = field(default_factory=list)
    products: list[Node] = field(default_factory=list)
    # cost bucket (2026 standard plan: 100 points/second restore)
    clock: Callable[[], float] = time.monotonic
    bucket_size: float = 2000.0
    restore_rate: float = 100.0
    available: float = 2000.0
    _bucket_at: float | None = None
    # switches
    protected_customer_data: bool = False  # app not approved: customer fields withheld
    throttled_status: int = 200  # HTTP status of a THROTTLED answer (Shopify sends 200)
    rate_limit_429: int = 0  # answer the next N requests 429 with Retry-After
    retry_after: str = "2.0"
    failures: deque[int] = field(default_factory=deque)  # statuses for the next requests
    html: bool = False  # answer with a storefront web page instead of JSON
    delay: float = 0.0  # seconds to wait before answering
    requests: list[Node] = field(default_factory=list)  # what the client sent
    throttled: int = 0  # how many requests were answered THROTTLED (200 or 429)
    webhooks: Webhooks = field(default_factory=Webhooks)  # subscriptions and deliveries

    def bucket_level(self) -> float:
        now = self.clock()
        if self._bucket_at is not None:
            restored = (now - self._bucket_at) * self.restore_rate
            self.available = min(self.bucket_size, self.available + restored)
        self._bucket_at = now
        self.available = round(self.available, 6)
        return self.available

    def spend(self, cost: float) -> bool:
        if self.bucket_level() < cost:
            return False
        self.available -= cost
        return True

    def refund(self, points: float) -> None:
        self.bucket_level()
        self.available = min(self.bucket_size, self.available + points)

    def throttle_status(self) -> Node:
        return {
            "maximumAvailable": self.bucket_size,
            "currentlyAvailable": round(self.bucket_level(), 1),
            "restoreRate": self.restore_rate,
        }


def seeded_shop(**overrides: Any) -> ShopState:
    state = ShopState(**overrides)
    state.customers = _customers()
    by_id = {c["id"]: c for c in state.customers}
    state.orders = _orders(state.domain, by_id)
    state.products = _products(state.domain)
    return state


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def _money(amount: str, currency: str = "EUR") -> Node:
    return {"__typename": "MoneyV2", "amount": amount, "currencyCode": currency}


def _customer(
    number: int, first: str, last: str | None, email: str | None, phone: str | None, **kw: Any
) -> Node:
    return {
        "__typename": "Customer",
        "id": gid("Customer", number),
        "firstName": first,
        "lastName": last,
        "email": email,
        "phone": phone,
        "numberOfOrders": str(kw.get("orders", 0)),
        "amountSpent": _money(kw.get("spent", "0.00")),
        "createdAt": kw["created"],
        "updatedAt": kw["updated"],
    }


def _customers() -> list[Node]:
    return [
        _customer(7001, "Zoë", "Müller", "zoe.mueller@example.de", "+4930123456789",
                  orders=4, spent="412.30", created="2025-11-02T09:14:00Z",
                  updated="2026-02-01T10:00:00Z"),
        _customer(7002, "José", "Álvarez Núñez", "jose.alvarez@example.es", "+34600123456",
                  orders=3, spent="188.00", created="2025-12-12T18:40:00Z",
                  updated="2026-02-03T08:30:00Z"),
        _customer(7003, "花子", "山田", "hanako.yamada@example.jp", None,
                  orders=2, spent="96.50", created="2026-01-05T01:02:03Z",
                  updated="2026-02-03T08:30:00Z"),
        _customer(7004, "Aoife", "O'Brien", "aoife@example.ie", "+353871234567",
                  orders=1, spent="0.00", created="2026-01-09T12:00:00Z",
                  updated="2026-02-04T16:45:00Z"),
        _customer(7005, "Łukasz", "Wiśniewski", "lukasz.w@example.pl", "+48501234567",
                  orders=1, spent="0.00", created="2026-01-15T07:30:00Z",
                  updated="2026-02-05T11:11:00Z"),
    ]  # fmt: skip


def _line(name: str, quantity: int, sku: str | None, price: str) -> Node:
    return {
        "__typename": "LineItem",
        "name": name,
        "quantity": quantity,
        "sku": sku,
        "originalUnitPriceSet": {"__typename": "MoneyBag", "shopMoney": _money(price)},
    }


def _fulfillment(created: str, status: str, *tracking: tuple[str, str, str | None]) -> Node:
    return {
        "__typename": "Fulfillment",
        "createdAt": created,
        "displayStatus": status,
        "trackingInfo": [
            {"__typename": "FulfillmentTrackingInfo", "company": c, "number": n, "url": u}
            for c, n, u in tracking
        ],
    }


def _order(domain: str, number: int, name: str, customer: Node | None, **kw: Any) -> Node:
    key = hashlib.sha1(f"{domain}/{number}".encode()).hexdigest()
    return {
        "__typename": "Order",
        "id": gid("Order", number),
        "name": name,
        "createdAt": kw["created"],
        "updatedAt": kw["updated"],
        "cancelledAt": kw.get("cancelled"),
        "email": kw.get("email", customer["email"] if customer else None),
        "phone": kw.get("phone", customer["phone"] if customer else None),
        "statusPageUrl": f"https://{domain}/71543119/orders/{key[:32]}/authenticate?key={key}",
        "displayFinancialStatus": kw["financial"],
        "displayFulfillmentStatus": kw["fulfillment"],
        "totalPriceSet": {"__typename": "MoneyBag", "shopMoney": _money(kw["total"])},
        "customer": customer,
        "billingAddress": {"__typename": "MailingAddress", "zip": kw.get("zip")},
        "lineItems": kw.get("items", []),
        "fulfillments": kw.get("fulfillments", []),
    }


def bulk_orders(domain: str, count: int, updated: str, *, start: int = 9000) -> list[Node]:
    """``count`` guest orders all last saved in the second ``updated`` (an import, a bulk
    tag edit): Shopify gives them one ``updatedAt``."""
    return [
        _order(domain, start + i, f"#{start + i}", None, created=updated, updated=updated,
               financial="PAID", fulfillment="UNFULFILLED", total="10.00",
               email=f"buyer{i}@example.com", phone=None,
               items=[_line("Café Crème Mug", 1, "CM-01", "10.00")])
        for i in range(count)
    ]  # fmt: skip


DHL = "https://www.dhl.de/en/privatkunden/pakete-empfangen/verfolgen.html?piececode="


def _orders(domain: str, customers: dict[str, Node]) -> list[Node]:
    zoe, jose, hanako = (customers[gid("Customer", n)] for n in (7001, 7002, 7003))
    aoife, lukasz = customers[gid("Customer", 7004)], customers[gid("Customer", 7005)]
    sweater = _line("Merino Wool Sweater – Forest Green / M", 1, "MW-SW-GRN-M", "89.00")
    mug = _line("Café Crème Mug", 2, "CM-01", "14.50")
    tee = _line("Organic Cotton Tee – White / M", 3, "OCT-WHT-M", "29.00")
    card = _line("Gift Card €50", 1, None, "50.00")
    matcha = _line("抹茶 Matcha 100g", 1, "MT-100", "18.50")
    return [
        _order(domain, 5001, "#1001", zoe, created="2026-01-10T09:00:00Z",
               updated="2026-01-14T15:20:00Z", financial="PAID", fulfillment="FULFILLED",
               total="118.00", zip="10115", items=[sweater, mug],
               fulfillments=[_fulfillment("2026-01-11T08:00:00Z", "DELIVERED",
                                          ("DHL Express", "JD014600006281230704",
                                           DHL + "JD014600006281230704"))]),
        _order(domain, 5002, "#1002", zoe, created="2026-01-12T14:30:00Z",
               updated="2026-01-20T10:00:00Z", financial="PAID",
               fulfillment="PARTIALLY_FULFILLED", total="176.00", zip="10115",
               items=[sweater, tee],
               fulfillments=[_fulfillment("2026-01-13T09:30:00Z", "IN_TRANSIT",
                                          ("Deutsche Post", "RR123456785DE", None))]),
        _order(domain, 5003, "#1003", jose, created="2026-01-15T11:11:00Z",
               updated="2026-01-25T12:00:00Z", financial="PARTIALLY_REFUNDED",
               fulfillment="FULFILLED", total="136.00", zip="28013", items=[tee, mug, card],
               fulfillments=[
                   _fulfillment("2026-01-16T10:00:00Z", "IN_TRANSIT",
                                ("Correos", "PQ4F6P0703368470128001Y", None),
                                ("SEUR", "0832170001234", "https://www.seur.com/?s=0832170001234")),
                   _fulfillment("2026-01-18T10:00:00Z", "IN_TRANSIT",
                                ("UPS", "1Z999AA10123456784",
                                 "https://www.ups.com/track?tracknum=1Z999AA10123456784")),
               ]),
        _order(domain, 5004, "#1004", hanako, created="2026-01-20T02:00:00Z",
               updated="2026-01-25T12:00:00Z", financial="PENDING", fulfillment="UNFULFILLED",
               total="47.50", zip="150-0001", items=[mug, matcha]),
        _order(domain, 5005, "#1005", None, created="2026-01-21T16:00:00Z",
               updated="2026-01-26T09:00:00Z", financial="PAID", fulfillment="UNFULFILLED",
               total="29.00", email="guest.shopper@example.com", phone=None, zip="75002",
               items=[_line("Organic Cotton Tee – White / M", 1, "OCT-WHT-M", "29.00")]),
        _order(domain, 5006, "#1006", aoife, created="2026-01-22T10:00:00Z",
               updated="2026-01-27T10:00:00Z", cancelled="2026-01-23T08:00:00Z",
               financial="REFUNDED", fulfillment="UNFULFILLED", total="89.00", zip="D02 X285",
               items=[sweater]),
        _order(domain, 5007, "#1007", lukasz, created="2026-01-23T19:45:00Z",
               updated="2026-01-28T10:00:00Z", cancelled="2026-01-24T07:00:00Z",
               financial="VOIDED", fulfillment="UNFULFILLED", total="43.50", zip="00-950",
               items=[mug, _line("Filter Papers ×100", 1, "FP-100", "14.50")]),
        _order(domain, 5008, "#1008", zoe, created="2026-01-25T08:00:00Z",
               updated="2026-01-28T10:00:00Z", financial="PAID", fulfillment="ON_HOLD",
               total="89.00", zip="10115", items=[sweater]),
        _order(domain, 5009, "#1009", jose, created="2026-01-26T13:00:00Z",
               updated="2026-01-29T10:00:00Z", financial="AUTHORIZED",
               fulfillment="IN_PROGRESS", total="29.00", zip="28013", items=[tee]),
        _order(domain, 5010, "#1010", None, created="2026-01-27T20:00:00Z",
               updated="2026-01-30T10:00:00Z", financial="EXPIRED", fulfillment="UNFULFILLED",
               total="14.50", email=None, phone="+33612345678",
               items=[_line("Café Crème Mug", 1, "CM-01", "14.50")]),
        _order(domain, 5011, "#10010", hanako, created="2026-01-28T05:00:00Z",
               updated="2026-01-31T10:00:00Z", financial="PAID", fulfillment="FULFILLED",
               total="49.00", zip="150-0001", items=[_line("Linen Tote Bag", 2, "LT-NAT", "24.50")],
               fulfillments=[_fulfillment("2026-01-29T05:00:00Z", "IN_TRANSIT",
                                          ("Japan Post", "EJ123456789JP", None))]),
        _order(domain, 5012, "#SD1012", zoe, created="2026-02-01T09:00:00Z",
               updated="2026-02-01T10:00:00Z", financial="PAID", fulfillment="UNFULFILLED",
               total="29.00", zip="10115", items=[tee]),
        _order(domain, 5013, "#SD-1013", jose, created="2026-02-02T09:00:00Z",
               updated="2026-02-02T10:00:00Z", financial="PARTIALLY_PAID",
               fulfillment="SCHEDULED", total="59.00", zip="28013",
               items=[_line("Leather Wallet – Cognac", 1, "LW-COG", "59.00")]),
    ]  # fmt: skip


def _product(domain: str, number: int, title: str, handle: str, **kw: Any) -> Node:
    price, tracked, inventory = kw["price"], kw.get("tracked", True), kw.get("inventory", 0)
    variant = {"__typename": "ProductVariant", "sku": kw.get("sku"), "price": price,
               "inventoryQuantity": inventory if tracked else None}  # fmt: skip
    return {
        "__typename": "Product",
        "id": gid("Product", number),
        "title": title,
        "handle": handle,
        "vendor": kw.get("vendor", "Café Lumière"),
        "onlineStoreUrl": f"https://{domain}/products/{handle}",
        "totalInventory": inventory if tracked else 0,
        "tracksInventory": tracked,
        "updatedAt": kw["updated"],
        "priceRangeV2": {"__typename": "ProductPriceRangeV2", "minVariantPrice": _money(price)},
        "variants": [variant],
    }


def _products(domain: str) -> list[Node]:
    return [
        _product(domain, 8001, "Merino Wool Sweater – Forest Green", "merino-sweater-green",
                 price="89.00", sku="MW-SW-GRN-M", inventory=12, updated="2026-01-05T10:00:00Z"),
        _product(domain, 8002, "Café Crème Mug", "cafe-creme-mug", price="14.50", sku="CM-01",
                 inventory=0, updated="2026-01-06T10:00:00Z"),
        _product(domain, 8003, "Organic Cotton Tee – White", "organic-tee-white", price="29.00",
                 sku="OCT-WHT-M", inventory=40, updated="2026-01-06T10:00:00Z"),
        _product(domain, 8004, "Gift Card", "gift-card", price="50.00", sku=None, tracked=False,
                 updated="2026-01-07T10:00:00Z"),
        _product(domain, 8005, "Leather Wallet – Cognac", "leather-wallet-cognac",
                 price="59.00", sku="LW-COG", inventory=3, updated="2026-01-08T10:00:00Z"),
        _product(domain, 8006, "Linen Tote Bag", "linen-tote-bag", price="24.50", sku="LT-NAT",
                 inventory=7, updated="2026-01-09T10:00:00Z"),
        _product(domain, 8007, "抹茶 Matcha 100g", "matcha-100g", price="18.50", sku="MT-100",
                 inventory=25, vendor="Uji Tea Co.", updated="2026-01-10T10:00:00Z"),
    ]  # fmt: skip
