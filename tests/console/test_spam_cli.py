"""`storedesk spam …` as a merchant types it, and a rule made live by `relay publish`: the
shopper who breaks it lands in the workspace inbox as spam, with no handoff or lead."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from sqlalchemy import select

from core.workspace import Workspace
from core.workspace.models import ConversationRow, LeadRow
from tests.console.conftest import Cli
from tests.console.test_relay_cli import Relay, paired, relay  # noqa: F401 (fixtures)


@pytest.fixture
def shop(cli: Cli) -> Cli:
    assert cli("store", "add", "sql", "--name", "demo", "--demo")[0] == 0
    code, _, err = cli("widget", "create", "--name", "Shop chat", "--store", "demo")
    assert code == 0, err
    return cli


def test_rules_are_added_listed_tested_and_removed(shop: Cli) -> None:
    code, out, err = shop(
        "spam", "add", "Shop chat", "--ip", "203.0.113.0/24", "--ip", "2001:db8::/32",
        "--word", "casino", "--regex", r"crypto\s+invest", "--rate", "10",
    )  # fmt: skip
    assert code == 0, err
    assert "relay publish" in out
    code, out, _ = shop("spam", "list", "Shop chat", "--json")
    assert json.loads(out) == {
        "ips": ["203.0.113.0/24", "2001:db8::/32"],
        "words": ["casino"],
        "regexes": [r"crypto\s+invest"],
        "rate_per_minute": 10,
        "honeypot": True,
    }
    code, out, _ = shop("spam", "list", "Shop chat")
    assert "203.0.113.0/24" in out and "at most 10 messages a minute" in out

    code, out, _ = shop("spam", "test", "Shop chat", "hello", "--ip", "203.0.113.9")
    assert code == 0 and "the address is blocked (203.0.113.0/24)" in out
    code, out, _ = shop("spam", "test", "Shop chat", "hello", "--ip", "2001:db8:1::5")
    assert "2001:db8::/32" in out
    code, out, _ = shop("spam", "test", "Shop chat", "Big CASINO night")
    assert "blocked word 'casino'" in out
    code, out, _ = shop("spam", "test", "Shop chat", "a CRYPTO  investment")
    assert "regular expression" in out
    code, out, _ = shop("spam", "test", "Shop chat", "hi", "--honeypot", "http://x.example")
    assert "hidden field" in out
    code, out, _ = shop("spam", "test", "Shop chat", "Where is my order?")
    assert "No rule" in out and "10 messages a minute" in out

    assert shop("spam", "remove", "Shop chat", "--word", "CASINO", "--rate")[0] == 0
    assert shop("spam", "add", "Shop chat", "--honeypot", "off")[0] == 0
    rules = json.loads(shop("spam", "list", "Shop chat", "--json")[1])
    assert rules["words"] == [] and rules["rate_per_minute"] is None
    assert rules["honeypot"] is False


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (("add", "Shop chat", "--ip", "999.1.1.1"), "is not an IP address or range"),
        (("add", "Shop chat", "--regex", "(a"), "does not compile"),
        (("add", "Shop chat", "--rate", "0"), "1 to 1000"),
        (("add", "Shop chat"), "say what to add"),
        (("remove", "Shop chat", "--word", "nothing"), "no word rule"),
        (("test", "Shop chat", "hi", "--ip", "nowhere"), "is not an IP address"),
    ],
)
def test_bad_rules_are_one_sentence_and_change_nothing(
    shop: Cli, args: tuple[str, ...], sentence: str
) -> None:
    code, _, err = shop("spam", *args)
    assert code == 2 and sentence in err and "Traceback" not in err
    rules = json.loads(shop("spam", "list", "Shop chat", "--json")[1])
    assert rules == {
        "ips": [],
        "words": [],
        "regexes": [],
        "rate_per_minute": None,
        "honeypot": True,
    }


def test_an_unknown_widget_is_named(shop: Cli) -> None:
    code, _, err = shop("spam", "list", "nope")
    assert code == 3 and "widget list" in err


def test_a_published_rule_sends_the_shopper_to_the_spam_filter(
    paired: Cli,  # noqa: F811 (a fixture)
    relay: Relay,  # noqa: F811 (a fixture)
) -> None:
    cli = paired
    code, out, _ = cli("widget", "create", "--name", "Shop chat", "--store", "demo")
    key = re.search(r"key (wk_\w+)", out)
    assert code == 0 and key is not None
    assert cli("spam", "add", "Shop chat", "--word", "casino")[0] == 0
    assert cli("relay", "publish")[0] == 0
    with httpx.Client(base_url=relay.url, timeout=10) as http:
        started = http.post(f"/v1/widgets/{key.group(1)}/conversations", json={})
        conversation = started.json()["conversation_id"]
        auth = {"Authorization": f"Bearer {started.json()['token']}"}
        path = f"/v1/conversations/{conversation}"
        said = http.post(f"{path}/messages", json={"text": "casino, talk to a human"}, headers=auth)
        assert said.json()["messages"][-1]["text"] == "Thanks for your message."
        lead = {"name": "Bot", "email": "bot@example.com"}
        assert http.post(f"{path}/lead", json=lead, headers=auth).status_code == 201
    code, _, err = cli("relay", "pull")
    assert code == 0, err
    workspace = Workspace.open(cli.data_dir)
    try:
        with workspace.session() as session:
            row = session.get(ConversationRow, conversation)
            assert row is not None
            assert (row.spam, row.status, row.handoff_reason) == ("word casino", "open", None)
            assert list(session.scalars(select(LeadRow))) == []
    finally:
        workspace.close()
