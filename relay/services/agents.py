"""Which widgets have a language-model agent, and with what settings.

The console sets them (``PUT /v1/console/widgets/{key}/ai``, signed); they are sealed whole
with the relay key (the API key among them). Each relay knows which widgets have settings,
and when they last changed, from one small read of the whole table every few seconds (so a
change made through another relay arrives within ``FRESH_FOR``); a widget's settings are
opened again only when they changed. A widget without an agent costs no read at all, and
nothing of the agent's code is imported until a widget has one.
"""

from __future__ import annotations

import asyncio
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
        self._versions: dict[str, datetime] = {}  # widget key -> when its settings changed
        self._read_at: datetime | None = None  # when ``_versions`` was read
        self._reading: asyncio.Lock | None = None
        self._opened: dict[str, tuple[datetime, AgentSettings | None]] = {}  # by version

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
        self._versions[widget_key] = now
        self._opened[widget_key] = (now, settings)
        return settings

    async def remove(self, widget_key: str) -> bool:
        found = await self._store.write(lambda c: db.remove_agent(c, widget_key))
        self._versions.pop(widget_key, None)
        self._opened.pop(widget_key, None)
        return found

    async def settings(self, widget_key: str) -> AgentSettings | None:
        """The widget's agent when it is on; ``None`` otherwise (or when unreadable)."""
        await self._refresh()
        version = self._versions.get(widget_key)
        if version is None:
            return None
        opened = self._opened.get(widget_key)
        if opened is not None and opened[0] == version:
            return _on(opened[1])
        sealed = await self._store.read(lambda c: db.agent(c, widget_key))
        settings = None if sealed is None else self._open(widget_key, sealed)
        self._opened[widget_key] = (version, settings)
        return _on(settings)

    async def _refresh(self) -> None:
        """Read which widgets have settings, when that is older than ``fresh_for`` (one
        read at a time: the callers that arrive meanwhile wait for it)."""
        if self._read_at is not None and self._now() - self._read_at < self._fresh_for:
            return
        if self._reading is None:
            self._reading = asyncio.Lock()
        async with self._reading:
            now = self._now()
            if self._read_at is not None and now - self._read_at < self._fresh_for:
                return  # read by the caller this one waited for
            versions = await self._store.read(db.agent_versions)
            self._versions, self._read_at = versions, now
            for gone in self._opened.keys() - versions.keys():
                del self._opened[gone]

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
