"""What every screen of the console shares: the open workspace, the vault, one HTTP client,
the relay link and the signals that tell screens what changed.

Views get a ``ConsoleContext`` and never open the workspace themselves.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from PySide6.QtCore import QObject, QSettings, Signal

from console.alerts import AlertCenter
from console.relay_client import RelayClient
from console.session import CliSession
from core.team import TeamRole, is_role
from core.workspace.clients import ClientEntry, ClientRepository, ClientScope
from core.workspace.installations import InstallationRepository
from core.workspace.knowledge import KnowledgeRepository
from core.workspace.relay_link import RelayLinkEntry, RelayLinkRepository
from core.workspace.widgets import WidgetRepository

log = logging.getLogger("storedesk.console")
MUTED = "notifications/muted"  # preferences key: no desktop notifications
CLIENT = "clients/selected"  # preferences key: the client every screen shows (agency mode)


def utc_now() -> datetime:
    return datetime.now(UTC)


class ConsoleContext(QObject):
    """Open with ``ConsoleContext.open(data_dir)``; ``await ctx.aclose()`` on quit."""

    stores_changed = Signal()
    widgets_changed = Signal()
    knowledge_changed = Signal(int)  # widget id
    relay_changed = Signal()
    sync_state = Signal(str, str, int, int)  # store name, phase, done, total (-1 unknown)
    status = Signal(str)  # one line for the status bar
    failed = Signal(str, str)  # what was being done, the sentence (shown by the window)
    publish_requested = Signal()  # any screen may ask; the window runs the publish flow
    navigate = Signal(str)  # a screen's title: the window switches to it
    add_knowledge = Signal(int, str)  # widget id (-1: any), a question to answer in the KB
    inbox_changed = Signal()  # conversations or unread counts changed
    notify = Signal(str, str)  # a desktop notification: title, text (the window shows it)
    role_changed = Signal()  # the relay told this console its team role (``ctx.role``)
    clients_changed = Signal()  # clients added, renamed, removed or given stores/widgets
    client_chosen = Signal()  # the client every screen shows changed (``client_id``)

    def __init__(self, session: CliSession, http: httpx.AsyncClient) -> None:
        super().__init__()
        self.session = session
        self.http = http
        self.widgets = WidgetRepository(session.workspace, session.vault)
        self.knowledge = KnowledgeRepository(session.workspace)
        self.installations = InstallationRepository(session.workspace)
        self.links = RelayLinkRepository(session.workspace, session.vault)
        self.clients = ClientRepository(session.workspace)
        self.client_id: int | None = None
        """The client every screen shows (None: all clients); ``choose_client`` sets it."""
        self.restore_client()
        self.demo_url: str | None = None  # the demo storefront, when `storedesk demo` runs
        self.role: TeamRole | None = None  # this console's role on the relay (None: not known)
        self.console_id: str | None = None  # its id there (its replies are "You" in the Inbox)
        self.alerts = AlertCenter(self.notify.emit, self)
        self._tasks: set[asyncio.Task[Any]] = set()

    @classmethod
    def open(cls, data_dir: str | Path | None) -> ConsoleContext:
        """Open (and migrate) the workspace; errors are the CLI's one-sentence errors."""
        args = argparse.Namespace(data_dir=str(data_dir) if data_dir else None)
        session = CliSession(args).__enter__()
        timeout = httpx.Timeout(30.0, connect=10.0)
        http = httpx.AsyncClient(timeout=timeout, headers={"User-Agent": "Storedesk-console"})
        return cls(session, http)

    @property
    def data_dir(self) -> Path:
        return Path(self.session.data_dir)

    def relay_link(self) -> RelayLinkEntry | None:
        return self.links.current()

    def learn_role(self, answer: dict[str, Any]) -> None:
        """Remember the role (and the console id) a relay answer names (``status``'s
        ``console``, or a pairing's ``role``); screens follow ``role_changed`` to hide what the
        role cannot do."""
        console = answer.get("console")
        found = console if isinstance(console, dict) else answer
        role, console_id = found.get("role"), found.get("id")
        changed = False
        if isinstance(console_id, str) and console_id and console_id != self.console_id:
            self.console_id, changed = console_id, True
        if is_role(role) and role != self.role:
            self.role, changed = role, True
        if changed:
            self.role_changed.emit()

    def preferences(self) -> QSettings:
        """The console's own settings (window, notifications), kept in the workspace."""
        return QSettings(str(self.data_dir / "console.ini"), QSettings.Format.IniFormat)

    # -- agency mode: the client every screen shows -------------------------------------

    def restore_client(self) -> None:
        """The client chosen last time, while it still exists."""
        saved = self.preferences().value(CLIENT, 0, type=int)
        found = self.clients.by_id(saved) if isinstance(saved, int) and saved else None
        self.client_id = found.id if found is not None else None

    def choose_client(self, client_id: int | None) -> None:
        """Show one client (None: all) on every screen, and remember it."""
        if client_id == self.client_id:
            return
        self.client_id = client_id
        self.preferences().setValue(CLIENT, client_id or 0)
        self.client_chosen.emit()
        self.stores_changed.emit()  # the screens' store and widget lists change with it
        self.widgets_changed.emit()
        self.inbox_changed.emit()

    def client(self) -> ClientEntry | None:
        return self.clients.by_id(self.client_id) if self.client_id is not None else None

    def client_scope(self) -> ClientScope | None:
        """What the chosen client owns, or None when every client is shown."""
        entry = self.client()
        return self.clients.scope(entry) if entry is not None else None

    def client_widget_ids(self) -> frozenset[int] | None:
        scope = self.client_scope()
        return scope.widget_ids if scope is not None else None

    def relay_client(self) -> RelayClient | None:
        """A signed client for the paired relay, or None when the console is not paired."""
        link = self.links.current()
        if link is None:
            return None
        return RelayClient(link.url, self.links.private_key(link), self.http, utc_now)

    def spawn(self, work: Coroutine[Any, Any, Any], *, what: str) -> asyncio.Task[Any]:
        """Run ``work`` on the loop; a failure becomes ``failed(what, sentence)``, never a
        traceback. Keep the task if you need to cancel it."""
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(lambda t: self._finished(t, what))
        return task

    def _finished(self, task: asyncio.Task[Any], what: str) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        err = task.exception()
        if err is not None:
            from console.errors import sentence_for

            log.debug("%s failed", what, exc_info=err)
            self.failed.emit(what, sentence_for(err))

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.http.aclose()
        self.session.workspace.close()
