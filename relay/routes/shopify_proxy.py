"""The Shopify app proxy: a storefront's app embed asks ``/apps/storedesk/identity`` on the
shop's own domain; Shopify forwards it here as ``GET /v1/shopify/proxy/{widget_key}/identity``
with its signature and the signed-in customer's id. The relay checks the signature with the
app's client secret (``STOREDESK_RELAY_SHOPIFY_PROXY_SECRET``), looks the customer up in the
widget's store, and answers the signed identity the widget passes on (``core.bot.identity``):
``{"identity": {"email", "ts", "signature"}}``, or ``{"identity": null}`` for a guest.
"""

from __future__ import annotations

from aiohttp import web

from connectors.shopify.app_proxy import verify_proxy
from core.bot import StoreUnavailable
from core.bot.identity import sign_identity
from relay.keys import LOOKUPS, SETTINGS, STORE
from relay.responses import ApiError, json_response

PRIVATE = {"Cache-Control": "no-store, private"}
_GUEST = {"identity": None}


async def identity(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    if settings.shopify_proxy_secret is None:
        raise ApiError(404, "not_found", "This relay has no Shopify app proxy set up.")
    pairs = list(request.query.items())
    if not verify_proxy(settings.shopify_proxy_secret, pairs, now=settings.now()):
        raise ApiError(401, "bad_signature", "This request was not signed by Shopify.")
    widget = request.app[STORE].widget(request.match_info["key"])
    if widget is None:
        raise ApiError(404, "not_found", "There is no chat widget with this key.")
    customer_id = request.query.get("logged_in_customer_id", "").strip()
    if customer_id and not (customer_id.isascii() and customer_id.isdigit()):
        raise ApiError(400, "invalid", "logged_in_customer_id is not a Shopify customer id.")
    store = request.app[STORE].store(widget.store_id) if widget.store_id else None
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
