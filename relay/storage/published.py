"""Reading the published state (widgets, knowledge, stores) into memory.

Secrets are decrypted once, here; a relay key that cannot open them stops the relay with a
sentence that says which key is expected.

A reload keeps the widgets and stores whose digest did not change (the same objects: the
state is never held twice, and a publish reads only what it changed). What is read comes
in batches, only the columns the relay serves from, and equal values (texts, keyword lists,
whole knowledge entries, frozen as they are) are kept once: widgets that share a knowledge
base share it in memory too.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any, TypeVar

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.records import KnowledgeEntry
from core.widgets import WidgetError, widget_from_json
from relay.crypto import CryptoError, open_sealed
from relay.storage.errors import KEY_MISMATCH, StorageError
from relay.storage.models import knowledge_entries, stores, widgets
from relay.storage.records import Published, PublishedStore, PublishedWidget

log = logging.getLogger(__name__)

CHUNK = 500
"""Widgets read per query (``IN`` lists stay under every database's parameter limit)."""
BATCH = 1000
"""Knowledge rows fetched at a time."""

T = TypeVar("T")


def store_ad(store_id: str) -> bytes:
    return b"store:" + store_id.encode()


def widget_ad(key: str) -> bytes:
    return b"widget:" + key.encode()


class _Shared:
    """Equal immutable values, kept once for the duration of a load."""

    def __init__(self) -> None:
        self._seen: dict[Any, Any] = {}

    def __call__(self, value: T) -> T:
        found: T = self._seen.setdefault(value, value)
        return found


async def load_published(
    connection: AsyncConnection, relay_key: bytes, current: Published | None = None
) -> Published:
    """The published state; what ``current`` holds unchanged is taken from it as it is."""
    current = current or Published.empty()
    loaded_stores: dict[str, PublishedStore] = {}
    for row in (await connection.execute(select(stores))).mappings():
        store = current.stores.get(row["id"])
        if store is None or store.version != row["digest"]:
            store = _store(row, relay_key)
        loaded_stores[store.id] = store
    loaded_widgets: dict[str, PublishedWidget] = {}
    changed: list[str] = []
    w = widgets.c
    for key, digest, version in await connection.execute(select(w.key, w.digest, w.version)):
        kept = current.widgets.get(key)
        if kept is not None and (kept.digest, kept.version) == (digest, version):
            loaded_widgets[key] = kept
        else:
            changed.append(key)
    shared = _Shared()
    for keys in _chunks(changed):
        knowledge = await _knowledge(connection, keys, shared)
        rows = await connection.execute(
            select(
                w.key, w.name, w.store_id, w.config, w.identity_secret, w.version, w.digest
            ).where(w.key.in_(keys))
        )
        for row in rows.mappings():
            entries = shared(tuple(knowledge.pop(row["key"], ())))
            widget = _widget(row, entries, relay_key)
            if widget is not None:
                loaded_widgets[widget.key] = widget
    return Published(widgets=loaded_widgets, stores=loaded_stores)


async def _knowledge(
    connection: AsyncConnection, keys: Sequence[str], shared: _Shared
) -> dict[str, list[KnowledgeEntry]]:
    found: dict[str, list[KnowledgeEntry]] = defaultdict(list)
    c = knowledge_entries.c
    rows = await connection.stream(
        select(c.widget_key, c.id, c.question, c.answer, c.keywords, c.enabled)
        .where(c.widget_key.in_(keys))
        .order_by(c.widget_key, c.id)
    )
    async for batch in rows.partitions(BATCH):
        for widget_key, entry_id, question, answer, keywords, enabled in batch:
            entry = KnowledgeEntry(
                id=shared(entry_id),
                question=shared(question),
                answer=shared(answer),
                keywords=shared(tuple(shared(k) for k in keywords)),
                enabled=bool(enabled),
            )
            found[widget_key].append(shared(entry))
    return found


def _chunks(keys: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def _store(row: Any, relay_key: bytes) -> PublishedStore:
    secrets: dict[str, Any] = {}
    if row["secrets"] is not None:
        plain = _open(relay_key, store_ad(row["id"]), row["secrets"], f'store "{row["id"]}"')
        secrets = orjson.loads(plain)
    return PublishedStore(
        id=row["id"],
        platform=row["platform"],
        settings=row["settings"],
        secrets=secrets,
        version=row["digest"],
    )


def _widget(
    row: Any, knowledge: tuple[KnowledgeEntry, ...], relay_key: bytes
) -> PublishedWidget | None:
    secret = None
    if row["identity_secret"] is not None:
        secret = _open(
            relay_key, widget_ad(row["key"]), row["identity_secret"], f'widget "{row["name"]}"'
        )
    try:
        settings = widget_from_json(row["config"])
    except WidgetError as exc:
        log.error("Widget %s is not served: its settings are not usable (%s)", row["key"], exc)
        return None
    return PublishedWidget(
        key=row["key"],
        name=row["name"],
        store_id=row["store_id"],
        config=row["config"],
        identity_secret=secret,
        knowledge=knowledge,
        version=row["version"],
        settings=settings,
        digest=row["digest"],
    )


def _open(relay_key: bytes, ad: bytes, blob: bytes, what: str) -> bytes:
    try:
        return open_sealed(relay_key, ad, bytes(blob))
    except CryptoError:
        raise StorageError(KEY_MISMATCH.format(what=what)) from None
