"""The Orders browser's lazy model: synced orders, a page at a time from a ``PagedSource``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from console.models.paged import PagedColumn, PagedModel, PagedSource
from core.records import STATUS_LABELS

if TYPE_CHECKING:  # (the records' module reads the database: only its types are used here)
    from core.workspace.browse import OrderLine


def local_time(moment: datetime | None) -> str:
    """A UTC time as the merchant's clock shows it."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M") if moment else "—"


def money(amount: Decimal | None, currency: str | None) -> str:
    if amount is None:
        return "—"
    return f"{amount:,.2f} {currency or ''}".strip()


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())  # type: ignore[call-overload, no-any-return]


ORDER_COLUMNS: list[PagedColumn[OrderLine]] = [
    PagedColumn("Order", lambda o: f"#{o.number}", sort="number"),
    PagedColumn("Placed", lambda o: local_time(o.created_at), sort="placed"),
    PagedColumn("Updated", lambda o: local_time(o.updated_at), sort="updated"),
    PagedColumn("Status", lambda o: status_label(o.status), sort="status"),
    PagedColumn("Customer", lambda o: o.customer_name or "—", sort="customer"),
    PagedColumn("Email", lambda o: o.customer_email or "—", sort="email"),
    PagedColumn("Total", lambda o: money(o.total, o.currency), sort="total", align_right=True),
]


class OrdersModel(PagedModel["OrderLine"]):
    """Newest changes first until a header is clicked."""

    def __init__(self, source: PagedSource[OrderLine], parent: Any = None) -> None:
        super().__init__(ORDER_COLUMNS, source, sort="updated", descending=True, parent=parent)
