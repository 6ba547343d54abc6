"""Chat widgets in the workspace: settings as WidgetConfig JSON, the identity secret sealed
by the vault (label ``widget:<key>``)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, delete, func, insert, select, update

from core.ids import new_id
from core.records import WidgetConfig
from core.starter_kb import starter_entries
from core.vault import widget_label
from core.widgets import WidgetError, new_widget_key, updated, widget_from_json, widget_to_json
from core.workspace.activity import record
from core.workspace.clients import store_client_id
from core.workspace.database import Workspace
from core.workspace.models import Client, KnowledgeEntryRow, StoreRow, Widget
from core.workspace.paths import WorkspaceError

if TYPE_CHECKING:
    from core.vault import Vault

log = logging.getLogger(__name__)
SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class WidgetEntry:
    """A widget as the console lists it; never carries the identity secret."""

    id: int
    key: str
    name: str
    store: str | None
    config: WidgetConfig
    created_at: datetime
    updated_at: datetime
    published_at: datetime | None = None
    knowledge: int = 0
    client_id: int | None = None
    client: str | None = None
    client_pinned: bool = False
    """The client was given to the widget itself (else it follows its store's)."""


WidgetList = list[WidgetEntry]


class WidgetRepository:
    def __init__(
        self,
        workspace: Workspace,
        vault: Vault,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        random_bytes: Callable[[int], bytes] = os.urandom,
        new_key: Callable[[], str] = new_widget_key,
    ) -> None:
        self._workspace = workspace
        self._vault = vault
        self._now = now
        self._random_bytes = random_bytes
        self._new_key = new_key

    def create(
        self,
        name: str,
        *,
        store: str | None,
        settings: Mapping[str, Any] | None = None,
        client_id: int | None = None,
        starter: bool = False,
    ) -> WidgetEntry:
        """A new widget with a fresh key and identity secret; ``settings`` are checked
        like any WidgetConfig JSON (a bad one raises ``WidgetError`` naming it). Its client
        is ``client_id``, else its store's. With ``starter``, its knowledge base starts with
        ``core.starter_kb``'s entries in the widget's first language."""
        store_id = self._store_id(store)
        key = self._new_key()
        config = widget_from_json({**(settings or {}), "key": key, "name": name, "store": store})
        self._check_name_free(config.name, None)
        secret = self._random_bytes(SECRET_BYTES).hex()
        moment = self._now()
        values = {
            "key": key,
            "name": config.name,
            "store_id": store_id,
            "config": widget_to_json(config),
            "identity_secret": self._vault.seal(widget_label(key), {"identity_secret": secret}),
            "created_at": moment,
            "updated_at": moment,
        }
        with self._workspace.engine.begin() as connection:
            follows = store_client_id(connection, store_id)
            values["client_id"] = follows if client_id is None else client_id
            values["client_pinned"] = values["client_id"] != follows
            connection.execute(insert(Widget).values(values))
            widget_id = connection.scalar(select(Widget.id).where(Widget.key == key))
            assert widget_id is not None
            if starter:
                _add_starter(connection, widget_id, config.languages[0], moment)
            details = {"store": store, "widget_id": widget_id}
            record(connection, "widget.created", config.name, details)
        log.info("Created widget %s (%r)", key, config.name)
        return self._require(key)

    def list(self, *, client_id: int | None = None) -> WidgetList:
        """Every widget, or only those of one client (agency mode)."""
        return self._entries(None if client_id is None else Widget.client_id == client_id)

    def get(self, name_or_key: str) -> WidgetEntry | None:
        """By key, else by name (ignoring case)."""
        text = name_or_key.strip()
        found = self._entries(Widget.key == text)
        if not found:
            found = self._entries(func.lower(Widget.name) == text.lower())
        return found[0] if found else None

    def update(self, entry: WidgetEntry, changes: Mapping[str, Any]) -> WidgetEntry:
        """Apply ``changes`` (WidgetConfig JSON fields), checked as a whole."""
        if "key" in changes and changes["key"] != entry.key:
            raise WidgetError("key", "A widget's key cannot change; create a new widget instead.")
        config = updated(entry.config, changes)
        self._check_name_free(config.name, entry.id)
        values: dict[str, Any] = {
            "name": config.name,
            "config": widget_to_json(config),
            "updated_at": self._now(),
        }
        if "store" in changes:
            values["store_id"] = self._store_id(config.store)
        with self._workspace.engine.begin() as connection:
            if "store" in changes:
                values.update(_followed_client(connection, entry, values["store_id"]))
            connection.execute(update(Widget).where(Widget.id == entry.id).values(values))
            details = {"fields": sorted(changes), "widget_id": entry.id}
            record(connection, "widget.changed", config.name, details)
        return self._require(entry.key)

    def delete(self, entry: WidgetEntry) -> bool:
        """Remove the widget, its knowledge base and its identity secret."""
        with self._workspace.engine.begin() as connection:
            connection.execute(
                update(Widget).where(Widget.id == entry.id).values(identity_secret=None)
            )
            removed = connection.execute(delete(Widget).where(Widget.id == entry.id))
            if removed.rowcount:
                record(connection, "widget.deleted", entry.name, {"widget_id": entry.id})
        return bool(removed.rowcount)

    def identity_secret(self, entry: WidgetEntry) -> bytes:
        """The HMAC key storefronts sign shoppers' identities with: the ASCII bytes of 64 hex
        digits (32 random bytes), so a storefront uses the text it is shown as the key."""
        with self._workspace.engine.connect() as connection:
            blob = connection.scalar(select(Widget.identity_secret).where(Widget.id == entry.id))
        if blob is None:
            raise WorkspaceError(
                f"Widget {entry.key} has no identity secret; recreate it to get one."
            )
        return self._vault.unseal(widget_label(entry.key), blob)["identity_secret"].encode("ascii")

    def mark_published(self, keys: Iterable[str], at: datetime) -> None:
        with self._workspace.engine.begin() as connection:
            connection.execute(
                update(Widget).where(Widget.key.in_(list(keys))).values(published_at=at)
            )

    def _require(self, key: str) -> WidgetEntry:
        entry = self.get(key)
        assert entry is not None
        return entry

    def _store_id(self, store: str | None) -> int | None:
        if store is None:
            return None
        with self._workspace.engine.connect() as connection:
            store_id = connection.scalar(select(StoreRow.id).where(StoreRow.name == store))
        if store_id is None:
            raise WidgetError(
                "store", f"There is no store named {store!r}; `storedesk store list` shows yours."
            )
        return int(store_id)

    def _check_name_free(self, name: str, own_id: int | None) -> None:
        query = select(Widget.id).where(func.lower(Widget.name) == name.lower())
        with self._workspace.engine.connect() as connection:
            ids = set(connection.scalars(query).all())
        if ids - {own_id}:
            raise WidgetError("name", f"A widget named {name!r} already exists; choose another.")

    def _entries(self, where: Any) -> WidgetList:
        knowledge = (
            select(func.count())
            .where(KnowledgeEntryRow.widget_id == Widget.id)
            .correlate(Widget)
            .scalar_subquery()
        )
        query = (
            select(Widget, StoreRow.name, knowledge, Client.name)
            .outerjoin(StoreRow, StoreRow.id == Widget.store_id)
            .outerjoin(Client, Client.id == Widget.client_id)
            .order_by(Widget.name, Widget.id)
        )
        if where is not None:
            query = query.where(where)
        with self._workspace.session() as session:
            return [_entry(*row) for row in session.execute(query).all()]


def _add_starter(connection: Connection, widget_id: int, language: str, at: datetime) -> None:
    rows = [
        {
            "id": new_id("k"),
            "widget_id": widget_id,
            "question": entry.question,
            "answer": entry.answer,
            "keywords": list(entry.keywords),
            "enabled": True,
            "created_at": at,
            "updated_at": at,
        }
        for entry in starter_entries(language)
    ]
    connection.execute(insert(KnowledgeEntryRow), rows)


def _followed_client(
    connection: Connection, entry: WidgetEntry, store_id: int | None
) -> dict[str, Any]:
    """A widget whose client follows its store's follows its new store's."""
    pinned = connection.scalar(select(Widget.client_pinned).where(Widget.id == entry.id))
    if pinned:
        return {}  # given a client of its own: it stays
    return {"client_id": store_client_id(connection, store_id)}


def _entry(row: Widget, store: str | None, knowledge: int, client: str | None) -> WidgetEntry:
    config = widget_from_json({**row.config, "key": row.key, "name": row.name, "store": store})
    return WidgetEntry(
        id=row.id,
        key=row.key,
        name=row.name,
        store=store,
        config=config,
        created_at=row.created_at,
        updated_at=row.updated_at,
        published_at=row.published_at,
        knowledge=knowledge,
        client_id=row.client_id,
        client=client,
        client_pinned=row.client_pinned,
    )
