"""The whole product in one step: the demo shop connected and synced, a local relay, a demo
widget with a knowledge base, the console paired and everything published.

Used by ``storedesk demo`` (terminal) and the console window alike. Running it again reuses
everything: the store, the widget, the pairing (renewed only when the relay forgot this
console or its address changed) and the relay's published state (only changes are applied).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx

from console.commands.store import connection_for_demo
from console.pairing import pair
from console.plural import plural
from console.publish_flow import publish
from console.relay_client import RelayClient, RelayError, is_loopback
from console.runtime import EXIT_USAGE, CliError
from core.demo import demo_mapping_path
from core.demo.data import BRAND
from core.widgets import normalise_origin
from core.workspace.demo_month import add_demo_month
from core.workspace.knowledge import KnowledgeRepository
from core.workspace.relay_link import RelayLinkRepository
from core.workspace.stores import StoreEntry
from core.workspace.widgets import WidgetEntry, WidgetRepository

if TYPE_CHECKING:
    from console.local_relay import LocalRelay
    from console.session import CliSession

DEMO_STORE = "demo"
DEMO_WIDGET = "Demo shop"
KNOWLEDGE_FILE = demo_mapping_path().with_name("knowledge.csv")  # shipped with the package
WIDGET_SETTINGS = {
    "title": BRAND,  # the storefront's own name
    "greeting": "Hi! Ask me about shipping, returns or brewing — or where your order is.",
    "color": "#0f766e",
    "launcher_text": "Questions?",
    "suggestions": ["Where is my order 1001?", "How much does shipping cost?", "Returns"],
}

Say = Callable[[str], None]
SyncProgress = Callable[[str, int, int | None], None]


@dataclass(frozen=True, slots=True)
class DemoReady:
    storefront_url: str
    relay_url: str
    widget_key: str
    published: tuple[str, ...]
    """What publishing changed on the relay, one line per kind."""


def _quiet(_: str) -> None:
    return None


def _now() -> datetime:
    return datetime.now(UTC)


async def set_up_demo(
    session: CliSession,
    http: httpx.AsyncClient,
    relay: LocalRelay,
    *,
    say: Say = _quiet,
    sync_progress: SyncProgress | None = None,
    month: bool = True,
) -> DemoReady:
    """Everything the demo needs, reusing what is already there; errors are one sentence.
    ``month``: add the month of demo conversations (once) for the Inbox and Analytics."""
    links = RelayLinkRepository(session.workspace, session.vault)
    _refuse_foreign_pairing(links)
    store = await ensure_store(session, say)
    say("Syncing the demo shop…")
    await session.sync_store(store, full=False, progress=sync_progress)
    say("Starting the local relay…")
    url = await relay.start(http)
    widget = ensure_widget(session, url, say)
    added = add_demo_month(session.workspace, widget.id, store.id) if month else 0
    if added:
        say(f"Added a month of demo conversations ({added:,}) for the Inbox and Analytics.")
    client = await ensure_paired(links, http, relay, url, say)
    link = links.current()
    assert link is not None
    done = await publish(session, client, link)
    say(f"Published to the local relay {url}.")
    return DemoReady(f"{url}/demo/{widget.key}", url, widget.key, done.lines)


def _refuse_foreign_pairing(links: RelayLinkRepository) -> None:
    """The demo never replaces a pairing with a real relay on another machine."""
    link = links.current()
    if link is None:
        return
    host = httpx.URL(link.url).host
    if not is_loopback(host):
        raise CliError(
            f"this workspace is paired with the relay at {link.url}, and the demo would replace "
            "that pairing. Try the demo in a workspace of its own: storedesk --data-dir "
            "DIR demo.",
            EXIT_USAGE,
        )


async def ensure_store(session: CliSession, say: Say) -> StoreEntry:
    entry = session.stores.get(DEMO_STORE)
    if entry is not None:
        return entry
    settings, secrets = connection_for_demo()
    info = await session.test_connection("sql", settings, secrets)
    say(f"Connected the demo shop ({info.name}) as the store {DEMO_STORE!r}.")
    return session.stores.add(DEMO_STORE, "sql", settings, secrets)


def ensure_widget(session: CliSession, relay_url: str, say: Say) -> WidgetEntry:
    """The demo widget, allowed on the local relay's demo storefront (whatever its port)."""
    widgets = WidgetRepository(session.workspace, session.vault)
    origin = normalise_origin(relay_url)
    entry = widgets.get(DEMO_WIDGET)
    if entry is None:
        settings = {**WIDGET_SETTINGS, "allowed_origins": [origin]}
        entry = widgets.create(DEMO_WIDGET, store=DEMO_STORE, settings=settings)
        report = KnowledgeRepository(session.workspace).import_file(entry.id, KNOWLEDGE_FILE)
        say(f"Created the widget {DEMO_WIDGET!r} with {plural(report.added, 'answer')}.")
        return entry
    if origin in entry.config.allowed_origins:
        return entry
    kept = [o for o in entry.config.allowed_origins if not is_loopback(httpx.URL(o).host)]
    return widgets.update(entry, {"allowed_origins": [*kept, origin]})


async def ensure_paired(
    links: RelayLinkRepository,
    http: httpx.AsyncClient,
    relay: LocalRelay,
    url: str,
    say: Say,
) -> RelayClient:
    """A client for the local relay, pairing again when needed."""
    link = links.current()
    if link is not None and link.url == url:
        client = RelayClient(url, links.private_key(link), http, _now)
        try:
            await client.status()
            return client
        except RelayError as err:
            if err.status not in (401, 403):
                raise
    code = await relay.pairing_code()
    result = await pair(links, http, url, code, name="Storedesk demo")
    say(f"Paired with the local relay (this console's key: {result.link.fingerprint}).")
    return RelayClient(url, links.private_key(result.link), http, _now)
