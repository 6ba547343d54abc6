"""Published widgets at run time: one ``Bot`` (with its knowledge index) per published widget
version, built on first use, and each widget's public settings as ready-made JSON.

Both are kept for the most recently used widgets only (least recently used out first): a
relay may publish thousands of widgets, most of them quiet at any moment, and rebuilding a
bot costs about a millisecond per 20 knowledge entries. Bots are bounded by the knowledge
entries they index (an index takes about 250 bytes per entry), so a few large knowledge
bases count for many small ones.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import orjson

from core.bot import Bot, KnowledgeIndex
from core.widgets import pick_language, public_config

if TYPE_CHECKING:
    from relay.storage import RelayStore
    from relay.storage.records import PublishedWidget

BOT_ENTRIES = 4096
"""Knowledge entries indexed by the bots kept built (each bot counts one more)."""
CONFIGS = 512
"""``GET …/config`` bodies kept (one per widget, language, minute and presence)."""


class WidgetBots:
    def __init__(
        self,
        store: RelayStore,
        now: Callable[[], datetime],
        *,
        bot_entries: int = BOT_ENTRIES,
        configs: int = CONFIGS,
        connected: Callable[[], bool] = lambda: False,
    ) -> None:
        self._store = store
        self._now = now
        self._connected = connected
        self._max_entries = bot_entries
        self._max_configs = max(1, configs)
        self._bots: OrderedDict[str, tuple[int, Bot]] = OrderedDict()  # key → (version, bot)
        self._entries = 0  # the bots' cost: knowledge entries, plus one per bot
        self._configs: OrderedDict[tuple[str, int, str, int, bool], bytes] = OrderedDict()

    def bot(self, widget: PublishedWidget) -> Bot:
        """The widget's bot for its published version (a republish builds a new one)."""
        found = self._bots.get(widget.key)
        if found is not None and found[0] == widget.version:
            self._bots.move_to_end(widget.key)
            return found[1]
        if found is not None:  # an older version
            self._forget(widget.key)
        bot = Bot(widget.settings, KnowledgeIndex(widget.knowledge), now=self._now)
        self._bots[widget.key] = (widget.version, bot)
        self._entries += _cost(bot)
        while self._entries > self._max_entries and len(self._bots) > 1:
            self._forget(next(iter(self._bots)))
        return bot

    def _forget(self, key: str) -> None:
        _, bot = self._bots.pop(key)
        self._entries -= _cost(bot)

    def config_body(self, key: str, language: str | None) -> bytes | None:
        """``GET …/config`` as JSON bytes (cached for the current minute); ``None`` if unknown."""
        widget = self._store.widget(key)
        if widget is None:
            return None
        now = self._now()
        wanted = pick_language(widget.settings, language)
        connected = self._connected()
        cache_key = (key, widget.version, wanted, int(now.timestamp()) // 60, connected)
        body = self._configs.get(cache_key)
        if body is not None:
            self._configs.move_to_end(cache_key)
            return body
        config = public_config(widget.settings, now=now, language=wanted, connected=connected)
        # a copy: orjson's own bytes keep a few KB of spare room each
        body = memoryview(orjson.dumps(config | {"version": widget.version})).tobytes()
        self._configs[cache_key] = body
        while len(self._configs) > self._max_configs:
            self._configs.popitem(last=False)
        return body


def _cost(bot: Bot) -> int:
    return 1 + len(bot.index)
