"""The Shopify app proxy: a storefront's app embed asks ``/apps/storedesk/identity`` on the
shop's own domain; Shopify forwards it here as ``GET /v1/shopify/proxy/{widget_key}/identity``
with its signature and the signed-in customer's id. The relay checks the signature with the
app's client secret (the one published with the widget's Shopify store for its webhooks, else
``STOREDESK_RELAY_SHOPIFY_PROXY_SECRET``), looks the customer up in the widget's store, and
answers the signed identity the widget passes on (``core.bot.identity``):
``{"identity": {"email", "ts", "signature"}}``, or ``{"identity": null}`` for a guest.
"""

from __future__ import annotations

from aiohttp import web

from connectors.shopify.app_proxy import verify_proxy
from core.bot import StoreUnavailable
from core.bot.identity import sign_identity
from relay.keys import LOOKUPS, SETTINGS, STORE
from relay.responses import ApiError, json_response
from relay.storage.records import PublishedStore

PRIVATE = {"Cache-Control": "no-store, private"}
_GUEST = {"identity": None}


def proxy_secret(store: PublishedStore | None, fallback: bytes | None) -> bytes | None:
    """The Shopify app's client secret: the widget's Shopify store's, else the relay's own."""
    if store is not None and store.platform == "shopify":
        published = store.secrets.get("client_secret")
        if isinstance(published, str) and published:
            return published.encode()
    return fallback


async def identity(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    widget = request.app[STORE].widget(request.match_info["key"])
    if widget is None:
        raise ApiError(404, "not_found", "There is no chat widget with this key.")
    store = request.app[STORE].store(widget.store_id) if widget.store_id else None
    secret = proxy_secret(store, settings.shopify_proxy_secret)
    if secret is None:
        raise ApiError(404, "not_found", "This relay has no Shopify app proxy set up.")
    if not verify_proxy(secret, list(request.query.items()), now=settings.now()):
        raise ApiError(401, "bad_signature", "This request was not signed by Shopify.")
    customer_id = request.query.get("logged_in_customer_id", "").strip()
    if customer_id and not (customer_id.isascii() and customer_id.isdigit()):
        raise ApiError(400, "invalid", "logged_in_customer_id is not a Shopify customer id.")
    if not customer_id or len(customer_id) > 20 or not widget.identity_secret or store is None:
        return json_response(_GUEST, headers=PRIVATE)
    try:
        customer = await request.app[LOOKUPS].lookup_for(store).get_customer_by_id(customer_id)
    except StoreUnavailable:
        raise ApiError(503, "store_unavailable", "The store is not answering; try again.") from None
    if customer is None or not customer.email or ":" in customer.email:
        return json_response(_GUEST, headers=PRIVATE)
    ts = int(settings.now().timestamp())
    email = customer.email.strip().lower()
    signature = sign_identity(widget.identity_secret, email, ts)
    body = {"identity": {"email": email, "ts": ts, "signature": signature}}
    return json_response(body, headers=PRIVATE)


def setup_shopify_proxy(app: web.Application) -> None:
    app.router.add_get("/v1/shopify/proxy/{key}/identity", identity, name="shopify.proxy")
