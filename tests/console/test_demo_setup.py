"""`storedesk demo` against a real relay child process: the demo store, widget, pairing and
publish in one step; the storefront's widget answers and tracks an order; running it again
reuses everything; a new relay port moves the widget's allowed site with it."""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from console.demo_setup import DEMO_WIDGET, set_up_demo
from console.local_relay import LocalRelay, free_port
from console.runtime import CliError
from console.session import CliSession
from core.workspace.knowledge import KnowledgeRepository
from core.workspace.relay_link import RelayLinkRepository
from core.workspace.widgets import WidgetRepository


@pytest.fixture
def session(tmp_path: Path) -> Iterator[CliSession]:
    with CliSession(argparse.Namespace(data_dir=str(tmp_path / "workspace"))) as opened:
        yield opened


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=20) as client:
        yield client


@pytest.fixture
def relays(session: CliSession) -> Iterator[list[LocalRelay]]:
    started: list[LocalRelay] = []
    yield started
    for relay in started:
        relay.stop_now()


def new_relay(session: CliSession, started: list[LocalRelay], port: int) -> LocalRelay:
    relay = LocalRelay(Path(session.data_dir) / "relay", port=port)
    started.append(relay)
    return relay


async def chat(http: httpx.AsyncClient, relay_url: str, key: str, *texts: str) -> list[Any]:
    """A shopper on the demo storefront: the replies to each text, in order."""
    origin = {"Origin": relay_url}
    started = await http.post(
        f"{relay_url}/v1/widgets/{key}/conversations", json={}, headers=origin
    )
    assert started.status_code == 201, started.text
    body = started.json()
    auth = {**origin, "Authorization": f"Bearer {body['token']}"}
    replies = []
    for text in texts:
        sent = await http.post(
            f"{relay_url}/v1/conversations/{body['conversation_id']}/messages",
            json={"text": text},
            headers=auth,
        )
        assert sent.status_code == 200, sent.text
        replies.append(sent.json()["messages"])
    return replies


async def test_the_demo_is_live_and_answers_on_the_local_relay(
    session: CliSession, http: httpx.AsyncClient, relays: list[LocalRelay]
) -> None:
    relay = new_relay(session, relays, free_port())
    ready = await set_up_demo(session, http, relay)

    assert ready.storefront_url == f"{relay.url}/demo/{ready.widget_key}"
    widget = WidgetRepository(session.workspace, session.vault).get(DEMO_WIDGET)
    assert widget is not None and widget.config.allowed_origins == (relay.url,)
    assert len(KnowledgeRepository(session.workspace).list(widget.id)) == 14
    assert any("1 added" in line for line in ready.published)

    (shipping,) = await chat(http, ready.relay_url, ready.widget_key, "How much is shipping?")
    assert "€4.90" in shipping[-1]["text"]
    asked, answered = await chat(
        http, ready.relay_url, ready.widget_key, "where is my order 1001", "alice@example.com"
    )
    assert "email" in asked[-1]["text"].lower()
    (card,) = [c for c in answered[-1]["cards"] if c["type"] == "order"]
    assert card["number"] == "1001" and card["tracking"][0]["carrier"] == "UPS"

    page = await http.get(ready.storefront_url)
    if page.status_code == 503 and "widget_unavailable" in page.text:
        pytest.skip("the relay serves /demo/ but the widget's files are not built yet")
    assert page.status_code == 200 and ready.widget_key in page.text


async def test_running_it_again_reuses_the_relay_the_pairing_and_the_widget(
    session: CliSession, http: httpx.AsyncClient, relays: list[LocalRelay]
) -> None:
    port = free_port()
    first = await set_up_demo(session, http, new_relay(session, relays, port))
    links = RelayLinkRepository(session.workspace, session.vault)
    before = links.current()

    again = new_relay(session, relays, port)  # a second `storedesk demo` on the same folder
    second = await set_up_demo(session, http, again)

    assert not again.owned  # the relay the first run started is reused
    assert second.storefront_url == first.storefront_url
    assert second.published == ("nothing changed: the relay already has exactly this.",)
    after = links.current()
    assert before is not None and after is not None
    assert (after.id, after.fingerprint, after.paired_at) == (
        before.id,
        before.fingerprint,
        before.paired_at,
    )  # not paired again
    assert len(WidgetRepository(session.workspace, session.vault).list()) == 1


