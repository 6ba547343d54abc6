"""A widget's language-model agent, set by the console (signed): ``PUT`` the settings (the
API key among them; it is sealed and never given back), ``DELETE`` to turn the agent off."""

from __future__ import annotations

from aiohttp import web

from relay.keys import AGENTS
from relay.responses import ApiError, json_response, read_json
from relay.routes.console import signed

PATH = "/v1/console/widgets/{key}/ai"


@signed
async def configure(request: web.Request) -> web.Response:
    settings = await request.app[AGENTS].configure(
        request.match_info["key"], await read_json(request)
    )
    return json_response(settings.public_json())


@signed
async def remove(request: web.Request) -> web.Response:
    if not await request.app[AGENTS].remove(request.match_info["key"]):
        raise ApiError(404, "not_found", "This widget has no agent set up on the relay.")
    return json_response({"ok": True})


def setup_ai(app: web.Application) -> None:
    app.router.add_put(PATH, configure, name="ai.configure")
    app.router.add_delete(PATH, remove, name="ai.remove")
