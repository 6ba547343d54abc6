"""Roles on the console API: every signed route has a least role in one table, and every
route refuses (403, naming the role needed) the roles below it."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from core.team import ROLES, allows
from relay.app import create_app
from relay.services.roles import ROUTE_ROLES
from tests.relay.team_helpers import console_as, console_routes, fill, signed_status


def test_every_console_route_has_a_role(relay_settings: Any) -> None:
    routes = console_routes(create_app(relay_settings()))
    missing = sorted(set(routes) - set(ROUTE_ROLES))
    assert not missing, f"console routes without an entry in relay.services.roles: {missing}"
    stale = sorted(set(ROUTE_ROLES) - set(routes))
    assert not stale, f"entries in relay.services.roles for no route: {stale}"


@pytest.mark.parametrize("route", sorted(ROUTE_ROLES))
async def test_each_route_refuses_the_roles_below_its_own(
    app_client: TestClient, route: str
) -> None:
    method, template = console_routes(app_client.app)[route]
    path, needed = fill(template), ROUTE_ROLES[route].role
    body = None if method in ("GET", "DELETE") else {}
    unsigned = await app_client.request(method, path)
    assert unsigned.status == 401, f"{route} answers an unsigned request"
    for role in ROLES:
        console = await console_as(app_client, role)
        status, answer = await signed_status(console, method, path, body)
        refused = status == 403 and (answer or {}).get("error", {}).get("code") == "role_required"
        if allows(role, needed):
            assert not refused and status != 401, f"{route} refused {role}: {status} {answer}"
        else:
            assert refused, f"{route} let {role} through: {status} {answer}"
            message = answer["error"]["message"]
            assert ("Only an admin" if needed == "admin" else "Only an agent") in message
            assert f"is a{'n' if role == 'agent' else ''} {role}" in message


async def test_a_route_missing_from_the_table_is_refused_to_everyone(
    app_client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delitem(ROUTE_ROLES, "console.status")
    admin = await console_as(app_client, "admin")
    status, body = await admin.call("GET", "/v1/console/status")
    assert status == 403 and body["error"]["code"] == "role_required"
    assert "No console role may call console.status" in body["error"]["message"]
