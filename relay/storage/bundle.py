"""A published bundle checked and normalised, with the digests that tell what changed.

Digests are HMAC-SHA256 under a key derived from the relay key, so the database never holds
a plain hash of a secret.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from core.records import KnowledgeEntry
from core.widgets import WidgetError, widget_from_json
from relay.storage.errors import BundleError

MAX_ID = 255
MAX_ENTRY_ID = 128
MAX_SCOPE = 64
MAX_KEY = 64


@dataclass(frozen=True, slots=True)
class StoreSpec:
    id: str
    platform: str
    settings: dict[str, Any]
    secrets: dict[str, Any]
    digest: str
    scope: str | None = None
    """The client scope of the client owning it; None: no client."""


@dataclass(frozen=True, slots=True)
class WidgetSpec:
    key: str
    name: str
    store_id: str | None
    config: dict[str, Any]
    identity_secret: bytes | None
    knowledge: tuple[KnowledgeEntry, ...]
    digest: str
    scope: str | None = None
    """The client scope (agency mode) it is published under; None: no client."""


@dataclass(frozen=True, slots=True)
class Bundle:
    stores: dict[str, StoreSpec]
    widgets: dict[str, WidgetSpec]
    scope: str | None = None
    """A partial bundle's client scope: the widgets published under it and missing from the
    bundle are removed (except ``keep``'s)."""
    keep: frozenset[str] = frozenset()
    """Widget keys the console still has under another client (or none): never removed by
    this partial bundle, whatever scope the relay recorded for them."""
    keep_stores: frozenset[str] = frozenset()
    """Store ids the console has under another client (or none): never removed by it."""


def read_bundle(data: Mapping[str, Any], relay_key: bytes) -> Bundle:
    """Check a ``PUT /v1/console/publish`` body; a bad part raises ``BundleError``."""
    if not isinstance(data, Mapping):
        raise BundleError("bundle", "The published bundle must be a JSON object.")
    digest_key = hmac.new(relay_key, b"storedesk relay digest", hashlib.sha256).digest()
    scope = _scope(data.get("scope"), "scope")
    keep = _keys(data.get("keep", []), "keep")
    keep_stores = _keys(data.get("keep_stores", []), "keep_stores", MAX_ID)
    stores: dict[str, StoreSpec] = {}
    for i, item in enumerate(_list(data, "stores")):
        spec = _store(item, f"stores[{i}]", digest_key)
        if spec.id in stores:
            raise BundleError(f"stores[{i}].id", f'The store "{spec.id}" is listed twice.')
        stores[spec.id] = spec
    widgets: dict[str, WidgetSpec] = {}
    for i, item in enumerate(_list(data, "widgets")):
        widget = _widget(item, f"widgets[{i}]", digest_key, scope)
        if widget.key in widgets:
            raise BundleError(f"widgets[{i}].key", f'The widget "{widget.key}" is listed twice.')
        if widget.store_id is not None and widget.store_id not in stores:
            raise BundleError(
                f"widgets[{i}].store",
                f'The widget "{widget.name}" uses the store "{widget.store_id}", which is not '
                "in the bundle.",
            )
        widgets[widget.key] = widget
    return Bundle(
        stores=stores,
        widgets=widgets,
        scope=scope,
        keep=keep - widgets.keys(),
        keep_stores=keep_stores - stores.keys(),
    )


def _scope(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_SCOPE:
        raise BundleError(
            where, f"{where} must be a client scope (a text of at most {MAX_SCOPE} characters)."
        )
    return value


def _keys(value: Any, where: str, limit: int = MAX_KEY) -> frozenset[str]:
    if not isinstance(value, list) or not all(
        isinstance(k, str) and 0 < len(k) <= limit for k in value
    ):
        what = "store ids" if limit == MAX_ID else "widget keys"
        raise BundleError(where, f"{where} must be a list of {what}.")
    return frozenset(value)


def _list(data: Mapping[str, Any], name: str) -> list[Any]:
    value = data.get(name, [])
    if not isinstance(value, list):
        raise BundleError(name, f'"{name}" must be a list.')
    return value


def _object(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise BundleError(where, f"{where} must be a JSON object.")
    return value


def _text(item: Mapping[str, Any], name: str, where: str, limit: int | None = None) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        raise BundleError(f"{where}.{name}", f"{where}.{name} must be a non-empty text.")
    if limit is not None and len(value) > limit:
        raise BundleError(f"{where}.{name}", f"{where}.{name} is longer than {limit} characters.")
    return value


def _store(value: Any, where: str, digest_key: bytes) -> StoreSpec:
    item = _object(value, where)
    store_id = _text(item, "id", where, MAX_ID)
    platform = _text(item, "platform", where, 32)
    settings = dict(_object(item.get("settings", {}), f"{where}.settings"))
    secrets = dict(_object(item.get("secrets", {}), f"{where}.secrets"))
    scope = _scope(item.get("scope"), f"{where}.scope")
    parts: list[Any] = [platform, settings, secrets]
    if scope is not None:  # a store given to another client is an update
        parts.append(scope)
    digest = _digest(digest_key, parts)
    return StoreSpec(store_id, platform, settings, secrets, digest, scope)


def _widget(value: Any, where: str, digest_key: bytes, bundle_scope: str | None) -> WidgetSpec:
    item = _object(value, where)
    key = _text(item, "key", where, MAX_KEY)
    scope = _scope(item.get("scope", bundle_scope), f"{where}.scope")
    if bundle_scope is not None and scope != bundle_scope:
        raise BundleError(
            f"{where}.scope", f"{where}.scope differs from the bundle's scope {bundle_scope!r}."
        )
    name = _text(item, "name", where)
    store = item.get("store")
    if store is not None and (not isinstance(store, str) or not store):
        raise BundleError(f"{where}.store", f"{where}.store must be a store name or null.")
    config = dict(_object(item.get("config", {}), f"{where}.config"))
    config.update(key=key, name=name, store=store)
    try:
        widget_from_json(config)
    except WidgetError as exc:
        raise BundleError(f"{where}.config.{exc.field}", f'Widget "{name}": {exc}') from None
    secret = _identity_secret(item.get("identity_secret"), where)
    knowledge = _knowledge(item.get("knowledge", []), f"{where}.knowledge")
    parts: list[Any] = [
        name,
        store,
        config,
        base64.b64encode(secret).decode() if secret else None,
        [_entry_json(e) for e in knowledge],
    ]
    if scope is not None:  # a widget moved to another client is an update (it was not before)
        parts.append(scope)
    digest = _digest(digest_key, parts)
    return WidgetSpec(key, name, store, config, secret, knowledge, digest, scope)


def _identity_secret(value: Any, where: str) -> bytes | None:
    if value is None or value == "":
        return None
    try:
        secret = base64.b64decode(value, validate=True) if isinstance(value, str) else b""
    except (binascii.Error, ValueError):
        secret = b""
    if not secret:
        raise BundleError(
            f"{where}.identity_secret", f"{where}.identity_secret must be standard base64."
        )
    return secret


def _knowledge(value: Any, where: str) -> tuple[KnowledgeEntry, ...]:
    if not isinstance(value, list):
        raise BundleError(where, f"{where} must be a list.")
    entries: dict[str, KnowledgeEntry] = {}
    for i, raw in enumerate(value):
        item = _object(raw, f"{where}[{i}]")
        entry_id = item.get("id")
        if isinstance(entry_id, int) and not isinstance(entry_id, bool):
            entry_id = str(entry_id)
        if not isinstance(entry_id, str) or not entry_id or len(entry_id) > MAX_ENTRY_ID:
            raise BundleError(f"{where}[{i}].id", f"{where}[{i}].id must be a short text.")
        if entry_id in entries:
            raise BundleError(f"{where}[{i}].id", f'The entry "{entry_id}" is listed twice.')
        keywords = item.get("keywords", [])
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            raise BundleError(f"{where}[{i}].keywords", "Keywords must be a list of texts.")
        enabled = item.get("enabled", True)
        if not isinstance(enabled, bool):
            raise BundleError(f"{where}[{i}].enabled", "enabled must be true or false.")
        entries[entry_id] = KnowledgeEntry(
            id=entry_id,
            question=_text(item, "question", f"{where}[{i}]"),
            answer=_text(item, "answer", f"{where}[{i}]"),
            keywords=tuple(keywords),
            enabled=enabled,
        )
    return tuple(sorted(entries.values(), key=lambda e: e.id))


def _entry_json(entry: KnowledgeEntry) -> list[Any]:
    return [entry.id, entry.question, entry.answer, list(entry.keywords), entry.enabled]


def _digest(digest_key: bytes, value: Any) -> str:
    try:
        payload = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        raise BundleError("bundle", "The bundle holds a value that is not plain JSON.") from None
    return hmac.new(digest_key, payload, hashlib.sha256).hexdigest()


def entry_changed(entry: KnowledgeEntry, row: Mapping[str, Any]) -> bool:
    return _entry_json(entry) != [
        row["id"],
        row["question"],
        row["answer"],
        list(row["keywords"]),
        bool(row["enabled"]),
    ]
