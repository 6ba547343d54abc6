"""``GET /v1/console/widgets/{key}/installations`` (signed): the pages a widget was loaded
on, seen most recently first; and the log that notes them (``relay.services.installations``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from relay.keys import INSTALLATIONS, SETTINGS, STORE
from relay.responses import ApiError, json_response
from relay.routes.console import signed
from relay.services.installations import InstallationLog
from relay.storage.installations import MAX_PER_WIDGET


@signed
async def list_installations(request: web.Request) -> web.Response:
    key = request.match_info["key"]
    if request.app[STORE].widget(key) is None:
        raise ApiError(
            404, "not_found", "This widget is not published on this relay; publish it first."
        )
    pages = await request.app[INSTALLATIONS].pages(key)
    return json_response({"installations": pages, "limit": MAX_PER_WIDGET})


async def _log(app: web.Application) -> AsyncIterator[None]:
    log = app[INSTALLATIONS] = InstallationLog(app[STORE], app[SETTINGS].now)
    log.start()
    try:
        yield
    finally:
        await log.stop()


def setup_installations(app: web.Application) -> None:
    path = "/v1/console/widgets/{key}/installations"
    app.router.add_get(path, list_installations, name="console.installations")
    app.cleanup_ctx.append(_log)
