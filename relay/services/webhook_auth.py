"""Store webhook deliveries checked on their raw body before anything is kept.

Shopify signs with the app's client secret (``X-Shopify-Hmac-Sha256``) and names the shop
(``X-Shopify-Shop-Domain``); WooCommerce signs with the webhook's own secret
(``X-WC-Webhook-Signature``) and reaches the store's own address on the relay. Both are
base64 HMAC-SHA256 of the raw body, compared in constant time. A wrong or missing
signature is a 401, a delivery without its id or topic or with a body that is not a JSON
object a 400; only then is it kept, once per delivery (the dedupe key).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

import orjson

from connectors.shopify import webhooks as shopify
from connectors.woocommerce import webhooks as woocommerce
from relay.responses import ApiError
from relay.storage import PublishedStore
from relay.storage.records import NewDelivery

SHOPIFY_TOPICS = frozenset(shopify.TOPICS + shopify.COMPLIANCE_TOPICS)
SHOPIFY_COMPLIANCE = frozenset(shopify.COMPLIANCE_TOPICS)
WOOCOMMERCE_TOPICS = frozenset(woocommerce.TOPICS)


@dataclass(frozen=True, slots=True)
class Incoming:
    """A verified delivery: ``known`` when its topic is one Storedesk acts on."""

    platform: str
    store_id: str
    topic: str
    delivery_id: str
    dedupe_key: str
    body: bytes = field(repr=False)
    known: bool

    def to_new(self, now: datetime) -> NewDelivery:
        return NewDelivery(
            dedupe_key=self.dedupe_key,
            platform=self.platform,
            store_id=self.store_id,
            topic=self.topic,
            delivery_id=self.delivery_id,
            body=self.body,
            received_at=now,
        )


def sign(secret: str | bytes, body: bytes) -> str:
    """Base64 HMAC-SHA256 of ``body``: what both platforms send."""
    key = secret.encode() if isinstance(secret, str) else secret
    return base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()


def signature_matches(secret: str | bytes | None, body: bytes, header: str | None) -> bool:
    if not secret or not header:
        return False
    given = header.strip().encode("utf-8", "replace")  # never raises, even on odd bytes
    return hmac.compare_digest(sign(secret, body).encode(), given)


def _unauthorized(platform: str) -> ApiError:
    return ApiError(
        401,
        "bad_signature",
        f"The {platform} webhook signature does not match this store's secret.",
    )


def _bad(message: str) -> ApiError:
    return ApiError(400, "bad_delivery", message)


def _json_object(body: bytes) -> Mapping[str, Any]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        raise _bad("The webhook body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise _bad("The webhook body must be a JSON object.")
    return data


def _key(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _header(headers: Mapping[str, str], name: str, limit: int = 128) -> str:
    value = (headers.get(name) or "").strip()
    if not value:
        raise _bad(f"The delivery has no {name} header.")
    if len(value) > limit:
        raise _bad(f"The {name} header is longer than {limit} characters.")
    return value


def shop_domain(value: str) -> str:
    return value.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")


def shopify_store(stores: Iterable[PublishedStore], domain: str) -> PublishedStore | None:
    wanted = shop_domain(domain)
    for store in stores:
        if (
            store.platform == "shopify"
            and shop_domain(str(store.settings.get("shop", ""))) == wanted
        ):
            return store
    return None


def verify_shopify(
    stores: Iterable[PublishedStore], headers: Mapping[str, str], body: bytes
) -> Incoming:
    domain = headers.get("X-Shopify-Shop-Domain", "")
    store = shopify_store(stores, domain) if domain else None
    secret = store.secrets.get("client_secret") if store is not None else None
    if store is None or not signature_matches(secret, body, headers.get("X-Shopify-Hmac-Sha256")):
        raise _unauthorized("Shopify")
    topic = _header(headers, "X-Shopify-Topic", 64).lower()
    webhook_id = _header(headers, "X-Shopify-Webhook-Id")
    _json_object(body)
    return Incoming(
        platform="shopify",
        store_id=store.id,
        topic=topic,
        delivery_id=webhook_id,
        dedupe_key=_key("shopify", store.id, webhook_id),
        body=body,
        known=topic in SHOPIFY_TOPICS,
    )


def woocommerce_store(stores: Iterable[PublishedStore], hook: str) -> PublishedStore | None:
    for store in stores:
        key = store.settings.get("webhook_key")
        if (
            store.platform == "woocommerce"
            and isinstance(key, str)
            and key
            and hmac.compare_digest(key.encode(), hook.encode())
        ):
            return store
    return None


def is_ping(headers: Mapping[str, str], body: bytes) -> bool:
    """WooCommerce's ping when a webhook is saved: ``webhook_id=N``, form-encoded, with no
    ``X-WC-Webhook-*`` headers and no signature."""
    if any(name.lower().startswith("x-wc-webhook-") for name in headers):
        return False
    if len(body) > 64:
        return False
    try:
        form = parse_qs(body.decode("ascii"), strict_parsing=True)
    except (UnicodeDecodeError, ValueError):
        return False
    values = form.get("webhook_id", [])
    return list(form) == ["webhook_id"] and len(values) == 1 and values[0].isdigit()


def verify_woocommerce(
    stores: Iterable[PublishedStore], hook: str, headers: Mapping[str, str], body: bytes
) -> Incoming:
    store = woocommerce_store(stores, hook)
    secret = store.secrets.get("webhook_secret") if store is not None else None
    if store is None or not signature_matches(secret, body, headers.get("X-WC-Webhook-Signature")):
        raise _unauthorized("WooCommerce")
    topic = _header(headers, "X-WC-Webhook-Topic", 64).lower()
    delivery_id = _header(headers, "X-WC-Webhook-Delivery-ID")
    webhook_id = (headers.get("X-WC-Webhook-ID") or "").strip()[:32]
    _json_object(body)
    # WooCommerce derives a delivery id from the webhook and the second it was sent, so two
    # different deliveries in one second share it (seen in real 9.4.3 traffic): a duplicate
    # is the same delivery id with the same body.
    digest = hashlib.sha256(body).hexdigest()
    return Incoming(
        platform="woocommerce",
        store_id=store.id,
        topic=topic,
        delivery_id=delivery_id,
        dedupe_key=_key("woocommerce", store.id, webhook_id, delivery_id, digest),
        body=body,
        known=topic in WOOCOMMERCE_TOPICS,
    )
