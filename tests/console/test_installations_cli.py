"""`storedesk widget installations` against a real relay on a real port: the pages the
widget's config was asked from, a warning for a site not allowed and allowing it with
`widget set --allow-origin`; without the relay, the pages kept from last time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.console.conftest import Cli, Served
from tests.console.test_relay_cli import Relay, running_relay

SHOP = "https://shop.example.com"
COPY = "https://copycat.example.net"


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[Relay]:
    (tmp_path / "relay").mkdir()
    running = Relay(Served(lambda: running_relay(tmp_path / "relay")))
    yield running
    if running.served.thread.is_alive():
        running.served.close()


@pytest.fixture
def published(cli: Cli, relay: Relay) -> str:
    assert cli("store", "add", "sql", "--name", "demo", "--demo")[0] == 0
    assert cli("relay", "pair", relay.url, relay.pairing_code(), "--name", "pc")[0] == 0
    code, out, err = cli(
        "widget", "create", "--name", "Shop chat", "--store", "demo", "--allowed-origin", SHOP
    )
    assert code == 0, err
    key = next(word for word in out.split() if word.startswith("wk_"))
    assert cli("relay", "publish")[0] == 0
    return key


def page_load(relay: Relay, key: str, origin: str, page: str) -> int:
    headers = {"Origin": origin, "Referer": page}
    return httpx.get(f"{relay.url}/v1/widgets/{key}/config", headers=headers).status_code


def test_the_pages_seen_and_a_site_not_allowed(cli: Cli, relay: Relay, published: str) -> None:
    key = published
    code, out, _ = cli("widget", "installations", "Shop chat")
    assert code == 0 and "not been loaded on any page yet" in out and key in out

    assert page_load(relay, key, SHOP, f"{SHOP}/products/mug?ref=mail") == 200
    assert page_load(relay, key, COPY, f"{COPY}/stolen") == 403
    code, out, _ = cli("widget", "installations", "Shop chat", "--json")
    assert code == 0
    pages = {p["url"]: p for p in json.loads(out)}
    assert set(pages) == {f"{SHOP}/products/mug", f"{COPY}/stolen"}
    assert pages[f"{SHOP}/products/mug"]["allowed"] is True
    assert pages[f"{COPY}/stolen"]["allowed"] is False

    code, out, _ = cli("widget", "installations", key)
    assert f"{COPY}/stolen  NOT ALLOWED" in out and f"Not allowed: {COPY}" in out
    assert "--allow-origin" in out

    assert cli("widget", "set", "Shop chat", "--allow-origin", COPY + "/")[0] == 0
    shown = json.loads(cli("widget", "show", "Shop chat", "--json")[1])
    assert shown["allowed_origins"] == [SHOP, COPY]
    assert cli("relay", "publish")[0] == 0
    assert page_load(relay, key, COPY, f"{COPY}/stolen") == 200
    code, out, _ = cli("widget", "installations", key, "--json")
    assert all(p["allowed"] for p in json.loads(out))

    relay.served.close()  # the relay goes away: the pages kept here are shown, saying so
    code, out, _ = cli("widget", "installations", key)
    assert code == 0 and "seen last time" in out and f"{SHOP}/products/mug" in out


def test_installations_need_a_paired_relay_and_a_known_widget(cli: Cli) -> None:
    assert cli("store", "add", "sql", "--name", "demo", "--demo")[0] == 0
    assert cli("widget", "create", "--name", "W1", "--store", "demo")[0] == 0
    code, _, err = cli("widget", "installations", "W1")
    assert code == 2 and "pair" in err.lower()
    code, _, err = cli("widget", "installations", "Nope")
    assert code == 3 and "no widget named" in err
