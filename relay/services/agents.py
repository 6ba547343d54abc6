"""Which widgets have a language-model agent, and with what settings.

The console sets them (``PUT /v1/console/widgets/{key}/ai``, signed); they are sealed whole
with the relay key (the API key among them). Each relay keeps what it read for a few seconds,
so a widget without an agent costs one small read now and then, and nothing of the agent's
code is imported until a widget has one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson

from relay.crypto import CryptoError, open_sealed, seal
from relay.responses import ApiError, invalid
from relay.storage import ai as db

if TYPE_CHECKING:
    from core.agent.settings import AgentSettings
    from relay.storage import RelayStore

log = logging.getLogger(__name__)
FRESH_FOR = timedelta(seconds=10)


class Agents:
    def __init__(
        self,
        store: RelayStore,
        *,
        relay_key: bytes,
        now: Callable[[], datetime],
        fresh_for: timedelta = FRESH_FOR,
    ) -> None:
        self._store = store
        self._key = relay_key
        self._now = now
        self._fresh_for = fresh_for
        self._known: dict[str, tuple[datetime, AgentSettings | None]] = {}

    async def configure(self, widget_key: str, data: Any) -> AgentSettings:
        """Check and keep a widget's settings (a 422 names the field that cannot work)."""
        from core.agent.settings import AgentSettingsError, agent_settings

        if self._store.widget(widget_key) is None:
            raise ApiError(404, "not_found", "There is no published widget with this key.")
        try:
            settings = agent_settings(data)
        except AgentSettingsError as error:
            raise invalid(error.field, str(error)) from None
        sealed = seal(self._key, db.settings_ad(widget_key), orjson.dumps(settings.to_json()))
        now = self._now()
        await self._store.write(lambda c: db.put_agent(c, widget_key, sealed, now))
        self._known[widget_key] = (now, settings)
        return settings

    async def remove(self, widget_key: str) -> bool:
        found = await self._store.write(lambda c: db.remove_agent(c, widget_key))
        self._known[widget_key] = (self._now(), None)
        return found

    async def settings(self, widget_key: str) -> AgentSettings | None:
        """The widget's agent when it is on; ``None`` otherwise (or when unreadable)."""
        now = self._now()
        known = self._known.get(widget_key)
        if known is not None and now - known[0] < self._fresh_for:
            return _on(known[1])
        sealed = await self._store.read(lambda c: db.agent(c, widget_key))
        settings = None if sealed is None else self._open(widget_key, sealed)
        if len(self._known) > 10_000:
            self._known.clear()
        self._known[widget_key] = (now, settings)
        return _on(settings)

    def _open(self, widget_key: str, sealed: bytes) -> AgentSettings | None:
        from core.agent.settings import AgentSettingsError, agent_settings

        try:
            plain = open_sealed(self._key, db.settings_ad(widget_key), sealed)
            return agent_settings(orjson.loads(plain))
        except (CryptoError, AgentSettingsError, orjson.JSONDecodeError) as error:
            log.warning("The agent settings of a widget cannot be read (%s)", type(error).__name__)
            return None


def _on(settings: AgentSettings | None) -> AgentSettings | None:
    return settings if settings is not None and settings.enabled else None
