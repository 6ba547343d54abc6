"""The demo storefront: ``GET /demo/{widget_key}`` (a small shop page with the widget
embedded) and ``GET /demo/assets/{name}`` (its stylesheet and images), served only when the
relay runs with ``--demo-pages``.

The page is ``widget/demo/shop.html`` with ``{{relay}}`` (the relay's ``--public-url``) and
``{{widget_key}}`` filled in, both HTML-escaped. It has no inline script or style and goes
out with a strict Content-Security-Policy, so it also shows the widget works on such a page.
A demo page that does not exist (demo pages off, a widget that is not published) is a small
HTML page saying so, since a person opened it in a browser.
"""

from __future__ import annotations

import html
import re

from aiohttp import web

from relay.assets import WidgetAssets
from relay.keys import SETTINGS, STORE
from relay.responses import error_response
from relay.routes.widget import SHORT_CACHE, asset_response, unavailable

DEMO_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
_SLOT = re.compile(r"\{\{(relay|widget_key)\}\}")
_OFF = "Demo pages are off on this relay. Start it with storedesk-relay serve --demo-pages."
_UNKNOWN = (
    "No widget with the key “{key}” is published on this relay. "
    "Publish it from the console with storedesk relay publish."
)
_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>{title}</title></head><body><h1>{title}</h1><p>{text}</p></body></html>"
)


def relay_origin(request: web.Request) -> str:
    """This relay's public address (``--public-url``), never the request's Host header:
    a page must not name whatever host a client (or a poisoned cache) claims."""
    return request.app[SETTINGS].public_address


def fill(template: str, relay: str, widget_key: str) -> str:
    """The page with its two slots filled in, each HTML-escaped, in one pass."""
    values = {"relay": html.escape(relay, quote=True), "widget_key": html.escape(widget_key)}
    return _SLOT.sub(lambda match: values[match.group(1)], template)


def html_page(status: int, title: str, text: str) -> web.Response:
    """A minimal page for a person who opened an address in a browser (text escaped)."""
    body = _PAGE.format(title=html.escape(title), text=html.escape(text))
    return web.Response(
        status=status,
        text=body,
        content_type="text/html",
        charset="utf-8",
        headers={"Cache-Control": "no-store"},
    )


class DemoRoutes:
    def __init__(self, assets: WidgetAssets) -> None:
        self.assets = assets

    async def page(self, request: web.Request) -> web.Response:
        key = request.match_info["widget_key"]
        if not request.app[SETTINGS].demo_pages:
            return html_page(404, "Not found", _OFF)
        if request.app[STORE].widget(key) is None:
            return html_page(404, "Not found", _UNKNOWN.format(key=key))
        if self.assets.demo_page is None:
            return unavailable(request, self.assets)
        body = fill(self.assets.demo_page, relay_origin(request), key)
        headers = {"Content-Security-Policy": DEMO_CSP, "Cache-Control": "no-cache"}
        return web.Response(text=body, content_type="text/html", charset="utf-8", headers=headers)

    async def asset(self, request: web.Request) -> web.Response:
        asset = self.assets.demo_files.get(request.match_info["name"])
        if not request.app[SETTINGS].demo_pages or asset is None:
            return error_response(request, 404, "not_found", "There is no such demo file.")
        return asset_response(request, asset, SHORT_CACHE, cross_origin=False)


def setup_demo(app: web.Application, assets: WidgetAssets) -> None:
    routes = DemoRoutes(assets)
    app.router.add_get("/demo/assets/{name}", routes.asset, name="demo.asset")
    app.router.add_get("/demo/{widget_key}", routes.page, name="demo.page")
