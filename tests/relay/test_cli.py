"""`storedesk-relay`: migrate, pairing codes, serve with graceful shutdown, and bad settings
answered with one sentence and an exit code, never a traceback."""

from __future__ import annotations

import asyncio
import re
import signal
from argparse import Namespace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from relay.app import create_app
from relay.cli import main
from relay.settings import Settings
from tests.relay.console_helpers import Console, small_bundle
from tests.relay.process import (
    RelayProcess,
    free_port,
    pair_and_publish,
    relay_env,
    run_relay,
)

CODE = re.compile(r"Pairing code: ([A-Z2-9]{4}-[A-Z2-9]{4})")


def _one_sentence(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("storedesk-relay: ")
    return lines[0]


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out.strip() == "storedesk-relay 0.1.0"
    assert main([]) == 2
    assert "pairing-code" in capsys.readouterr().out


def test_migrate_uses_the_relay_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("STOREDESK_RELAY_HOME", str(tmp_path / "home"))
    assert main(["migrate"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert (tmp_path / "home" / "relay.sqlite").exists()
    assert (tmp_path / "home" / "relay.key").stat().st_mode & 0o777 == 0o600
    assert main(["migrate", "--data-dir", str(tmp_path / "other")]) == 0
    assert (tmp_path / "other" / "relay.sqlite").exists()


async def test_a_printed_pairing_code_pairs_once(
    tmp_path: Path, aiohttp_client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "relay"
    assert await asyncio.to_thread(main, ["pairing-code", "--data-dir", str(data_dir)]) == 0
    out = capsys.readouterr().out
    assert "valid for 10 minutes" in out and "used once" in out
    match = CODE.search(out)
    assert match
    settings = Settings.from_env(Namespace(data_dir=str(data_dir)), env={})
    client = await aiohttp_client(create_app(settings))
    assert (await Console(client).pair(match.group(1)))[0] == 201
    assert (await Console(client).pair(match.group(1)))[0] == 403


async def test_the_server_lists_its_consoles_and_revokes_a_lost_one(
    tmp_path: Path, aiohttp_client: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """On the server itself: list who is paired, and revoke a lost console, never leaving the
    relay without an admin (pair the new one first)."""
    data_dir = ["--data-dir", str(tmp_path / "relay")]
    assert await asyncio.to_thread(main, ["consoles", *data_dir]) == 0
    assert "No console is paired" in capsys.readouterr().out
    settings = Settings.from_env(Namespace(data_dir=str(tmp_path / "relay")), env={})
    client = await aiohttp_client(create_app(settings))
    lost, new = Console(client), Console(client)
    for console in (lost, new):
        assert await asyncio.to_thread(main, ["pairing-code", *data_dir]) == 0
        match = CODE.search(capsys.readouterr().out)
        assert match and (await console.pair(match.group(1)))[0] == 201
    status, team = await new.call("GET", "/v1/console/team")
    assert status == 200
    lost_id = next(c["id"] for c in team["consoles"] if c["id"] != team["you"])

    assert await asyncio.to_thread(main, ["consoles", *data_dir]) == 0
    listed = capsys.readouterr().out
    assert listed.splitlines()[0].split()[:3] == ["ID", "NAME", "ROLE"]
    assert lost_id in listed and listed.count(" admin ") == 2

    assert await asyncio.to_thread(main, ["revoke-console", lost_id, *data_dir]) == 0
    assert "Revoked" in capsys.readouterr().out
    assert (await lost.call("GET", "/v1/console/status"))[0] == 401
    assert (await new.call("GET", "/v1/console/status"))[0] == 200
    assert await asyncio.to_thread(main, ["consoles", *data_dir]) == 0
    assert lost_id not in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["consoles", "--all", *data_dir]) == 0
    assert lost_id in capsys.readouterr().out

    new_id = team["you"]
    assert await asyncio.to_thread(main, ["revoke-console", new_id, *data_dir]) == 1
    refused = _one_sentence(capsys.readouterr().err)
    assert "pairing-code" in refused
    assert await asyncio.to_thread(main, ["revoke-console", "cn_nobody", *data_dir]) == 1
    assert "storedesk-relay consoles" in _one_sentence(capsys.readouterr().err)
    assert (await new.call("GET", "/v1/console/status"))[0] == 200


@pytest.mark.parametrize(
    ("setup", "expected_code", "words"),
    [
        ("bad-key", 2, "STOREDESK_RELAY_KEY"),
        ("data-dir-is-a-file", 2, "data folder"),
        ("unreachable-database", 5, "database"),
        ("unknown-database-kind", 2, "database URL"),
    ],
)
def test_bad_settings_are_one_sentence(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    setup: str,
    expected_code: int,
    words: str,
) -> None:
    args = ["migrate", "--data-dir", str(tmp_path / "relay")]
    if setup == "bad-key":
        monkeypatch.setenv("STOREDESK_RELAY_KEY", "not-a-key")
    elif setup == "data-dir-is-a-file":
        (tmp_path / "relay").write_text("a file")
    elif setup == "unreachable-database":
        args += ["--database-url", f"postgresql://postgres@127.0.0.1:{free_port()}/x"]
    else:
        args += ["--database-url", "mysql://localhost/x"]
    assert main(args) == expected_code
    assert words in _one_sentence(capsys.readouterr().err)


def test_serve_refuses_a_port_in_use(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_relay("serve", "--port", str(port), "--data-dir", str(tmp_path / "r"))
    assert result.returncode == 2
    assert f"127.0.0.1:{port}" in _one_sentence(result.stderr.splitlines()[-1])


async def test_sigterm_drains_closes_streams_and_exits_cleanly(tmp_path: Path) -> None:
    relay = RelayProcess(tmp_path / "relay", env=relay_env()).start()
    try:
        bundle = small_bundle()
        await pair_and_publish(relay, bundle)
        key = bundle["widgets"][0]["key"]
        async with aiohttp.ClientSession(base_url=relay.base_url) as session:
            async with session.post(f"/v1/widgets/{key}/conversations") as response:
                started = await response.json()
            stream_url = f"/v1/conversations/{started['conversation_id']}/stream"
            async with session.get(stream_url, params={"token": started["token"]}) as stream:
                assert stream.status == 200
                await stream.content.readline()  # the stream is open
                relay.signal(signal.SIGTERM)
                rest = await asyncio.wait_for(stream.content.read(), timeout=10)
                assert isinstance(rest, bytes)  # it ended instead of waiting for messages
        assert await asyncio.to_thread(relay.wait) == 0
        assert "Relay stopped" in relay.log()
        assert "Traceback" not in relay.log()
    finally:
        relay.kill()
