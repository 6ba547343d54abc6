"""Consoles of each role on a test relay, and raw signed calls to any console route."""

from __future__ import annotations

import re
from typing import Any

import orjson
from aiohttp import web
from aiohttp.test_utils import TestClient

from core.team import TeamRole
from relay.keys import SETTINGS, STORE
from relay.services.pairing import issue_code
from relay.storage import Grant
from tests.relay.console_helpers import Console

CONSOLE_PREFIX = "/v1/console/"


async def console_as(client: TestClient, role: TeamRole, name: str | None = None) -> Console:
    """A console paired with a code that grants ``role`` (as an admin's invite does)."""
    app = client.app
    code = await issue_code(
        app[STORE], app[SETTINGS].relay_key, app[SETTINGS].now(), grant=Grant(role, name)
    )
    console = Console(client)
    status, body = await console.pair(code, name=f"{role} console")
    assert status == 201 and body["role"] == role, body
    return console


def console_routes(app: web.Application) -> dict[str, tuple[str, str]]:
    """Every console API route but pairing: name → (method, path template)."""
    found: dict[str, tuple[str, str]] = {}
    for route in app.router.routes():
        info = route.resource.get_info() if route.resource is not None else {}
        path = info.get("path") or info.get("formatter") or ""
        if route.method == "HEAD" or not path.startswith(CONSOLE_PREFIX):
            continue
        name = route.resource.name if route.resource is not None else None
        if name != "console.pair":
            found[str(name)] = (route.method, path)
    return found


def fill(path: str) -> str:
    """``/v1/console/conversations/{id}/reply`` → a concrete path (ids that exist nowhere)."""
    return re.sub(r"\{[^}]+\}", "nothing_here_01", path)


async def signed_status(console: Console, method: str, path: str, body: Any) -> tuple[int, Any]:
    """Status and JSON error body (``None`` for a stream that opened)."""
    raw = b"" if body is None else orjson.dumps(body)
    response = await console.client.request(
        method, path, data=raw, headers=console.headers(method, path, raw)
    )
    try:
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, None
    finally:
        response.close()
