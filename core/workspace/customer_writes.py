"""Writing pages of synced customers, merging platform customers that share an email.

Two platform customers whose emails match case-insensitively become one row: the most
recently updated one gives the row its data and external id, the others are remembered in
``merged_ids``. Orders find their customer by external id, else by email.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, bindparam, delete, insert, select, update

from core.records import Customer
from core.workspace.models import CustomerRow, OrderRow
from core.workspace.pagewrite import (
    Outcome,
    PageOutcome,
    chunks,
    content_hash,
    email_key,
    money,
    utc,
    write_isolated,
)

CUSTOMERS: Table = CustomerRow.__table__  # type: ignore[assignment]
ORDERS: Table = OrderRow.__table__  # type: ignore[assignment]
_EPOCH = datetime.min.replace(tzinfo=UTC)
_DATA = ("store_id", "external_id", "merged_ids", "email", "email_key", "name", "phone",
         "total_orders", "lifetime_value", "currency", "created_at", "updated_at")  # fmt: skip


@dataclass(slots=True, eq=False)
class _Slot:
    """One customer row as this page leaves it."""

    values: dict[str, Any]
    row_id: int | None = None
    stored_hash: str | None = None
    absorbed: list[int] = field(default_factory=list)  # stored rows merged into this one
    records: list[str] = field(default_factory=list)  # external ids that landed here
    deleted: bool = False

    @property
    def digest(self) -> str:
        return content_hash({name: self.values[name] for name in _DATA})


class _PageState:
    def __init__(self, slots: list[_Slot]) -> None:
        self.by_id: dict[str, _Slot] = {}
        self.by_email: dict[str, _Slot] = {}
        self.slots: dict[int, _Slot] = {}
        for slot in slots:
            self.track(slot)

    def track(self, slot: _Slot) -> None:
        self.slots[id(slot)] = slot
        self.by_id[slot.values["external_id"]] = slot
        key = slot.values["email_key"]
        if key:
            self.by_email[key] = slot

    def forget(self, slot: _Slot) -> None:
        for index in (self.by_id, self.by_email):
            for name in [name for name, held in index.items() if held is slot]:
                del index[name]


def write_customers(
    connection: Connection, store_id: int, customers: Sequence[Customer]
) -> PageOutcome:
    outcome = PageOutcome()
    state = _PageState(_load(connection, store_id, customers))
    landed: list[tuple[str, _Slot, Outcome]] = []
    for customer in customers:
        try:
            slot, result = _merge(state, store_id, customer)
        except Exception as error:
            outcome.fail(str(customer.id), f"unreadable record ({type(error).__name__})")
            continue
        landed.append((str(customer.id), slot, result))
    failed = _store(connection, state)
    for external_id, slot, result in landed:
        if slot in failed:
            outcome.fail(external_id, failed[slot])
        else:
            outcome.add(result)
    return outcome


def _load(connection: Connection, store_id: int, customers: Sequence[Customer]) -> list[_Slot]:
    """The stored rows matching the page by external id or by email key, by row id.

    Two indexed lookups (an ``OR`` of the two would scan all of the store's customers).
    """
    ids = sorted({str(c.id) for c in customers})
    keys = sorted({k for c in customers if (k := email_key(c.email))})
    found: dict[int, _Slot] = {}
    for column, wanted in ((CUSTOMERS.c.external_id, ids), (CUSTOMERS.c.email_key, keys)):
        for part in chunks(wanted):
            query = select(CUSTOMERS).where(CUSTOMERS.c.store_id == store_id, column.in_(part))
            for row in connection.execute(query).mappings():
                values = {name: row[name] for name in _DATA}
                values["merged_ids"] = list(values["merged_ids"])
                found[row["id"]] = _Slot(values, row["id"], row["content_hash"])
    return [found[row_id] for row_id in sorted(found)]


def _merge(state: _PageState, store_id: int, customer: Customer) -> tuple[_Slot, Outcome]:
    values = _values(store_id, customer)
    by_email = state.by_email.get(values["email_key"] or "")
    by_id = state.by_id.get(values["external_id"])
    if by_email is not None and by_id is not None and by_email is not by_id:
        _absorb(state, by_email, by_id)
    slot = state.by_email.get(values["email_key"] or "") or state.by_id.get(values["external_id"])
    if slot is None:
        slot = _Slot(values)
        state.track(slot)
        slot.records.append(values["external_id"])
        return slot, "created"
    before = slot.digest
    state.forget(slot)
    _apply(slot, values)
    state.track(slot)
    slot.records.append(values["external_id"])
    return slot, ("unchanged" if slot.digest == before and slot.row_id else "updated")


def _absorb(state: _PageState, first: _Slot, second: _Slot) -> None:
    """Two rows turned out to be one customer: keep a stored row, fold the other into it."""
    keep, drop = (first, second) if first.row_id is not None else (second, first)
    state.forget(drop)
    state.forget(keep)
    _apply(keep, drop.values)
    keep.values["merged_ids"] = sorted(
        (
            set(keep.values["merged_ids"])
            | set(drop.values["merged_ids"])
            | {drop.values["external_id"]}
        )
        - {keep.values["external_id"]}
    )
    drop.deleted = True
    if drop.row_id is not None:
        keep.absorbed.append(drop.row_id)
    state.track(keep)


def _apply(slot: _Slot, incoming: dict[str, Any]) -> None:
    current = slot.values
    merged = set(current["merged_ids"]) | set(incoming.get("merged_ids", []))
    if _newer(incoming, current):
        merged.add(current["external_id"])
        slot.values = {**incoming}
    else:
        merged.add(incoming["external_id"])
    slot.values["merged_ids"] = sorted(merged - {slot.values["external_id"]})


def _newer(incoming: dict[str, Any], current: dict[str, Any]) -> bool:
    if incoming["external_id"] == current["external_id"]:
        return True
    mine = (incoming["updated_at"] or _EPOCH, incoming["external_id"])
    theirs = (current["updated_at"] or _EPOCH, current["external_id"])
    return mine >= theirs


def _values(store_id: int, customer: Customer) -> dict[str, Any]:
    return {
        "store_id": store_id,
        "external_id": str(customer.id),
        "merged_ids": [],
        "email": customer.email,
        "email_key": email_key(customer.email),
        "name": customer.name,
        "phone": customer.phone,
        "total_orders": customer.total_orders,
        "lifetime_value": money(customer.lifetime_value),
        "currency": customer.currency,
        "created_at": utc(customer.created_at),
        "updated_at": utc(customer.updated_at),
    }


def _store(connection: Connection, state: _PageState) -> dict[_Slot, str]:
    """Delete folded rows, update changed ones, insert new ones; returns slots that failed."""
    dropped = [s for s in state.slots.values() if s.deleted and s.row_id is not None]
    changed = [s for s in state.slots.values() if not s.deleted and s.digest != s.stored_hash]
    failed = write_isolated(connection, changed, lambda conn, batch: _write(conn, dropped, batch))
    if failed and dropped:  # the one-by-one retry wrote no deletions: do them on their own
        _write(connection, dropped, [])
    return {slot: reason for slot, reason in failed}


def _write(connection: Connection, dropped: list[_Slot], batch: Sequence[_Slot]) -> None:
    for slot in batch:
        for old_id in slot.absorbed:
            if slot.row_id is not None:
                connection.execute(
                    update(ORDERS)
                    .where(ORDERS.c.customer_id == old_id)
                    .values(customer_id=slot.row_id)
                )
    gone = [s.row_id for s in dropped if s.row_id is not None]
    if gone:
        connection.execute(delete(CUSTOMERS).where(CUSTOMERS.c.id.in_(gone)))
    updates = [_row(s) | {"row_id": s.row_id} for s in batch if s.row_id is not None]
    if updates:
        statement = update(CUSTOMERS).where(CUSTOMERS.c.id == bindparam("row_id"))
        connection.execute(statement, updates)
    inserts = [_row(s) for s in batch if s.row_id is None]
    if inserts:
        connection.execute(insert(CUSTOMERS), inserts)


def _row(slot: _Slot) -> dict[str, Any]:
    return {**slot.values, "content_hash": slot.digest}
