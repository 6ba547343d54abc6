"""Published widgets at run time: one ``Bot`` (with its knowledge index) per published widget
version, built on first use, and each widget's public settings as ready-made JSON."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import orjson

from core.bot import Bot, KnowledgeIndex
from core.widgets import pick_language, public_config

if TYPE_CHECKING:
    from relay.storage import RelayStore
    from relay.storage.records import PublishedWidget


class WidgetBots:
    def __init__(self, store: RelayStore, now: Callable[[], datetime]) -> None:
        self._store = store
        self._now = now
        self._bots: dict[tuple[str, int], Bot] = {}
        self._configs: dict[tuple[str, int, str, int], bytes] = {}

    def _bound(self) -> int:
        return 2 * max(16, self._store.widget_count())

    def bot(self, widget: PublishedWidget) -> Bot:
        """The widget's bot for its published version (a republish builds a new one)."""
        bot = self._bots.get((widget.key, widget.version))
        if bot is None:
            if len(self._bots) >= self._bound():  # unpublished and old versions
                self._bots.clear()
            for stale in [k for k in self._bots if k[0] == widget.key]:
                del self._bots[stale]
            bot = Bot(widget.settings, KnowledgeIndex(widget.knowledge), now=self._now)
            self._bots[(widget.key, widget.version)] = bot
        return bot

    def config_body(self, key: str, language: str | None) -> bytes | None:
        """``GET …/config`` as JSON bytes (cached for the current minute); ``None`` if unknown."""
        widget = self._store.widget(key)
        if widget is None:
            return None
        now = self._now()
        wanted = pick_language(widget.settings, language)
        cache_key = (key, widget.version, wanted, int(now.timestamp()) // 60)
        body = self._configs.get(cache_key)
        if body is None:
            if len(self._configs) >= 4 * self._bound():
                self._configs.clear()
            config = public_config(widget.settings, now=now, language=wanted)
            body = orjson.dumps(config | {"version": widget.version})
            self._configs[cache_key] = body
        return body
