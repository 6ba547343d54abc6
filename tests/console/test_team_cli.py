"""`storedesk team …` against the real relay on a real port: an admin invites a teammate,
who pairs with the printed command; roles change, the last admin is kept, a revoked
console is refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.console.conftest import Cli
from tests.console.test_relay_cli import Relay, paired, relay  # noqa: F401 (fixtures)


@pytest.fixture
def teammate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    yield Cli(tmp_path / "teammate", capsys)


def invite(cli: Cli, *args: str) -> str:
    """The pairing command the admin is given, as the teammate types it."""
    code, out, err = cli("team", "invite", *args)
    assert code == 0, err
    return next(line.strip() for line in out.splitlines() if "storedesk relay pair" in line)


def team(cli: Cli) -> dict[str, dict[str, str]]:
    code, out, err = cli("team", "list", "--json")
    assert code == 0, err
    return {row["name"]: row for row in json.loads(out)["consoles"]}


def test_an_invited_teammate_pairs_as_an_agent(paired: Cli, teammate: Cli, relay: Relay) -> None:  # noqa: F811
    command = invite(paired, "--role", "agent", "--name", "Sam")
    assert command.startswith(f"storedesk relay pair {relay.url} ")
    code, out, err = teammate(*command.split()[1:])
    assert code == 0, err
    members = team(paired)
    assert members["Sam"]["role"] == "agent" and members["test pc"]["role"] == "admin"
    code, out, _ = paired("team", "list")
    assert "agent   Sam" in out and "(this console)" in out and "last seen" in out

    code, _, err = teammate("relay", "publish")
    assert code == 4 and "Only an admin may publish" in err and "is an agent" in err
    code, _, err = teammate("team", "invite", "--role", "viewer")
    assert code == 4 and "Only an admin may invite teammates" in err


def test_roles_change_and_the_last_admin_is_kept(
    paired: Cli,  # noqa: F811
    teammate: Cli,
) -> None:
    command = invite(paired, "--role", "viewer", "--name", "Front desk")
    assert teammate(*command.split()[1:])[0] == 0
    code, out, err = paired("team", "role", "front desk", "admin")
    assert code == 0, err
    assert "Front desk" in out and "is now admin" in out
    code, out, err = paired("team", "role", "Front desk", "owner")
    assert code == 2 and "not a role" in err
    code, out, err = paired("team", "role", "nobody", "agent")
    assert code == 2 and "no paired console is called 'nobody'" in err
    code, out, err = teammate("team", "role", "test pc", "viewer", "--json")
    assert code == 0, err
    assert json.loads(out)["role"] == "viewer"
    code, _, err = teammate("team", "role", "Front desk", "agent")
    assert code == 1 and "last admin" in err
    fingerprint = team(teammate)["test pc"]["fingerprint"]
    code, out, err = teammate("team", "revoke", fingerprint[:16], "--yes")
    assert code == 0 and "Revoked test pc" in out
    code, _, err = paired("relay", "status")
    assert code == 4 and "revoked" in err


def test_revoking_asks_first(
    paired: Cli,  # noqa: F811
    teammate: Cli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert teammate(*invite(paired, "--role", "viewer", "--name", "Kim").split()[1:])[0] == 0
    monkeypatch.setattr("builtins.input", lambda _question: "n")
    code, out, _ = paired("team", "revoke", "Kim")
    assert code == 0 and "Nothing was revoked" in out
    assert "Kim" in team(paired)
    monkeypatch.setattr("builtins.input", lambda _question: "y")
    code, out, _ = paired("team", "revoke", "Kim", "--json")
    assert code == 0 and json.loads(out)["revoked_at"]
    assert "Kim" not in team(paired)


def test_pending_invites_are_listed_without_codes_and_cancelled(
    paired: Cli,  # noqa: F811
    teammate: Cli,
) -> None:
    code, out, err = paired("team", "invites")
    assert code == 0 and "No pending invites" in out, err
    command = invite(paired, "--role", "viewer", "--name", "Front desk", "--expires", "60")
    secret = command.rsplit(" ", 1)[1]
    code, out, err = paired("team", "invites")
    assert code == 0, err
    assert "viewer" in out and "Front desk" in out and "expires" in out
    assert secret not in out and secret.replace("-", "") not in out
    code, out, err = paired("team", "invites", "--json")
    rows = json.loads(out)["invites"]
    assert len(rows) == 1 and secret not in out
    invite_id = rows[0]["id"]

    code, out, err = paired("team", "cancel-invite", "zz")
    assert code == 2 and "at least 4 characters" in err
    code, out, err = paired("team", "cancel-invite", invite_id[:6])
    assert code == 0, err
    assert f"Cancelled invite {invite_id} for Front desk (viewer)" in out
    assert json.loads(paired("team", "invites", "--json")[1])["invites"] == []
    code, _, err = teammate(*command.split()[1:])
    assert code != 0 and "wrong, used or expired" in err
    code, _, err = paired("team", "cancel-invite", invite_id)
    assert code == 2 and "no pending invite" in err
