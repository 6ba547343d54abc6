"""Pages a widget was loaded on: headers and addresses cleaned (``core.pages``), the relay's
list checked and kept in the workspace, judged against the allowed origins; a conversation
from the relay keeps the page it started on; the old domains-only table is gone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect

from core.pages import PageSeen, clean_page_url, page_origin, page_seen
from core.vault import Vault
from core.widgets import widget_from_json
from core.workspace import Workspace
from core.workspace.inbox import InboxRepository
from core.workspace.inbox_browse import InboxReader
from core.workspace.installations import (
    InstallationRepository,
    allowing,
    parse_installations,
    unexpected,
)
from core.workspace.widgets import WidgetRepository

SHOP = "https://shop.example.com"


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = Workspace.open(tmp_path / "ws")
    yield ws
    ws.close()


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("https://Shop.Example.com/cart?coupon=X#top", f"{SHOP}/cart"),
        ("https://shop.example.com:443", f"{SHOP}/"),
        ("http://localhost:8080/a/b", "http://localhost:8080/a/b"),
        ("https://[::1]:9000/x", "https://[::1]:9000/x"),
        ("https://xn--bcher-kva.example/", "https://xn--bcher-kva.example/"),
        ("https://ann:secret@shop.example.com/", None),
        ("ftp://shop.example.com/", None),
        ("javascript:alert(1)", None),
        ("https://shop.example.com/\x00", None),
        ("https://sh op.example.com/", None),
        ("https://shop.example.com:70000/", None),
        ("https://shop_example..com/", None),
        ("", None),
    ],
)
def test_page_addresses_are_cleaned(text: str, cleaned: str | None) -> None:
    assert clean_page_url(text) == cleaned


def test_origins_and_pages_from_headers() -> None:
    assert page_origin("https://SHOP.example.com") == SHOP
    assert page_origin("null") is None and page_origin("https://shop.example.com/x") is None
    assert page_seen(SHOP, f"{SHOP}/faq?q=1") == PageSeen(SHOP, "/faq")
    assert page_seen(SHOP, None) == PageSeen(SHOP)
    assert page_seen(None, f"{SHOP}/faq") == PageSeen(SHOP, "/faq")
    assert page_seen(SHOP, "https://other.example.org/faq") == PageSeen(SHOP)
    assert page_seen("null", f"{SHOP}/faq") is None
    assert page_seen(None, None) is None
    long = page_seen(SHOP, f"{SHOP}/" + "x" * 1500)
    assert long == PageSeen(SHOP) and long.url is None


def test_the_relays_list_is_checked_and_kept(workspace: Workspace) -> None:
    widget = WidgetRepository(workspace, Vault.open(workspace.data_dir)).create("Chat", store=None)
    answer = {
        "installations": [
            {
                "origin": SHOP,
                "url": f"{SHOP}/cart",
                "first_seen_at": "2026-12-01T10:00:00Z",
                "last_seen_at": "2026-12-03T10:00:00Z",
            },
            {
                "origin": "https://copy.example.net",
                "url": None,
                "first_seen_at": "2026-12-02T10:00:00Z",
                "last_seen_at": "2026-12-02T11:00:00Z",
            },
            {"origin": "javascript:x", "first_seen_at": "2026-12-02T10:00:00Z"},
            {"origin": SHOP, "url": "https://evil.example/x", "first_seen_at": "x"},
            {
                "origin": SHOP,
                "url": "https://evil.example/x",  # a page of another site: not this origin's
                "first_seen_at": "2026-12-01T10:00:00Z",
                "last_seen_at": "2026-12-01T10:00:00Z",
            },
            "not an object",
        ]
    }
    items = parse_installations(answer)
    assert [(i.origin, i.url) for i in items] == [
        (SHOP, f"{SHOP}/cart"),
        ("https://copy.example.net", None),
        (SHOP, None),
    ]
    with pytest.raises(ValueError, match="no list"):
        parse_installations({"pages": []})
    repository = InstallationRepository(workspace)
    repository.replace(widget.id, items)
    repository.replace(widget.id, items[:2])  # the relay's newest answer replaces the last
    kept = repository.list(widget.id)
    assert [i.url for i in kept] == [f"{SHOP}/cart", None]  # seen most recently first

    config = widget_from_json({"key": "wk_test_key", "name": "x", "allowed_origins": [SHOP]})
    assert [unexpected(config, i) for i in kept] == [False, True]
    assert allowing(config, "https://copy.example.net") == [SHOP, "https://copy.example.net"]
    assert allowing(config, SHOP) == [SHOP]
    anywhere = widget_from_json({"key": "wk_test_key", "name": "x"})
    assert not any(unexpected(anywhere, i) for i in kept)  # no list: every site is allowed


def test_the_installations_table_has_the_new_shape(workspace: Workspace) -> None:
    columns = {c["name"] for c in inspect(workspace.engine).get_columns("installations")}
    assert columns == {"id", "widget_id", "origin", "url", "first_seen_at", "last_seen_at"}
    conversation = {c["name"] for c in inspect(workspace.engine).get_columns("conversations")}
    assert "page_url" in conversation


def test_a_conversation_keeps_the_page_it_started_on(workspace: Workspace) -> None:
    inbox = InboxRepository(workspace)
    created = {
        "id": "e_1",
        "seq": 1,
        "type": "conversation.created",
        "conversation_id": "c_1",
        "at": "2026-12-01T10:00:00Z",
        "data": {"conversation": {"id": "c_1", "page_url": f"{SHOP}/cart?token=abc"}},
    }
    odd = {**created, "id": "e_2", "seq": 2, "conversation_id": "c_2"}
    odd["data"] = {"conversation": {"id": "c_2", "page_url": 42}}
    inbox.apply([created, odd])
    reader = InboxReader(workspace)
    first, second = reader.conversation("c_1"), reader.conversation("c_2")
    assert first is not None and first.page_url == f"{SHOP}/cart"
    assert second is not None and second.page_url is None  # kept, without the odd page
