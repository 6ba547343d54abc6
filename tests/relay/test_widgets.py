"""Bots and ``GET …/config`` bodies are kept for the most recently used widgets only."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from core.records import KnowledgeEntry, WidgetConfig
from relay.services.widgets import WidgetBots
from relay.storage.records import PublishedWidget

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
KNOWLEDGE = tuple(KnowledgeEntry(f"k{n}", f"Question {n}?", f"Answer {n}.") for n in range(9))


def published(key: str, version: int = 1, entries: int = 9) -> PublishedWidget:
    return PublishedWidget(
        key=key,
        name=key,
        store_id=None,
        config={"key": key, "name": key},
        identity_secret=None,
        knowledge=KNOWLEDGE[:entries],
        version=version,
        settings=WidgetConfig(key=key, name=key, languages=("en", "fr")),
    )


class Store:
    def __init__(self, *widgets: PublishedWidget) -> None:
        self.widgets = {w.key: w for w in widgets}

    def widget(self, key: str) -> PublishedWidget | None:
        return self.widgets.get(key)


def test_a_bot_is_built_once_per_published_version() -> None:
    bots = WidgetBots(Store(), lambda: NOW)  # type: ignore[arg-type]
    first = bots.bot(published("wk_a"))
    assert bots.bot(published("wk_a")) is first
    assert len(first.index) == 9
    again = bots.bot(published("wk_a", version=2))
    assert again is not first
    assert bots.bot(published("wk_a", version=2)) is again


def test_bots_are_bounded_by_the_entries_they_index_least_recently_used_out() -> None:
    bots = WidgetBots(Store(), lambda: NOW, bot_entries=30)  # type: ignore[arg-type]
    a, b, c = (bots.bot(published(key)) for key in ("wk_a", "wk_b", "wk_c"))  # 10 each
    assert bots.bot(published("wk_a")) is a  # a is now the most recent
    bots.bot(published("wk_d"))  # 40 > 30: b, the least recently used, goes
    assert bots.bot(published("wk_a")) is a
    assert bots.bot(published("wk_c")) is c
    assert bots.bot(published("wk_b")) is not b  # rebuilt on demand


def test_one_bot_is_kept_even_beyond_the_bound() -> None:
    bots = WidgetBots(Store(), lambda: NOW, bot_entries=3)  # type: ignore[arg-type]
    big = bots.bot(published("wk_a"))
    assert bots.bot(published("wk_a")) is big
    bots.bot(published("wk_b"))
    assert bots.bot(published("wk_a")) is not big


def test_config_bodies_are_cached_per_language_and_bounded() -> None:
    store = Store(published("wk_a"), published("wk_b"), published("wk_c"))
    bots = WidgetBots(store, lambda: NOW, configs=2)  # type: ignore[arg-type]
    body = bots.config_body("wk_a", "fr-CA")
    assert body is not None
    config = orjson.loads(body)
    assert config["key"] == "wk_a" and config["language"] == "fr" and config["version"] == 1
    assert bots.config_body("wk_a", "fr") is body
    assert orjson.loads(bots.config_body("wk_a", None) or b"")["language"] == "en"
    bots.config_body("wk_b", None)  # the French body of wk_a is the oldest of three: out
    assert bots.config_body("wk_a", "fr") == body
    assert bots.config_body("wk_a", "fr") is not body
    assert bots.config_body("wk_unknown", None) is None
