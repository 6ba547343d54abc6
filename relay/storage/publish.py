"""Publishing: the console's full state replaces the relay's, in one transaction.

Rows whose digest did not change are left alone; knowledge entries whose id survives keep
their helpful/unhelpful/uses counters. ``dry_run`` computes the same changes and writes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from relay.crypto import seal
from relay.storage.bundle import Bundle, StoreSpec, WidgetSpec, entry_changed
from relay.storage.models import installations, knowledge_entries, stores, widgets
from relay.storage.published import store_ad, widget_ad

CHUNK = 500
STORE_FIELDS = ("platform", "settings", "secrets", "digest", "updated_at", "scope")
WIDGET_FIELDS = (
    "name",
    "store_id",
    "config",
    "identity_secret",
    "digest",
    "version",
    "updated_at",
    "scope",
)
ENTRY_FIELDS = ("question", "answer", "keywords", "enabled")
ke = knowledge_entries


@dataclass(slots=True)
class _Diff:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "added": sorted(self.added),
            "updated": sorted(self.updated),
            "removed": sorted(self.removed),
            "unchanged": self.unchanged,
        }


@dataclass(frozen=True, slots=True)
class _OldWidget:
    digest: str
    version: int
    name: str
    scope: str | None
    store_id: str | None


@dataclass(slots=True)
class _KnowledgePlan:
    insert: list[dict[str, Any]] = field(default_factory=list)
    update: list[dict[str, Any]] = field(default_factory=list)
    delete: list[tuple[str, str]] = field(default_factory=list)
    removed_with_widgets: int = 0

    def to_json(self) -> dict[str, int]:
        return {
            "added": len(self.insert),
            "updated": len(self.update),
            "removed": len(self.delete) + self.removed_with_widgets,
        }


async def apply_publish(
    connection: AsyncConnection,
    bundle: Bundle,
    *,
    relay_key: bytes,
    now: datetime,
    dry_run: bool,
    partial: bool = False,
) -> dict[str, Any]:
    """``partial``: the bundle holds some widgets and stores (one client's); the others are
    neither compared nor removed, except the widgets last published under the bundle's
    ``scope`` (that client's) that it no longer holds nor ``keep``s, and that scope's stores
    it no longer holds nor keeps that no widget left uses: those are removed."""
    store_rows = await connection.execute(select(stores.c.id, stores.c.digest, stores.c.scope))
    old_stores = {row.id: (row.digest, row.scope) for row in store_rows}
    w = widgets.c
    rows = await connection.execute(select(w.key, w.digest, w.version, w.name, w.scope, w.store_id))
    every = {r.key: _OldWidget(r.digest, r.version, r.name, r.scope, r.store_id) for r in rows}
    old_widgets, kept = every, []
    if partial:
        kept = sorted(k for k, o in every.items() if _kept(bundle, k, o))
        old_widgets = {k: o for k, o in every.items() if _compared(bundle, k, o)}
    widget_diff = _diff(
        {k: o.digest for k, o in old_widgets.items()},
        {k: w.digest for k, w in bundle.widgets.items()},
    )
    if partial:
        used = _stores_in_use(bundle, every, widget_diff.removed)
        old_stores = {
            k: v
            for k, v in old_stores.items()
            if k in bundle.stores or _store_gone(bundle, k, v[1], used)
        }
    store_diff = _diff(
        {k: d for k, (d, _) in old_stores.items()}, {k: s.digest for k, s in bundle.stores.items()}
    )
    plan = await _knowledge_plan(connection, bundle, widget_diff)
    widget_changes = widget_diff.to_json()
    if widget_diff.removed:  # the console no longer knows their names
        widget_changes["names"] = {k: old_widgets[k].name for k in widget_changes["removed"]}
    if kept:
        widget_changes["kept"] = kept
    changes = {
        "widgets": widget_changes,
        "knowledge": plan.to_json(),
        "stores": store_diff.to_json(),
    }
    if dry_run:
        return changes
    sealer = _Sealer(relay_key)
    await _delete(connection, ke, ke.c.widget_key, widget_diff.removed)
    await _delete(connection, installations, installations.c.widget_key, widget_diff.removed)
    await _delete(connection, widgets, widgets.c.key, widget_diff.removed)
    await _delete(connection, stores, stores.c.id, store_diff.removed)
    await _write_stores(connection, bundle, store_diff, sealer, now)
    await _write_widgets(connection, bundle, widget_diff, old_widgets, sealer, now)
    await _write_knowledge(connection, plan)
    return changes


def _compared(bundle: Bundle, key: str, old: _OldWidget) -> bool:
    """Whether a partial bundle speaks for this published widget: it holds it, or the widget
    was published under the bundle's scope (then missing from the bundle means removed)."""
    if key in bundle.widgets:
        return True
    return bundle.scope is not None and old.scope == bundle.scope and key not in bundle.keep


def _kept(bundle: Bundle, key: str, old: _OldWidget) -> bool:
    """A widget of the bundle's scope that the console now has under another client."""
    return (
        bundle.scope is not None
        and old.scope == bundle.scope
        and key in bundle.keep
        and key not in bundle.widgets
    )


def _stores_in_use(bundle: Bundle, every: dict[str, _OldWidget], removed: list[str]) -> set[str]:
    """The stores the widgets published after this partial bundle use."""
    gone = set(removed)
    used = {spec.store_id for spec in bundle.widgets.values() if spec.store_id}
    for key, old in every.items():
        if old.store_id and key not in bundle.widgets and key not in gone:
            used.add(old.store_id)
    return used


def _store_gone(bundle: Bundle, store_id: str, scope: str | None, used: set[str]) -> bool:
    """A store of the bundle's scope that it no longer holds, the console does not have under
    another client, and no published widget uses: a partial bundle removes it."""
    return (
        bundle.scope is not None
        and scope == bundle.scope
        and store_id not in bundle.keep_stores
        and store_id not in used
    )


def _diff(old: dict[str, str], new: dict[str, str]) -> _Diff:
    diff = _Diff(removed=[key for key in old if key not in new])
    for key, digest in new.items():
        if key not in old:
            diff.added.append(key)
        elif old[key] != digest:
            diff.updated.append(key)
        else:
            diff.unchanged += 1
    return diff


async def _knowledge_plan(
    connection: AsyncConnection, bundle: Bundle, diff: _Diff
) -> _KnowledgePlan:
    plan = _KnowledgePlan()
    for key in diff.added:
        plan.insert.extend(_entry_row(key, e) for e in bundle.widgets[key].knowledge)
    for keys in _chunks(diff.removed):
        counts = await connection.execute(
            select(func.count()).select_from(ke).where(ke.c.widget_key.in_(keys))
        )
        plan.removed_with_widgets += counts.scalar_one()
    old: dict[str, dict[str, dict[str, Any]]] = {key: {} for key in diff.updated}
    for keys in _chunks(diff.updated):
        rows = await connection.execute(select(ke).where(ke.c.widget_key.in_(keys)))
        for row in rows.mappings():
            old[row["widget_key"]][row["id"]] = dict(row)
    for key in diff.updated:
        entries = bundle.widgets[key].knowledge
        before = old[key]
        for entry in entries:
            found = before.get(entry.id)
            if found is None:
                plan.insert.append(_entry_row(key, entry))
            elif entry_changed(entry, found):
                plan.update.append(_entry_row(key, entry))
        ids = {e.id for e in entries}
        plan.delete.extend((key, entry_id) for entry_id in before if entry_id not in ids)
    return plan


def _entry_row(widget_key: str, entry: Any) -> dict[str, Any]:
    return {
        "widget_key": widget_key,
        "id": entry.id,
        "question": entry.question,
        "answer": entry.answer,
        "keywords": list(entry.keywords),
        "enabled": entry.enabled,
    }


class _Sealer:
    def __init__(self, relay_key: bytes) -> None:
        self._key = relay_key

    def store(self, spec: StoreSpec) -> bytes:
        return seal(self._key, store_ad(spec.id), orjson.dumps(spec.secrets))

    def widget(self, spec: WidgetSpec) -> bytes | None:
        if spec.identity_secret is None:
            return None
        return seal(self._key, widget_ad(spec.key), spec.identity_secret)


async def _write_stores(
    connection: AsyncConnection, bundle: Bundle, diff: _Diff, sealer: _Sealer, now: datetime
) -> None:
    def row(store_id: str) -> dict[str, Any]:
        spec = bundle.stores[store_id]
        return {
            "b_id": store_id,
            "platform": spec.platform,
            "settings": spec.settings,
            "secrets": sealer.store(spec),
            "digest": spec.digest,
            "updated_at": now,
            "scope": spec.scope,
        }

    if diff.added:
        rows = [row(i) for i in diff.added]
        await connection.execute(insert(stores), [{"id": r.pop("b_id"), **r} for r in rows])
    if diff.updated:
        statement = update(stores).where(stores.c.id == bindparam("b_id"))
        rows = [_prefixed(row(i)) for i in diff.updated]
        await connection.execute(_values(statement, stores, STORE_FIELDS), rows)


async def _write_widgets(
    connection: AsyncConnection,
    bundle: Bundle,
    diff: _Diff,
    old: dict[str, _OldWidget],
    sealer: _Sealer,
    now: datetime,
) -> None:
    def row(key: str, version: int) -> dict[str, Any]:
        spec = bundle.widgets[key]
        return {
            "b_key": key,
            "name": spec.name,
            "store_id": spec.store_id,
            "config": spec.config,
            "identity_secret": sealer.widget(spec),
            "digest": spec.digest,
            "version": version,
            "updated_at": now,
            "scope": spec.scope,
        }

    if diff.added:
        rows = [row(k, 1) for k in diff.added]
        await connection.execute(insert(widgets), [{"key": r.pop("b_key"), **r} for r in rows])
    if diff.updated:
        statement = update(widgets).where(widgets.c.key == bindparam("b_key"))
        rows = [_prefixed(row(k, old[k].version + 1)) for k in diff.updated]
        await connection.execute(_values(statement, widgets, WIDGET_FIELDS), rows)


async def _write_knowledge(connection: AsyncConnection, plan: _KnowledgePlan) -> None:
    if plan.delete:
        by_widget: dict[str, list[str]] = {}
        for key, entry_id in plan.delete:
            by_widget.setdefault(key, []).append(entry_id)
        for key, ids in by_widget.items():
            for chunk in _chunks(ids):
                await connection.execute(
                    delete(ke).where(ke.c.widget_key == key, ke.c.id.in_(chunk))
                )
    if plan.insert:
        await connection.execute(insert(ke), plan.insert)
    if plan.update:
        statement = update(ke).where(
            ke.c.widget_key == bindparam("b_widget_key"), ke.c.id == bindparam("b_id")
        )
        statement = _values(statement, ke, ENTRY_FIELDS)
        rows = [
            {"b_widget_key": r["widget_key"], "b_id": r["id"]}
            | {f"v_{k}": r[k] for k in ENTRY_FIELDS}
            for r in plan.update
        ]
        await connection.execute(statement, rows)


def _values(statement: Any, table: Any, names: Iterable[str]) -> Any:
    """``SET col = :v_col`` for each named column (``col`` itself is reserved by SQLAlchemy)."""
    return statement.values({n: bindparam(f"v_{n}", type_=table.c[n].type) for n in names})


def _prefixed(row: dict[str, Any]) -> dict[str, Any]:
    return {k if k.startswith("b_") else f"v_{k}": v for k, v in row.items()}


async def _delete(connection: AsyncConnection, table: Any, column: Any, keys: list[str]) -> None:
    for chunk in _chunks(keys):
        await connection.execute(delete(table).where(column.in_(chunk)))


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]
