"""Console API for the team (``/v1/console/team…``, signed): invite a teammate with a role,
list and cancel the invites not used yet, list the paired consoles, change a role, revoke a
console. Who may call each route is in
``relay.services.roles`` (listing: everyone; changes: admins)."""

from __future__ import annotations

from aiohttp import web

from relay.keys import CONSOLE, FEED, SETTINGS, STORE
from relay.responses import json_response, read_json
from relay.routes.console import signed
from relay.services import team


@signed
async def members(request: web.Request) -> web.Response:
    consoles = await request.app[STORE].team()
    body = {"consoles": [c.to_json() for c in consoles], "you": request[CONSOLE].id}
    return json_response(body)


@signed
async def invite(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    body = await read_json(request)
    made = await team.invite(
        request.app[STORE], settings.relay_key, body, settings.now(), request[CONSOLE].id
    )
    return json_response(made, status=201)


@signed
async def invites(request: web.Request) -> web.Response:
    return json_response({"invites": await team.pending(request.app[STORE])})


@signed
async def cancel_invite(request: web.Request) -> web.Response:
    cancelled = await team.cancel_invite(request.app[STORE], request.match_info["id"])
    return json_response({"invite": cancelled})


@signed
async def set_role(request: web.Request) -> web.Response:
    body = await read_json(request)
    console = await team.set_role(request.app[STORE], request.match_info["id"], body)
    return json_response({"console": console.to_json()})


@signed
async def revoke(request: web.Request) -> web.Response:
    store = request.app[STORE]
    console = await team.revoke(store, request.match_info["id"])
    request.app[FEED].retain(store.active_console_ids())  # its live streams end here, now
    return json_response({"console": console.to_json()})


def setup_team(app: web.Application) -> None:
    router = app.router
    router.add_get("/v1/console/team", members, name="console.team.list")
    router.add_post("/v1/console/team/invites", invite, name="console.team.invite")
    router.add_get("/v1/console/team/invites", invites, name="console.team.invites")
    router.add_delete(
        "/v1/console/team/invites/{id}", cancel_invite, name="console.team.invite_cancel"
    )
    router.add_put("/v1/console/team/{id}/role", set_role, name="console.team.role")
    router.add_delete("/v1/console/team/{id}", revoke, name="console.team.revoke")
