"""The widget's files: ``GET /widget.js`` (the loader, short cache) and
``GET /widget/{version}/{name}`` (the panel's script and stylesheet, cached for a year).

Every answer carries a strong ETag (``If-None-Match`` → 304), the best encoding the browser
accepts (br, then gzip, then none, with ``Vary: Accept-Encoding``) and
``Cross-Origin-Resource-Policy: cross-origin`` so shop pages on any origin may load it.
An unknown version gets the current files with the loader's short cache rather than a 404:
a browser holding a loader from before an upgrade (or another relay instance mid-deploy)
still gets a working panel, and nothing wrong is cached for a year.
"""

from __future__ import annotations

import re

from aiohttp import web

from relay.assets import PANEL_FILES, Asset, WidgetAssets, accepted_encodings, etag_matches
from relay.responses import error_response

SHORT_CACHE = "public, max-age=300"
LONG_CACHE = "public, max-age=31536000, immutable"
_VERSION = re.compile(r"^(dev|[0-9a-f]{6,64})$")


def asset_response(
    request: web.Request, asset: Asset, cache_control: str, *, cross_origin: bool = True
) -> web.Response:
    """``asset`` in the encoding the request accepts, or 304 when the browser has it."""
    encoded = asset.for_encodings(accepted_encodings(request.headers.get("Accept-Encoding", "")))
    headers = {"Cache-Control": cache_control, "ETag": encoded.etag, "Vary": "Accept-Encoding"}
    if cross_origin:
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        headers["Access-Control-Allow-Origin"] = "*"
    if etag_matches(request.headers.get("If-None-Match", ""), encoded.etag):
        return web.Response(status=304, headers=headers)
    if encoded.encoding:
        headers["Content-Encoding"] = encoded.encoding
    headers["Content-Type"] = asset.content_type
    return web.Response(body=encoded.body, headers=headers)


def unavailable(request: web.Request, assets: WidgetAssets) -> web.Response:
    """503 naming the files this installation lacks."""
    return error_response(
        request,
        503,
        "widget_unavailable",
        f"The chat widget's files are missing from this relay ({', '.join(assets.missing)}); "
        "reinstall Storedesk on the relay.",
    )


class WidgetRoutes:
    def __init__(self, assets: WidgetAssets) -> None:
        self.assets = assets

    async def loader(self, request: web.Request) -> web.Response:
        if not self.assets.ready or self.assets.loader is None:
            return unavailable(request, self.assets)
        return asset_response(request, self.assets.loader, SHORT_CACHE)

    async def panel(self, request: web.Request) -> web.Response:
        version, name = request.match_info["version"], request.match_info["name"]
        if name not in PANEL_FILES or not _VERSION.match(version):
            return error_response(request, 404, "not_found", "There is no such widget file.")
        asset = self.assets.panel.get(name)
        if asset is None:
            return unavailable(request, self.assets)
        current = version == self.assets.version
        return asset_response(request, asset, LONG_CACHE if current else SHORT_CACHE)


def setup_widget(app: web.Application, assets: WidgetAssets) -> None:
    routes = WidgetRoutes(assets)
    app.router.add_get("/widget.js", routes.loader, name="widget.loader")
    app.router.add_get("/widget/{version}/{name}", routes.panel, name="widget.file")
