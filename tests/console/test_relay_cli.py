"""`storedesk relay …` end to end against the real relay app on a real port: pair with a
one-time code, publish, chat as a shopper, pull into the workspace, reply as a person."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web
from sqlalchemy import select

from core.workspace import Workspace
from core.workspace.models import ConversationRow, LeadRow, MessageRow
from tests.console.conftest import Cli, Served

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
RELAY_KEY = b"r" * 32


@asynccontextmanager
async def running_relay(data_dir: Path) -> AsyncIterator[tuple[str, web.Application]]:
    from relay.app import create_app
    from relay.settings import Settings

    app = create_app(Settings(data_dir=data_dir, relay_key=RELAY_KEY))
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}", app
    finally:
        await runner.cleanup()


class Relay:
    def __init__(self, served: Served) -> None:
        self.served = served
        self.url, self.app = served.value

    def pairing_code(self) -> str:
        from relay.keys import STORE
        from relay.services.pairing import issue_code

        return str(self.served._call(issue_code(self.app[STORE], RELAY_KEY, datetime.now(UTC))))


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[Relay]:
    (tmp_path / "relay").mkdir()
    running = Relay(Served(lambda: running_relay(tmp_path / "relay")))
    yield running
    running.served.close()


@pytest.fixture
def paired(cli: Cli, relay: Relay) -> Cli:
    assert cli("store", "add", "sql", "--name", "demo", "--demo")[0] == 0
    code, out, err = cli("relay", "pair", relay.url, relay.pairing_code(), "--name", "test pc")
    assert code == 0, err
    assert "Paired with relay" in out and "SHA256:" in out
    return cli


def widget_key(cli: Cli) -> str:
    code, out, err = cli(
        "widget", "create", "--name", "Shop chat", "--store", "demo", "--no-starter"
    )
    assert code == 0, err
    key = next(word for word in out.split() if word.startswith("wk_"))
    assert cli("kb", "import", key, str(EXAMPLES / "knowledge.csv"))[0] == 0
    return key


def rows(cli: Cli, model: Any) -> list[Any]:
    workspace = Workspace.open(cli.data_dir)
    try:
        with workspace.session() as session:
            return list(session.scalars(select(model)).all())
    finally:
        workspace.close()


def test_pair_publish_chat_pull_and_reply(paired: Cli, relay: Relay) -> None:
    cli = paired
    key = widget_key(cli)
    snippet = f'<script src="{relay.url}/widget.js" data-widget="{key}" async></script>'
    assert snippet in cli("widget", "show", key)[1]

    code, out, _ = cli("relay", "publish", "--dry-run")
    assert code == 0 and "Dry run" in out and f"1 added ({key} 'Shop chat')" in out
    assert "knowledge 11 added" in out and "1 added (demo)" in out
    assert relay_get(relay, f"/v1/widgets/{key}/config").status_code == 404

    code, out, _ = cli("relay", "publish")
    assert code == 0 and "Published to" in out and f"1 added ({key} 'Shop chat')" in out
    assert relay_get(relay, f"/v1/widgets/{key}/config").json()["name"] == "Shop chat"
    assert "published" in cli("widget", "list")[1]
    assert "nothing changed" in cli("relay", "publish")[1]

    conversation, token = shopper_chats(relay, key)
    code, out, _ = cli("relay", "status")
    assert code == 0 and "1 widget, 1 store;" in out and "storedesk relay pull" in out
    assert "today: 1 conversation, " in out and "; spam blocked: 0 conversations" in out

    code, out, err = cli("relay", "pull")
    assert code == 0, err
    assert out.startswith("1 conversation, ") and "1 lead stored." in out
    stored = {m.id: m for m in rows(cli, MessageRow)}
    assert any(m.role == "shopper" and "opening hours" in m.text for m in stored.values())
    assert any(m.role == "bot" for m in stored.values())
    assert [lead.email for lead in rows(cli, LeadRow)] == ["ann@example.com"]
    assert [c.id for c in rows(cli, ConversationRow)] == [conversation]

    assert cli("relay", "pull")[1].startswith("0 conversations, 0 messages, 0 leads")

    code, out, err = cli("relay", "reply", conversation, "Hi Ann, Sam here. How can I help?")
    assert code == 0, err
    agent = [m for m in rows(cli, MessageRow) if m.role == "agent"]
    assert [m.text for m in agent] == ["Hi Ann, Sam here. How can I help?"]
    seen = relay_get(relay, f"/v1/conversations/{conversation}/messages", token=token)
    assert any(m["role"] == "agent" for m in seen.json()["messages"])
    assert cli("relay", "pull")[1].startswith("0 conversations, 0 messages")  # kept once
    assert len([m for m in rows(cli, MessageRow) if m.role == "agent"]) == 1


def relay_get(relay: Relay, path: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.get(relay.url + path, headers=headers, timeout=10)


def shopper_chats(relay: Relay, key: str) -> tuple[str, str]:
    """A shopper asks a FAQ and leaves their contact details: (conversation id, token)."""
    with httpx.Client(base_url=relay.url, timeout=10) as http:
        started = http.post(f"/v1/widgets/{key}/conversations", json={"language": "en"})
        assert started.status_code == 201, started.text
        conversation, token = started.json()["conversation_id"], started.json()["token"]
        auth = {"Authorization": f"Bearer {token}"}
        sent = http.post(
            f"/v1/conversations/{conversation}/messages",
            json={"text": "What are your opening hours?"},
            headers=auth,
        )
        assert sent.status_code == 200, sent.text
        lead = {"kind": "contact", "name": "Ann", "email": "ann@example.com", "message": "Call me"}
        answered = http.post(f"/v1/conversations/{conversation}/lead", json=lead, headers=auth)
        assert answered.status_code == 201, answered.text
    return str(conversation), str(token)


def test_a_wrong_pairing_code_is_refused_and_nothing_is_saved(cli: Cli, relay: Relay) -> None:
    code, _, err = cli("relay", "pair", relay.url, "AAAA-BBBB")
    assert code == 4 and "pairing code is wrong" in err
    code, _, err = cli("relay", "status")
    assert code == 2 and "not paired" in err


def test_plain_http_to_another_host_is_refused_before_anything_is_sent(cli: Cli) -> None:
    code, _, err = cli("relay", "pair", "http://chat.shop.example", "ABCD-EFGH")
    assert code == 2 and "https://" in err and "Traceback" not in err


def test_a_stopped_relay_is_one_sentence(paired: Cli, relay: Relay) -> None:
    relay.served.close()
    code, _, err = paired("relay", "status")
    assert code == 5 and "storedesk-relay serve" in err and "Traceback" not in err
    relay.served = Served(_noop)  # the fixture closes it again


@asynccontextmanager
async def _noop() -> AsyncIterator[None]:
    yield None


def test_a_console_the_relay_does_not_know_gets_an_auth_error(paired: Cli, relay: Relay) -> None:
    from core.signing import new_private_key
    from core.vault import Vault
    from core.workspace.relay_link import RelayLinkRepository

    workspace = Workspace.open(paired.data_dir)
    try:  # as if the relay's data were wiped: this console's key is unknown there
        links = RelayLinkRepository(workspace, Vault.open(paired.data_dir))
        links.save(
            url=relay.url, name="x", relay_id="r", fingerprint="f", private_key=new_private_key()
        )
    finally:
        workspace.close()
    code, _, err = paired("relay", "pull")
    assert code == 4 and "not paired" in err


def test_status_tells_the_merchant_to_update_an_older_relay(
    paired: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core import __version__

    code, out, _ = paired("relay", "status")
    assert code == 0 and f"(version {__version__})" in out and "update it" not in out

    monkeypatch.setattr("relay.routes.console.__version__", "0.0.9")  # a relay not yet updated
    code, out, _ = paired("relay", "status")
    assert code == 0 and "(version 0.0.9)" in out
    assert f"Your relay runs Storedesk 0.0.9, older than this console ({__version__})" in out
    assert "docs/deploy.md" in out
