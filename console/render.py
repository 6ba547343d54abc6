"""Plain-text renderings of records for the terminal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from console.plural import plural
from core.records import Customer, Order
from core.serialize import to_jsonable

if TYPE_CHECKING:
    from core.workspace.stores import StoreEntry


def _money(amount: object, currency: str | None) -> str:
    return f"{amount} {currency}".strip() if amount is not None else "—"


def _when(order_time: Any) -> str:
    return order_time.strftime("%d %b %Y %H:%M UTC") if order_time else "—"


def describe_order(order: Order) -> str:
    lines = [f"Order #{order.number} — {order.status_label}"]
    states = " / ".join(s for s in (order.financial_status, order.fulfillment_status) if s)
    facts = [f"placed {_when(order.created_at)}", f"total {_money(order.total, order.currency)}"]
    if states:
        facts.append(states.lower())
    lines.append("  " + " · ".join(facts))
    who = order.customer
    if who.name or who.email:
        contact = f"{who.name or ''} <{who.email}>" if who.email else (who.name or "")
        lines.append(f"  customer: {contact.strip()}" + ("" if who.id else " (guest)"))
    for item in order.items:
        sku = f" ({item.sku})" if item.sku else ""
        price = f" {item.price}" if item.price is not None else ""
        lines.append(f"  {item.quantity} × {item.name}{sku}{price}")
    for parcel in order.tracking:
        carrier = parcel.carrier or "Tracking"
        url = f"  {parcel.url}" if parcel.url else ""
        lines.append(f"  tracking: {carrier} {parcel.number}{url}")
    if order.status_url:
        lines.append(f"  status page: {order.status_url}")
    for note in order.warnings:
        lines.append(f"  note: {note}")
    return "\n".join(lines)


def describe_customer(customer: Customer | None, orders: list[Order]) -> str:
    lines: list[str] = []
    if customer is None:
        lines.append("Guest shopper (no customer account)")
    else:
        lines.append(f"{customer.name or '(no name)'} <{customer.email or 'no email'}>")
        if customer.phone:
            lines.append(f"  phone: {customer.phone}")
        if customer.total_orders is not None:
            lines.append(f"  orders: {customer.total_orders}")
        if customer.lifetime_value is not None:
            lines.append(f"  lifetime value: {_money(customer.lifetime_value, customer.currency)}")
    if not orders:
        lines.append("  no orders")
    for order in orders:
        lines.append(
            f"  #{order.number}  {order.created_at:%Y-%m-%d}  {order.status_label:<18}"
            f" {_money(order.total, order.currency)}"
        )
    return "\n".join(lines)


def describe_store(entry: StoreEntry, *, as_json: bool = False) -> Any:
    last = entry.last_sync_at
    if as_json:
        return {
            "name": entry.name,
            "platform": entry.platform,
            "client": entry.client,
            "created_at": to_jsonable(entry.created_at),
            "last_sync_at": to_jsonable(last),
            "synced": {
                "customers": entry.customers,
                "orders": entry.orders,
                "products": entry.products,
            },
            "webhooks": entry.settings.get("webhooks") or None,
            "disconnected_at": entry.settings.get("disconnected_at") or None,
        }
    if last is None:
        return f"{entry.name:<20} {entry.platform:<12} never synced" + _store_notes(entry)
    counts = ", ".join(
        plural(n, noun)
        for n, noun in (
            (entry.customers, "customer"),
            (entry.orders, "order"),
            (entry.products, "product"),
        )
    )
    line = f"{entry.name:<20} {entry.platform:<12} {counts}, synced {last:%Y-%m-%d %H:%M} UTC"
    return line + _store_notes(entry)


def _store_notes(entry: StoreEntry) -> str:
    notes = []
    if entry.settings.get("webhooks"):
        notes.append("webhooks on")
    if entry.settings.get("disconnected_at"):
        notes.append(f"the store uninstalled the app at {entry.settings['disconnected_at']}")
    return f" ({'; '.join(notes)})" if notes else ""
