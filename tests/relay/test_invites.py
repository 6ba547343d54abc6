"""Pending invites: an admin lists the codes not used yet (never the codes themselves: the
relay keeps only their HMAC) and cancels one, after which it no longer pairs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from aiohttp.test_utils import TestClient

from relay.app import create_app
from tests.relay.console_helpers import Console, new_code, paired_console
from tests.relay.team_helpers import console_as

INVITES = "/v1/console/team/invites"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


async def invite(admin: Console, **body: Any) -> dict[str, Any]:
    status, made = await admin.call("POST", INVITES, body)
    assert status == 201, made
    return made


async def pending(console: Console) -> list[dict[str, Any]]:
    status, body = await console.call("GET", INVITES)
    assert status == 200, body
    return list(body["invites"])


async def test_an_admin_lists_pending_invites_without_their_codes(app_client: TestClient) -> None:
    owner = await paired_console(app_client)
    _, status_body = await owner.call("GET", "/v1/console/status")
    front = await invite(owner, role="viewer", name="Front desk")
    sam = await invite(owner, role="agent", expires_in_minutes=60)
    assert front["id"] != sam["id"] and len(front["id"]) == 12
    listed = await pending(owner)
    assert [i["id"] for i in listed] == [sam["id"], front["id"]]  # the soonest to expire first
    by_id = {i["id"]: i for i in listed}
    assert by_id[front["id"]]["role"] == "viewer" and by_id[front["id"]]["name"] == "Front desk"
    assert by_id[sam["id"]]["name"] is None
    assert by_id[front["id"]]["expires_at"] == front["expires_at"]
    assert by_id[front["id"]]["created_at"] == front["created_at"]
    assert by_id[front["id"]]["invited_by"] == status_body["console"]["id"]
    raw = orjson.dumps(listed).decode()
    for code in (front["code"], sam["code"]):
        assert code not in raw and code.replace("-", "") not in raw
    assert all("code" not in i for i in listed)


async def test_a_used_or_expired_invite_is_no_longer_pending(
    aiohttp_client: Any, relay_settings: Any
) -> None:
    clock = Clock()
    client = await aiohttp_client(create_app(relay_settings(now=clock)))
    owner = Console(client, clock=lambda: clock.now.timestamp())
    assert (await owner.pair(await new_code(client)))[0] == 201
    used = await invite(owner, role="agent")
    short = await invite(owner, role="viewer", expires_in_minutes=10)
    kept = await invite(owner, role="viewer", expires_in_minutes=120)
    status, _ = await Console(client, clock=lambda: clock.now.timestamp()).pair(used["code"])
    assert status == 201
    clock.now += timedelta(minutes=11)
    assert [i["id"] for i in await pending(owner)] == [kept["id"]]
    assert short["id"] != kept["id"]


async def test_the_relays_own_code_is_listed_without_an_inviter(app_client: TestClient) -> None:
    owner = await paired_console(app_client)
    await new_code(app_client)  # storedesk-relay pairing-code
    listed = await pending(owner)
    assert len(listed) == 1 and listed[0]["role"] == "admin"
    assert listed[0]["invited_by"] is None


async def test_a_cancelled_invite_no_longer_pairs(app_client: TestClient) -> None:
    owner = await paired_console(app_client)
    made = await invite(owner, role="agent", name="Sam")
    status, body = await owner.call("DELETE", f"{INVITES}/{made['id']}")
    assert status == 200 and body["invite"]["id"] == made["id"], body
    assert body["invite"]["name"] == "Sam" and "code" not in body["invite"]
    assert await pending(owner) == []
    status, refused = await Console(app_client).pair(made["code"], name="laptop")
    assert status == 403 and refused["error"]["code"] == "pairing_refused"
    status, again = await owner.call("DELETE", f"{INVITES}/{made['id']}")
    assert status == 404 and "No pending invite" in again["error"]["message"]


async def test_cancelling_needs_a_whole_invite_id(app_client: TestClient) -> None:
    owner = await paired_console(app_client)
    made = await invite(owner, role="agent")
    for wrong in (made["id"][:6], made["id"].upper(), "zzzzzzzzzzzz", made["code"]):
        status, body = await owner.call("DELETE", f"{INVITES}/{wrong}")
        assert status == 404, (wrong, body)
    assert [i["id"] for i in await pending(owner)] == [made["id"]]


async def test_only_admins_see_or_cancel_invites(app_client: TestClient) -> None:
    owner = await paired_console(app_client)
    made = await invite(owner, role="viewer")
    agent = await console_as(app_client, "agent")
    status, body = await agent.call("GET", INVITES)
    assert status == 403 and "Only an admin may see the pending invites" in body["error"]["message"]
    status, body = await agent.call("DELETE", f"{INVITES}/{made['id']}")
    assert status == 403 and "cancel invites" in body["error"]["message"]
