"""One status table per platform: platform states → the ten normalised order statuses.

Unknown values never raise: they map to the nearest safe status (one that promises the
shopper nothing that may be false: never shipped, delivered or refunded) and a warning is
logged once per value.
"""

from __future__ import annotations

import logging
from typing import Final

from core.records import ORDER_STATUSES, OrderStatus

log = logging.getLogger(__name__)

# --- Shopify ------------------------------------------------------------------------------
# OrderDisplayFinancialStatus and OrderDisplayFulfillmentStatus, GraphQL Admin API.
SHOPIFY_FINANCIAL: Final = (
    "AUTHORIZED",
    "EXPIRED",
    "PAID",
    "PARTIALLY_PAID",
    "PARTIALLY_REFUNDED",
    "PENDING",
    "REFUNDED",
    "VOIDED",
)
SHOPIFY_FULFILLMENT: Final = (
    "FULFILLED",
    "IN_PROGRESS",
    "ON_HOLD",
    "OPEN",
    "PARTIALLY_FULFILLED",
    "PENDING_FULFILLMENT",
    "REQUEST_DECLINED",
    "RESTOCKED",
    "SCHEDULED",
    "UNFULFILLED",
)

# What the payment alone says while nothing has shipped.
_SHOPIFY_UNSHIPPED_BY_FINANCIAL: Final[dict[str, OrderStatus]] = {
    "AUTHORIZED": "processing",
    "PAID": "processing",
    "PARTIALLY_PAID": "processing",
    "PARTIALLY_REFUNDED": "processing",
    "PENDING": "pending",
    "EXPIRED": "failed",
    "VOIDED": "cancelled",
    "REFUNDED": "refunded",
}

# What fulfilment says, when it says more than "not shipped yet".
_SHOPIFY_BY_FULFILLMENT: Final[dict[str, OrderStatus]] = {
    "FULFILLED": "shipped",
    "PARTIALLY_FULFILLED": "partially_shipped",
    "ON_HOLD": "on_hold",
    "REQUEST_DECLINED": "on_hold",
}
_SHOPIFY_UNSHIPPED: Final = frozenset(
    {"UNFULFILLED", "OPEN", "IN_PROGRESS", "PENDING_FULFILLMENT", "SCHEDULED"}
)

_warned: set[tuple[str, str]] = set()


def _warn_unknown(platform: str, what: str, value: str, fallback: str) -> None:
    if (platform, value) in _warned:
        return
    _warned.add((platform, value))
    log.warning(
        "Unknown %s %s %r: treated as %r. Storedesk may need an update for it.",
        platform,
        what,
        value,
        fallback,
    )


def shopify_status(
    financial: str | None,
    fulfillment: str | None,
    *,
    cancelled: bool,
    delivered: bool = False,
) -> OrderStatus:
    """Normalise Shopify's display statuses (plus ``cancelledAt`` and delivery events)."""
    fin = (financial or "PENDING").upper()
    ful = (fulfillment or "UNFULFILLED").upper()
    if fin not in _SHOPIFY_UNSHIPPED_BY_FINANCIAL:
        _warn_unknown("shopify", "financial status", fin, "pending")
        fin = "PENDING"
    if ful not in SHOPIFY_FULFILLMENT:
        _warn_unknown("shopify", "fulfillment status", ful, "unfulfilled")
        ful = "UNFULFILLED"

    if fin == "REFUNDED":
        return "refunded"
    if cancelled or fin == "VOIDED":
        return "cancelled"
    if ful == "RESTOCKED":
        # Items went back to stock without a cancellation: the order will not ship.
        return "cancelled"
    if fin == "EXPIRED" and ful in _SHOPIFY_UNSHIPPED:
        return "failed"
    if ful == "FULFILLED" and delivered:
        return "delivered"
    if ful in _SHOPIFY_BY_FULFILLMENT:
        return _SHOPIFY_BY_FULFILLMENT[ful]
    return _SHOPIFY_UNSHIPPED_BY_FINANCIAL[fin]


# --- WooCommerce --------------------------------------------------------------------------
# Core statuses (wc_get_order_statuses() plus checkout-draft and trash) and the custom
# statuses the common shipment plugins register.
WOOCOMMERCE_STATUS: Final[dict[str, OrderStatus]] = {
    "pending": "pending",
    "processing": "processing",
    "on-hold": "on_hold",
    "completed": "completed",
    "cancelled": "cancelled",
    "refunded": "refunded",
    "failed": "failed",
    "checkout-draft": "pending",
    "draft": "pending",
    "trash": "cancelled",
    "shipped": "shipped",
    "partial-shipped": "partially_shipped",
    "partially-shipped": "partially_shipped",
    "delivered": "delivered",
}


def woocommerce_status(status: str | None) -> OrderStatus:
    """Normalise a WooCommerce order status (with or without its ``wc-`` prefix)."""
    value = (status or "").strip().lower().removeprefix("wc-")
    mapped = WOOCOMMERCE_STATUS.get(value)
    if mapped is None:
        _warn_unknown("woocommerce", "order status", value, "processing")
        return "processing"
    return mapped


# --- Merchant-defined (SQL, REST) ---------------------------------------------------------
_GENERIC_ALIASES: Final[dict[str, OrderStatus]] = {
    "new": "pending",
    "unpaid": "pending",
    "awaiting_payment": "pending",
    "paid": "processing",
    "in_progress": "processing",
    "preparing": "processing",
    "hold": "on_hold",
    "onhold": "on_hold",
    "sent": "shipped",
    "dispatched": "shipped",
    "in_transit": "shipped",
    "fulfilled": "shipped",
    "partially_fulfilled": "partially_shipped",
    "complete": "completed",
    "done": "completed",
    "closed": "completed",
    "canceled": "cancelled",
    "voided": "cancelled",
    "returned": "refunded",
    "declined": "failed",
    "error": "failed",
}


def generic_status(status: str | None, overrides: dict[str, str] | None = None) -> OrderStatus:
    """Normalise a status from the merchant's own database or API.

    ``overrides`` is the mapping's own status table (their value → a normalised status).
    """
    raw = (status or "").strip()
    override = _as_status((overrides or {}).get(raw))
    if override is not None:
        return override
    key = raw.lower().replace("-", "_").replace(" ", "_")
    direct = _as_status(key)
    if direct is not None:
        return direct
    if key in _GENERIC_ALIASES:
        return _GENERIC_ALIASES[key]
    wc = WOOCOMMERCE_STATUS.get(raw.lower())
    if wc is not None:
        return wc
    _warn_unknown("custom", "order status", raw, "processing")
    return "processing"


def _as_status(value: str | None) -> OrderStatus | None:
    for status in ORDER_STATUSES:
        if status == value:
            return status
    return None
