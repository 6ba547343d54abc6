"""Reading the published state (widgets, knowledge, stores) into memory.

Secrets are decrypted once, here; a relay key that cannot open them stops the relay with a
sentence that says which key is expected.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from typing import Any

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


def store_ad(store_id: str) -> bytes:
    return b"store:" + store_id.encode()


def widget_ad(key: str) -> bytes:
    return b"widget:" + key.encode()


async def load_published(connection: AsyncConnection, relay_key: bytes) -> Published:
    knowledge: dict[str, list[KnowledgeEntry]] = defaultdict(list)
    rows = await connection.execute(
        select(knowledge_entries).order_by(knowledge_entries.c.widget_key, knowledge_entries.c.id)
    )
    for row in rows.mappings():
        knowledge[row["widget_key"]].append(
            KnowledgeEntry(
                id=row["id"],
                question=row["question"],
                answer=row["answer"],
                keywords=tuple(row["keywords"]),
                enabled=bool(row["enabled"]),
            )
        )
    loaded_stores = {
        row["id"]: _store(row, relay_key)
        for row in (await connection.execute(select(stores))).mappings()
    }
    loaded_widgets: dict[str, PublishedWidget] = {}
    for row in (await connection.execute(select(widgets))).mappings():
        widget = _widget(row, tuple(knowledge.get(row["key"], ())), relay_key)
        if widget is not None:
            loaded_widgets[widget.key] = widget
    return Published(widgets=loaded_widgets, stores=loaded_stores)


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
    )


def _open(relay_key: bytes, ad: bytes, blob: bytes, what: str) -> bytes:
    try:
        return open_sealed(relay_key, ad, bytes(blob))
    except CryptoError:
        raise StorageError(KEY_MISMATCH.format(what=what)) from None
