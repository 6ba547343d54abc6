"""The Shopify theme app extension: its structure as Shopify reads it, and its app embed block
rendered with a Liquid engine for a guest and for a signed-in customer."""

from __future__ import annotations

import re
import tomllib
from html.parser import HTMLParser
from typing import Any

import pytest

from tests.widget.shopify_block import BLOCK, EXTENSION, render_block, schema

RELAY, KEY = "https://relay.example.com", "wk_shopify_widget_01"


class Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        assert tag == "script", f"the block renders only script tags, not <{tag}>"
        self.found.append(dict(attrs))


def render(
    customer: dict[str, Any] | None, *, routes: dict[str, str] | None = None, **settings: Any
) -> list[dict[str, str | None]]:
    pytest.importorskip("liquid", reason="python-liquid is a dev dependency (.[dev])")
    root_url = (routes or {"root_url": "/"})["root_url"]
    parser = Scripts()
    parser.feed(render_block(customer, root_url=root_url, **settings))
    return parser.found


def test_the_extension_is_a_theme_extension_with_an_app_embed_block() -> None:
    config = tomllib.loads((EXTENSION / "shopify.extension.toml").read_text())
    assert config["type"] == "theme"
    assert config["name"]
    assert sorted(p.name for p in (EXTENSION / "blocks").iterdir()) == ["storedesk.liquid"]
    block = schema()
    assert block["target"] == "body"  # an app embed block, not a section block
    ids = {s["id"]: s["type"] for s in block["settings"]}
    assert ids["relay_url"] == "text" and ids["widget_key"] == "text"
    for asset in re.findall(r"'([\w.-]+)' \| asset_url", BLOCK.read_text()):
        assert (EXTENSION / "assets" / asset).is_file(), asset
    assert not [p for p in EXTENSION.rglob("*") if "script_tag" in p.name.lower()]


def test_a_guest_gets_the_widget_only() -> None:
    scripts = render(None, relay_url=f" {RELAY}/ ", widget_key=KEY)
    assert scripts == [{"src": f"{RELAY}/widget.js", "data-widget": KEY, "async": None}]


def test_a_signed_in_customer_gets_the_identity_script_first() -> None:
    customer = {"id": 7208, "email": "alice@example.com", "name": "Alice Martin"}
    identity, widget = render(customer, relay_url=RELAY, widget_key=KEY)
    assert identity["src"] == "//cdn.shopify.test/extensions/x/assets/storedesk-identity.js"
    assert identity["data-storedesk-proxy"] == "/apps/storedesk/identity"
    assert "defer" in identity
    assert widget == {"src": f"{RELAY}/widget.js", "data-widget": KEY, "async": None}
    (french, _) = render(customer, relay_url=RELAY, widget_key=KEY, routes={"root_url": "/fr"})
    assert french["data-storedesk-proxy"] == "/fr/apps/storedesk/identity"
    # Nothing about the customer is printed into the page: the relay signs it.
    assert render(customer, relay_url=RELAY, widget_key=KEY, recognise_customers=False) == [widget]


def test_settings_cannot_break_out_of_the_tag() -> None:
    assert render(None, relay_url="javascript:alert(1)//", widget_key=KEY) == []
    assert render(None, relay_url="http://relay.example.com", widget_key=KEY) == []
    assert render(None, relay_url=RELAY, widget_key="") == []
    (widget,) = render(None, relay_url=RELAY, widget_key='wk_x" onload="alert(1)')
    assert widget["data-widget"] == 'wk_x" onload="alert(1)'  # escaped, stays one attribute
    assert "onload" not in widget
