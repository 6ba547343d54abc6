"""Clients (agency mode): a merchant or agency manages several clients, each owning stores and
widgets. A widget's client follows its store's unless it was set on its own.

Removing a client never orphans anything silently: while it still owns stores or widgets,
``remove`` refuses (``ClientInUse`` says what it owns) unless they are moved to another
client or explicitly released to "no client"."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from core.workspace.activity import record
from core.workspace.database import Workspace
from core.workspace.models import ActivityLog, Client, StoreRow, Widget
from core.workspace.paths import WorkspaceError

log = logging.getLogger(__name__)
NAME_LIMIT = 80


class ClientError(WorkspaceError):
    """A client operation that cannot be done; ``str()`` says why and what to do."""


class ClientInUse(ClientError):
    """The client still owns stores or widgets; they must be moved or released first."""

    def __init__(self, name: str, stores: list[str], widgets: list[str]) -> None:
        self.name, self.stores, self.widgets = name, stores, widgets
        owned = " and ".join(
            part for part in (_listed(stores, "store"), _listed(widgets, "widget")) if part
        )
        super().__init__(
            f"Client {name!r} still has {owned}. Move them to another client first, or "
            "release them (they stay in the workspace without a client)."
        )


def _listed(names: list[str], noun: str) -> str:
    if not names:
        return ""
    shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
    return f"{len(names)} {noun}{'s' if len(names) != 1 else ''} ({shown})"


@dataclass(frozen=True, slots=True)
class ClientEntry:
    id: int
    name: str
    email: str | None
    created_at: datetime
    stores: int = 0
    widgets: int = 0

    @property
    def publish_scope(self) -> str:
        """The scope its widgets are published under on the relay."""
        return publish_scope(self.id, self.created_at)


def publish_scope(client_id: int, created_at: datetime) -> str:
    """The relay's name for a client's widgets: stable across renames, and never the same
    for two clients (an id SQLite hands out again after a removal comes with another
    creation time)."""
    return f"client-{client_id}-{created_at:%Y%m%d%H%M%S%f}"


@dataclass(frozen=True, slots=True)
class RemovedClient:
    """A client removed from the workspace whose widgets may still be published under its
    scope: publishing it (empty) takes those the workspace no longer has off the relay."""

    name: str
    publish_scope: str


@dataclass(frozen=True, slots=True)
class ClientScope:
    """What one client owns: the ids every screen and command filters by."""

    client_id: int
    name: str
    store_ids: frozenset[int]
    widget_ids: frozenset[int]


ClientList = list[ClientEntry]


def check_name(name: str) -> str:
    text = " ".join(name.split())
    if not text:
        raise ClientError("A client needs a name.")
    if len(text) > NAME_LIMIT:
        raise ClientError(f"A client's name is at most {NAME_LIMIT} characters.")
    return text


def _check_email(email: str | None) -> str | None:
    text = (email or "").strip()
    if not text:
        return None
    local, _, domain = text.partition("@")
    if not local or "." not in domain or any(c.isspace() for c in text):
        raise ClientError(f"{text!r} is not an email address (name@example.com).")
    return text


class ClientRepository:
    def __init__(
        self, workspace: Workspace, *, now: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self._workspace = workspace
        self._now = now

    # -- reading -----------------------------------------------------------------------

    def list(self) -> ClientList:
        return self._entries(None)

    def exists(self) -> bool:
        with self._workspace.engine.connect() as connection:
            return connection.scalar(select(Client.id).limit(1)) is not None

    def get(self, name: str) -> ClientEntry | None:
        """By name, ignoring case and extra spaces."""
        found = self._entries(func.lower(Client.name) == " ".join(name.split()).lower())
        return found[0] if found else None

    def by_id(self, client_id: int) -> ClientEntry | None:
        found = self._entries(Client.id == client_id)
        return found[0] if found else None

    def require(self, name: str) -> ClientEntry:
        entry = self.get(name)
        if entry is None:
            known = ", ".join(c.name for c in self.list()) or "none yet"
            raise ClientError(
                f"There is no client named {name!r} (clients: {known}); "
                "`storedesk client add NAME` adds one."
            )
        return entry

    def removed(self, name: str) -> RemovedClient | None:
        """The newest client removed under ``name`` (ignoring case and extra spaces) that no
        client of the workspace is called now, with its publish scope."""
        text = " ".join(name.split())
        if not text or self.get(text) is not None:
            return None
        query = (
            select(ActivityLog.subject, ActivityLog.details)
            .where(ActivityLog.action == "client.removed")
            .where(func.lower(ActivityLog.subject) == text.lower())
            .order_by(ActivityLog.at.desc(), ActivityLog.id.desc())
        )
        with self._workspace.engine.connect() as connection:
            for subject, details in connection.execute(query):
                scope = (details or {}).get("scope")
                if isinstance(scope, str) and scope:
                    return RemovedClient(str(subject), scope)
        return None

    def scope(self, entry: ClientEntry) -> ClientScope:
        with self._workspace.engine.connect() as connection:
            stores = connection.scalars(select(StoreRow.id).where(StoreRow.client_id == entry.id))
            store_ids = frozenset(stores.all())
            widgets = connection.scalars(select(Widget.id).where(Widget.client_id == entry.id))
            widget_ids = frozenset(widgets.all())
        return ClientScope(entry.id, entry.name, store_ids, widget_ids)

    def _entries(self, where: Any) -> ClientList:
        stores = select(func.count()).where(StoreRow.client_id == Client.id).scalar_subquery()
        widgets = select(func.count()).where(Widget.client_id == Client.id).scalar_subquery()
        query = select(Client, stores, widgets).order_by(func.lower(Client.name), Client.id)
        if where is not None:
            query = query.where(where)
        with self._workspace.session() as session:
            return [
                ClientEntry(row.id, row.name, row.email, row.created_at, n_stores, n_widgets)
                for row, n_stores, n_widgets in session.execute(query).all()
            ]

    # -- changing ----------------------------------------------------------------------

    def add(self, name: str, email: str | None = None) -> ClientEntry:
        text = check_name(name)
        values = {"name": text, "email": _check_email(email), "created_at": self._now()}
        with self._workspace.engine.begin() as connection:
            self._check_free(connection, text, None)
            connection.execute(insert(Client).values(values))
            record(connection, "client.added", text)
        log.info("Added client %r", text)
        return self.require(text)

    def rename(self, entry: ClientEntry, new_name: str) -> ClientEntry:
        text = check_name(new_name)
        with self._workspace.engine.begin() as connection:
            self._check_free(connection, text, entry.id)
            connection.execute(update(Client).where(Client.id == entry.id).values(name=text))
            record(connection, "client.renamed", text, {"from": entry.name})
        return self.require(text)

    def set_email(self, entry: ClientEntry, email: str | None) -> ClientEntry:
        with self._workspace.engine.begin() as connection:
            connection.execute(
                update(Client).where(Client.id == entry.id).values(email=_check_email(email))
            )
        return self.require(entry.name)

    def remove(
        self, entry: ClientEntry, *, move_to: ClientEntry | None = None, release: bool = False
    ) -> None:
        """Delete the client. What it owns goes to ``move_to``, or to no client when
        ``release``; otherwise a client that owns anything is refused (``ClientInUse``)."""
        if move_to is not None and move_to.id == entry.id:
            raise ClientError("Move the stores and widgets to a different client.")
        target = move_to.id if move_to is not None else None
        with self._workspace.engine.begin() as connection:
            stores, widgets = _owned(connection, entry.id)
            if (stores or widgets) and move_to is None and not release:
                raise ClientInUse(entry.name, stores, widgets)
            for model in (StoreRow, Widget):
                connection.execute(
                    update(model).where(model.client_id == entry.id).values(client_id=target)
                )
            connection.execute(delete(Client).where(Client.id == entry.id))
            details: dict[str, Any] = {
                "stores": stores,
                "widgets": widgets,
                "scope": entry.publish_scope,  # publishing it later takes its widgets off
            }
            if move_to is not None:
                details["moved_to"] = move_to.name
            record(connection, "client.removed", entry.name, details)
        log.info("Removed client %r", entry.name)

    def assign_store(self, store: str, client: ClientEntry | None) -> None:
        """Give the store to ``client`` (None: no client). Its widgets that followed the
        store's client follow it to the new one; widgets set on their own stay."""
        target = client.id if client is not None else None
        with self._workspace.engine.begin() as connection:
            row = connection.execute(
                select(StoreRow.id).where(StoreRow.name == store)
            ).one_or_none()
            if row is None:
                raise ClientError(
                    f"There is no store named {store!r}; `storedesk store list` shows yours."
                )
            store_id = row[0]
            connection.execute(
                update(StoreRow).where(StoreRow.id == store_id).values(client_id=target)
            )
            connection.execute(
                update(Widget)
                .where(Widget.store_id == store_id, Widget.client_pinned.is_(False))
                .values(client_id=target)
            )
            record(connection, "client.store_assigned", store, _to(client))

    def assign_widget(self, widget_id: int, client: ClientEntry | None) -> None:
        target = client.id if client is not None else None
        with self._workspace.engine.begin() as connection:
            row = connection.execute(
                select(Widget.name, Widget.store_id).where(Widget.id == widget_id)
            ).one_or_none()
            if row is None:
                raise ClientError("That widget no longer exists; `storedesk widget list`.")
            name, store_id = row
            pinned = target != store_client_id(connection, store_id)
            connection.execute(
                update(Widget)
                .where(Widget.id == widget_id)
                .values(client_id=target, client_pinned=pinned)
            )
            record(
                connection, "client.widget_assigned", name, {**_to(client), "widget_id": widget_id}
            )

    def follow_store(self, widget_id: int) -> None:
        """The widget belongs to its store's client again (and follows it from now on)."""
        with self._workspace.engine.begin() as connection:
            store_id = connection.scalar(select(Widget.store_id).where(Widget.id == widget_id))
            connection.execute(
                update(Widget)
                .where(Widget.id == widget_id)
                .values(client_id=store_client_id(connection, store_id), client_pinned=False)
            )

    def _check_free(self, connection: Connection, name: str, own_id: int | None) -> None:
        query = select(Client.id).where(func.lower(Client.name) == name.lower())
        if set(connection.scalars(query).all()) - {own_id}:
            raise ClientError(f"A client named {name!r} already exists; choose another name.")


def _to(client: ClientEntry | None) -> dict[str, Any]:
    return {"client": client.name if client is not None else None}


def _owned(connection: Connection, client_id: int) -> tuple[list[str], list[str]]:
    stores = connection.scalars(
        select(StoreRow.name).where(StoreRow.client_id == client_id).order_by(StoreRow.name)
    ).all()
    widgets = connection.scalars(
        select(Widget.name).where(Widget.client_id == client_id).order_by(Widget.name)
    ).all()
    return list(stores), list(widgets)


def store_client_id(connection: Connection, store_id: int | None) -> int | None:
    """The client a new widget of this store belongs to by default."""
    if store_id is None:
        return None
    found = connection.scalar(select(StoreRow.client_id).where(StoreRow.id == store_id))
    return int(found) if found is not None else None
