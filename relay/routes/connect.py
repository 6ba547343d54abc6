"""Connect flows: the console starts and picks up (signed), the platforms call back (public).

``/v1/console/connect/woocommerce`` and ``/v1/console/connect/shopify`` start one and answer
the address to open in the browser; ``/v1/console/connect/{id}`` tells whether it is done
(and hands the credentials over once); the shop posts to ``/v1/connect/woocommerce/{state}``,
Shopify redirects to ``/v1/connect/shopify/callback``; both end on ``/v1/connect/done``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from html import escape

from aiohttp import web

from connectors.errors import IntegrationError
from connectors.shopify import ShopifyConnector
from relay.keys import CONNECT, CONSOLE, HTTP, LOOKUPS, SETTINGS, STORE
from relay.responses import ApiError, json_response, read_json
from relay.routes.console import signed
from relay.services.connect import ConnectService


def public_url(request: web.Request) -> str:
    """The relay's address as the outside world reaches it: the configured public URL, else
    the address this request came to (the scheme from ``X-Forwarded-Proto`` behind a
    trusted proxy)."""
    configured = request.app[SETTINGS].public_url
    if configured:
        return configured
    scheme = request.scheme
    if request.app[SETTINGS].trust_forwarded:
        scheme = request.headers.get("X-Forwarded-Proto", scheme).split(",")[0].strip()
    return f"{scheme}://{request.host}"


@signed
async def start_woocommerce(request: web.Request) -> web.Response:
    result = await request.app[CONNECT].start_woocommerce(
        request[CONSOLE].id, await read_json(request), public_url(request)
    )
    return json_response(result, status=201)


@signed
async def start_shopify(request: web.Request) -> web.Response:
    result = await request.app[CONNECT].start_shopify(
        request[CONSOLE].id, await read_json(request), public_url(request)
    )
    return json_response(result, status=201)


@signed
async def pick_up(request: web.Request) -> web.Response:
    result = await request.app[CONNECT].pick_up(request[CONSOLE].id, request.match_info["id"])
    return json_response(result)


@signed
async def cancel(request: web.Request) -> web.Response:
    await request.app[CONNECT].cancel(request[CONSOLE].id, request.match_info["id"])
    return json_response({"ok": True})


@signed
async def access_token(request: web.Request) -> web.Response:
    """A current access token of a Shopify store connected with the authorization code: the
    relay alone renews it (Shopify rotates the refresh token on each use), the console
    borrows it for its own syncs and lookups."""
    store = request.app[STORE].store(request.match_info["id"])
    if store is None:
        raise ApiError(404, "not_found", "This store is not published to the relay.")
    if store.platform != "shopify" or store.settings.get("auth") != "authorization_code":
        raise ApiError(
            422, "invalid", "Only Shopify stores connected by authorization have their token here."
        )
    connector = request.app[LOOKUPS].lookup_for(store).connector()
    if not isinstance(connector, ShopifyConnector):
        raise ApiError(422, "invalid", "This store's connector has no access token.")
    try:
        token = await connector.access_token()
    except IntegrationError as exc:
        raise ApiError(502, "store_refused", str(exc)) from None
    return json_response({"token": token})


async def woocommerce_callback(request: web.Request) -> web.Response:
    await request.app[CONNECT].woocommerce_keys(
        request.match_info["state"], await read_json(request)
    )
    return json_response({"ok": True})


def _page(title: str, text: str, status: int = 200) -> web.Response:
    html = (
        "<!doctype html><html lang='en'><meta charset='utf-8'>"
        f"<title>{escape(title)}</title><body style='font:16px system-ui;margin:3em'>"
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p></body></html>"
    )
    return web.Response(text=html, content_type="text/html", status=status)


async def shopify_callback(request: web.Request) -> web.Response:
    try:
        await request.app[CONNECT].shopify_callback(request.query)
    except ApiError as exc:
        return _page("Storedesk could not connect the store", exc.message, exc.status)
    return done(request)


def done(request: web.Request) -> web.Response:
    if request.query.get("success") == "0":
        return _page("The store was not connected", "Access was refused; you can close this page.")
    return _page(
        "Store connected",
        "Storedesk has what it needs. You can close this page and return to Storedesk.",
    )


async def _service(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    app[CONNECT] = ConnectService(
        app[STORE], relay_key=settings.relay_key, http=app[HTTP], now=settings.now
    )
    yield


async def done_handler(request: web.Request) -> web.Response:
    return done(request)


def setup_connect(app: web.Application) -> None:
    router = app.router
    router.add_post("/v1/console/connect/woocommerce", start_woocommerce, name="connect.woo")
    router.add_post("/v1/console/connect/shopify", start_shopify, name="connect.shopify")
    router.add_get("/v1/console/connect/{id}", pick_up, name="connect.pick_up")
    router.add_delete("/v1/console/connect/{id}", cancel, name="connect.cancel")
    router.add_post(
        "/v1/console/stores/{id}/access-token", access_token, name="connect.access_token"
    )
    router.add_post("/v1/connect/woocommerce/{state}", woocommerce_callback, name="connect.woo_cb")
    router.add_get("/v1/connect/shopify/callback", shopify_callback, name="connect.shopify_cb")
    router.add_get("/v1/connect/done", done_handler, name="connect.done")
    app.cleanup_ctx.append(_service)
