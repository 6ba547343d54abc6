"""What `storedesk relay publish` sends (the workspace's full published state) and how the
relay's answer reads."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from core.signing import b64
from core.starter_kb import has_placeholder
from core.widgets import widget_to_json
from core.workspace.clients import ClientEntry, ClientRepository, RemovedClient
from core.workspace.knowledge import KnowledgeRepository
from core.workspace.widgets import WidgetRepository

if TYPE_CHECKING:
    from console.session import CliSession


PublishTarget = ClientEntry | RemovedClient | None
"""What a publish sends: everything (None), one client's widgets, or a removed client's
scope (empty: the relay removes what it still has under it)."""


def build_bundle(session: CliSession, client: PublishTarget = None) -> dict[str, Any]:
    """Every widget (settings, identity secret, knowledge, client scope) and the stores they
    use, with their settings and decrypted credentials: what is not in it is removed on the
    relay.

    For one ``client`` (agency mode) only its widgets and the stores they use (and its own
    stores sending webhooks) are in it, marked ``partial`` with the client's scope: the
    relay adds and updates them, removes the widgets (and unused stores) it has under that
    scope that are not in it, and leaves every other client's as they are. ``keep`` and
    ``keep_stores`` list the workspace's other widgets and stores: one moved to another
    client is left for that client's publish."""
    widgets = WidgetRepository(session.workspace, session.vault)
    knowledge = KnowledgeRepository(session.workspace)
    scopes = {c.id: c.publish_scope for c in ClientRepository(session.workspace).list()}
    every = widgets.list()
    if isinstance(client, RemovedClient):
        entries = []
    elif client is not None:
        entries = [entry for entry in every if entry.client_id == client.id]
    else:
        entries = every
    client_id = client.id if isinstance(client, ClientEntry) else None
    used = {entry.store for entry in entries if entry.store}
    # a store sending webhooks to the relay is published too (the relay checks them with it)
    if not isinstance(client, RemovedClient):
        hooked = session.stores.list(client_id=client_id)
        used |= {s.name for s in hooked if s.settings.get("webhooks")}
    every_store = session.stores.list()
    stores = [
        {
            "id": store.name,
            "platform": store.platform,
            "settings": dict(store.settings),
            "secrets": session.stores.secrets(store),
            "scope": scopes.get(store.client_id) if store.client_id is not None else None,
        }
        for store in every_store
        if store.name in used
    ]
    bundle_widgets = [
        {
            "key": entry.key,
            "name": entry.name,
            "store": entry.store,
            "config": widget_to_json(entry.config),
            "identity_secret": b64(widgets.identity_secret(entry)),
            "scope": scopes.get(entry.client_id) if entry.client_id is not None else None,
            "knowledge": [
                {
                    "id": item.id,
                    "question": item.question,
                    "answer": item.answer,
                    "keywords": list(item.keywords),
                    # a starter answer still saying "[your returns window]" waits for its facts
                    "enabled": item.enabled and not has_placeholder(item.answer),
                }
                for item in knowledge.list(entry.id)
            ],
        }
        for entry in entries
    ]
    bundle: dict[str, Any] = {"stores": stores, "widgets": bundle_widgets}
    if client is not None:
        sent = {entry.key for entry in entries}
        bundle["partial"] = True
        bundle["scope"] = client.publish_scope
        bundle["keep"] = sorted(entry.key for entry in every if entry.key not in sent)
        # its stores no widget uses any more are removed, as a full publish removes them
        bundle["keep_stores"] = sorted(
            store.name
            for store in every_store
            if store.name not in used and (client_id is None or store.client_id != client_id)
        )
    return bundle


def _names(values: Any) -> list[str]:
    return [str(v) for v in values] if isinstance(values, list) else []


def _count(value: Any) -> int:
    if isinstance(value, list):
        return len(value)
    return value if isinstance(value, int) else 0


def _part(label: str, part: Mapping[str, Any], names: Mapping[str, str]) -> str:
    pieces = []
    for action in ("added", "updated", "removed"):
        value = part.get(action)
        listed = [names.get(n, n) for n in _names(value)]
        detail = f" ({', '.join(listed)})" if listed else ""
        pieces.append(f"{_count(value)} {action}{detail}")
    if "unchanged" in part:
        pieces.append(f"{_count(part.get('unchanged'))} unchanged")
    return f"  {label:<10}" + ", ".join(pieces)


def has_changes(changes: Mapping[str, Any]) -> bool:
    """Whether the relay's answer adds, updates or removes anything."""
    return any(
        _count(part.get(action))
        for part in changes.values()
        if isinstance(part, Mapping)
        for action in ("added", "updated", "removed")
    )


def _widget_names(changes: Mapping[str, Any], widget_names: Mapping[str, str]) -> dict[str, str]:
    """The bundle's names, and the relay's for the widgets it removes (gone from here)."""
    part = changes.get("widgets")
    told = part.get("names") if isinstance(part, Mapping) else None
    names = {str(k): str(v) for k, v in told.items()} if isinstance(told, Mapping) else {}
    return names | dict(widget_names)


def removed_widgets(changes: Mapping[str, Any], widget_names: Mapping[str, str]) -> list[str]:
    """The widgets the publish removes from the relay: ``'Old chat' (wk_…)`` each."""
    part = changes.get("widgets")
    removed = _names(part.get("removed")) if isinstance(part, Mapping) else []
    names = _widget_names(changes, widget_names)
    return [f"{names[key]!r} ({key})" if key in names else key for key in removed]


def kept_widgets(changes: Mapping[str, Any]) -> list[str]:
    """Widgets of a client's scope the publish leaves alone: moved to another client."""
    part = changes.get("widgets")
    return _names(part.get("kept")) if isinstance(part, Mapping) else []


def describe_changes(changes: Mapping[str, Any], widget_names: Mapping[str, str]) -> list[str]:
    """One line per kind: ``widgets   1 added (wk_… Shop chat), 0 updated, …``."""
    if not has_changes(changes):
        return ["  nothing changed: the relay already has exactly this."]
    names = _widget_names(changes, widget_names)
    labels = {key: f"{key} {name!r}" for key, name in names.items()}
    lines = []
    for kind in ("widgets", "knowledge", "stores"):
        part = changes.get(kind)
        if isinstance(part, Mapping):
            lines.append(_part(kind, part, labels if kind == "widgets" else {}))
    return lines