async def test_a_new_port_moves_the_allowed_site_and_pairs_again(
    session: CliSession, http: httpx.AsyncClient, relays: list[LocalRelay]
) -> None:
    first = await set_up_demo(session, http, new_relay(session, relays, free_port()))
    await relays[0].stop()

    moved = new_relay(session, relays, free_port())
    second = await set_up_demo(session, http, moved)

    assert moved.owned and second.relay_url != first.relay_url
    widget = WidgetRepository(session.workspace, session.vault).get(DEMO_WIDGET)
    assert widget is not None and widget.config.allowed_origins == (second.relay_url,)
    link = RelayLinkRepository(session.workspace, session.vault).current()
    assert link is not None and link.url == second.relay_url
    replies = await chat(http, second.relay_url, second.widget_key, "Do you sell gift cards?")
    assert "gift card" in replies[-1][-1]["text"].lower()


async def test_a_pairing_with_a_real_relay_is_never_replaced(
    session: CliSession, http: httpx.AsyncClient, relays: list[LocalRelay]
) -> None:
    links = RelayLinkRepository(session.workspace, session.vault)
    links.save(
        url="https://chat.shop.example",
        name="pc",
        relay_id="r",
        fingerprint="f",
        private_key=b"k" * 32,
    )
    with pytest.raises(CliError, match="--data-dir"):
        await set_up_demo(session, http, new_relay(session, relays, free_port()))
    assert relays[0].url is None  # nothing was started
    assert links.current() is not None and links.current().url == "https://chat.shop.example"


def stop_left_relay(pid_file: Path) -> None:
    """If the command under test failed to stop its relay, stop it here (and fail below)."""
    if pid_file.exists():
        os.kill(json.loads(pid_file.read_text())["pid"], signal.SIGTERM)


def test_demo_without_a_window_prints_the_address_and_stops_the_relay_on_ctrl_c(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "STOREDESK_HOME": str(tmp_path / "home")}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("QT_QPA_PLATFORM", None)
    command = [sys.executable, "-m", "console.cli", "demo"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    ) as process:
        assert process.stdout is not None
        lines = []
        for line in process.stdout:
            lines.append(line)
            if "Ctrl-C" in line:
                break
        process.send_signal(signal.SIGINT)
        try:
            rest, err = process.communicate(timeout=30)
        finally:
            stop_left_relay(tmp_path / "home" / "relay" / "relay.pid")
    out = "".join(lines) + rest
    assert process.returncode == 0, err
    assert "There is no display here" in out and "without a window" in out
    assert "The demo storefront, with the chat widget: http://127.0.0.1:" in out
    assert "Stopped the local relay." in out and "Traceback" not in err
    assert not (tmp_path / "home" / "relay" / "relay.pid").exists()


def start_demo(home: Path) -> tuple[subprocess.Popen[str], int, int]:
    """`storedesk demo --no-window` until it serves: the process, the relay's pid and port."""
    env = {**os.environ, "STOREDESK_HOME": str(home)}
    command = [sys.executable, "-m", "console.cli", "demo", "--no-window"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    assert process.stdout is not None
    for line in process.stdout:
        if "Ctrl-C" in line:
            break
    info = json.loads((home / "relay" / "relay.pid").read_text())
    return process, int(info["pid"]), int(info["port"])


def port_closed(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def wait_until(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def relay_gone(pid: int) -> bool:
    """Ended (a zombie waiting for a parent that does not reap counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return not _alive(pid)
    return state in ("Z", "X")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_sigterm_or_sighup_to_the_demo_stops_its_relay(tmp_path: Path, signum: int) -> None:
    home = tmp_path / "home"
    process, pid, port = start_demo(home)
    try:
        assert not port_closed(port)
        process.send_signal(signum)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
        stop_left_relay(home / "relay" / "relay.pid")
    assert process.returncode == 0, err
    assert "Stopped the local relay." in out and "Traceback" not in err
    assert port_closed(port) and relay_gone(pid)
    assert not (home / "relay" / "relay.pid").exists()


def test_the_relay_ends_when_the_demo_is_killed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    process, pid, port = start_demo(home)
    try:
        process.kill()  # SIGKILL: the demo cannot stop its relay itself
        process.communicate(timeout=30)
        assert wait_until(lambda: port_closed(port) and relay_gone(pid), 20), (
            "the relay kept running after the demo was killed"
        )
    finally:
        if not relay_gone(pid):
            os.kill(pid, signal.SIGKILL)
