"""The team behind a relay: invites with a role, the list, role changes, revocation (at
once, on every relay sharing the database), and never a relay without an admin."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from core import signing
from relay.app import create_app
from tests.relay.console_helpers import Console, new_code, paired_console, small_bundle
from tests.relay.team_helpers import console_as

TEAM = "/v1/console/team"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def invite(admin: Console, **body: Any) -> dict[str, Any]:
    status, made = await admin.call("POST", f"{TEAM}/invites", body)
    assert status == 201, made
    return made


async def members(console: Console) -> dict[str, dict[str, Any]]:
    status, body = await console.call("GET", TEAM)
    assert status == 200, body
    return {c["name"]: c for c in body["consoles"]}


async def test_the_operators_code_makes_an_admin(app_client: TestClient) -> None:
    owner = await paired_console(app_client)
    status, body = await owner.call("GET", "/v1/console/status")
    assert status == 200 and body["console"]["role"] == "admin"
    assert body["console"]["name"] == "Test console"


async def test_an_invite_pairs_a_teammate_with_its_role_and_name(app_client: TestClient) -> None:
    owner = await paired_console(app_client)
    made = await invite(owner, role="agent", name="Sam (support)")
    assert made["role"] == "agent" and made["name"] == "Sam (support)"
    assert len(made["code"]) == 9 and made["expires_at"].endswith("Z")
    sam = Console(app_client)
    status, paired = await sam.pair(made["code"], name="sams-laptop")
    assert status == 201 and paired["role"] == "agent" and paired["name"] == "Sam (support)"
    status, body = await sam.call("GET", "/v1/console/status")
    assert body["console"]["role"] == "agent"
    team = await members(owner)
    assert set(team) == {"Test console", "Sam (support)"}
    row = team["Sam (support)"]
    assert row["fingerprint"] == signing.fingerprint(sam.public_key)
    assert row["created_at"] and row["last_seen_at"] and row["revoked_at"] is None
    assert "public_key" not in row
    again, _ = await Console(app_client).pair(made["code"])  # one use only
    assert again == 403


async def test_an_invite_without_a_name_keeps_the_consoles_own(app_client: TestClient) -> None:
    owner = await paired_console(app_client)
    made = await invite(owner, role="viewer")
    status, paired = await Console(app_client).pair(made["code"], name="front desk")
    assert status == 201 and paired["name"] == "front desk" and paired["role"] == "viewer"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "role"),
        ({"role": "owner"}, "role"),
        ({"role": "agent", "expires_in_minutes": 5}, "expires_in_minutes"),
        ({"role": "agent", "expires_in_minutes": 60 * 24 * 8}, "expires_in_minutes"),
        ({"role": "agent", "expires_in_minutes": "60"}, "expires_in_minutes"),
        ({"role": "agent", "name": " "}, "name"),
    ],
)
async def test_invites_are_checked(app_client: TestClient, body: Any, field: str) -> None:
    owner = await paired_console(app_client)
    status, answer = await owner.call("POST", f"{TEAM}/invites", body)
    assert status == 422 and field in answer["error"]["fields"]


async def test_an_invite_lasts_as_long_as_the_admin_chose(
    aiohttp_client: Any, relay_settings: Any
) -> None:
    clock = Clock()
    client = await aiohttp_client(create_app(relay_settings(now=clock)))
    owner = Console(client, clock=lambda: clock.now.timestamp())
    assert (await owner.pair(await new_code(client)))[0] == 201
    made = await invite(owner, role="agent", expires_in_minutes=120)
    assert made["expires_at"] == "2026-03-02T12:00:00Z"
    clock.now += timedelta(minutes=121)
    status, body = await Console(client).pair(made["code"])
    assert status == 403 and "ask an admin for a new invite" in body["error"]["message"]


async def test_an_admin_changes_roles_and_they_hold_at_once(app_client: TestClient) -> None:
    owner = await paired_console(app_client)
    sam = await console_as(app_client, "agent", "Sam")
    status, _ = await sam.call("PUT", "/v1/console/publish", small_bundle())
    assert status == 403
    team = await members(owner)
    status, body = await owner.call("PUT", f"{TEAM}/{team['Sam']['id']}/role", {"role": "admin"})
    assert status == 200 and body["console"]["role"] == "admin"
    status, _ = await sam.call("PUT", "/v1/console/publish", small_bundle())
    assert status == 200
    status, body = await sam.call("PUT", f"{TEAM}/{team['Sam']['id']}/role", {"role": "viewer"})
    assert status == 200  # Sam demotes himself: the owner is still an admin
    status, body = await sam.call("POST", "/v1/console/conversations/x/reply", {"text": "hi"})
    assert status == 403 and "is a viewer" in body["error"]["message"]


async def test_role_changes_are_checked(app_client: TestClient) -> None:
    owner = await paired_console(app_client)
    team = await members(owner)
    mine = team["Test console"]["id"]
    status, body = await owner.call("PUT", f"{TEAM}/{mine}/role", {"role": "boss"})
    assert status == 422 and "role" in body["error"]["fields"]
    status, body = await owner.call("PUT", f"{TEAM}/cn_unknown/role", {"role": "agent"})
    assert status == 404 and body["error"]["code"] == "not_found"


async def test_the_last_admin_can_be_neither_demoted_nor_revoked(app_client: TestClient) -> None:
    owner = await paired_console(app_client)
    await console_as(app_client, "agent", "Sam")
    mine = (await members(owner))["Test console"]["id"]
    status, body = await owner.call("PUT", f"{TEAM}/{mine}/role", {"role": "agent"})
    assert status == 409 and body["error"]["code"] == "last_admin"
    assert "last admin" in body["error"]["message"]
    status, body = await owner.call("DELETE", f"{TEAM}/{mine}")
    assert status == 409 and body["error"]["code"] == "last_admin"
    status, body = await owner.call("GET", "/v1/console/status")
    assert status == 200 and body["console"]["role"] == "admin"


async def test_with_two_admins_one_may_leave(app_client: TestClient) -> None:
    owner = await paired_console(app_client)
    second = await console_as(app_client, "admin", "Co-owner")
    team = await members(owner)
    status, _ = await second.call("DELETE", f"{TEAM}/{team['Test console']['id']}")
    assert status == 200
    status, body = await second.call("DELETE", f"{TEAM}/{team['Co-owner']['id']}")
    assert status == 409 and body["error"]["code"] == "last_admin"  # now the last one


async def test_a_revoked_console_is_refused_at_once(app_client: TestClient) -> None:
    owner = await paired_console(app_client)
    sam = await console_as(app_client, "agent", "Sam")
    sam_id = (await members(owner))["Sam"]["id"]
    stream = await app_client.get(
        "/v1/console/stream", headers=sam.headers("GET", "/v1/console/stream", b"")
    )
    assert stream.status == 200
    assert await stream.content.readuntil(b"event: events\n") and await stream.content.readline()
    status, body = await owner.call("DELETE", f"{TEAM}/{sam_id}")
    assert status == 200 and body["console"]["revoked_at"]
    rest = await asyncio.wait_for(stream.content.read(), 10)  # read() returns at the end
    assert rest.strip() == b"" and stream.content.at_eof()  # its live stream ended
    status, body = await sam.call("GET", "/v1/console/status")
    assert status == 401 and body["error"]["code"] == "revoked"
    assert "revoked" in body["error"]["message"]
    assert "Sam" not in await members(owner)
    status, body = await owner.call("DELETE", f"{TEAM}/{sam_id}")
    assert status == 404  # already gone
    made = await invite(owner, role="viewer")  # a new invite lets the same key back in
    assert (await sam.pair(made["code"], name="Sam again"))[0] == 201
    status, body = await sam.call("GET", "/v1/console/status")
    assert status == 200 and body["console"]["role"] == "viewer"


async def test_a_revocation_through_one_relay_holds_on_another(
    relay_pg_url: str, aiohttp_client: Any, relay_settings: Any
) -> None:
    """Two relays on one PostgreSQL database (the schema outlives both: asked for first)."""
    first = await aiohttp_client(create_app(relay_settings(database_url=relay_pg_url)))
    second = await aiohttp_client(create_app(relay_settings(database_url=relay_pg_url)))
    owner = await paired_console(first)
    sam = await console_as(first, "admin", "Sam")
    sam_there = Console(second, private_key=sam.private_key)
    assert (await sam_there.call("GET", "/v1/console/status"))[0] == 200  # known there now
    sam_id = (await members(owner))["Sam"]["id"]
    status, _ = await owner.call("PUT", f"{TEAM}/{sam_id}/role", {"role": "viewer"})
    assert status == 200
    status, body = await sam_there.call("PUT", "/v1/console/publish", small_bundle())
    assert status == 403 and "is a viewer" in body["error"]["message"]
    stream = await second.get(
        "/v1/console/stream", headers=sam.headers("GET", "/v1/console/stream", b"")
    )
    assert stream.status == 200 and await stream.content.readuntil(b"data: {}\n\n")
    status, _ = await owner.call("DELETE", f"{TEAM}/{sam_id}")
    assert status == 200
    status, body = await sam_there.call("GET", "/v1/console/status")
    assert status == 401 and body["error"]["code"] == "revoked"
    await asyncio.wait_for(stream.content.read(), 10)  # the other relay ended its stream too
    assert stream.content.at_eof()
    made = await invite(owner, role="agent")  # paired again through the first relay
    assert (await sam.pair(made["code"]))[0] == 201
    status, body = await sam_there.call("GET", "/v1/console/status")
    assert status == 200 and body["console"]["role"] == "agent"
