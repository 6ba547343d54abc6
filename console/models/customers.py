"""The Customers browser's lazy model: synced customers, a page at a time from a source."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from console.models.orders import local_time, money
from console.models.paged import PagedColumn, PagedModel, PagedSource

if TYPE_CHECKING:  # (the records' module reads the database: only its types are used here)
    from core.workspace.browse import CustomerLine


def _count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


CUSTOMER_COLUMNS: list[PagedColumn[CustomerLine]] = [
    PagedColumn("Name", lambda c: c.name or "—", sort="name"),
    PagedColumn("Email", lambda c: c.email or "—", sort="email"),
    PagedColumn("Phone", lambda c: c.phone or "—", sort="phone"),
    PagedColumn("Orders", lambda c: _count(c.total_orders), sort="orders", align_right=True),
    PagedColumn(
        "Spent", lambda c: money(c.lifetime_value, c.currency), sort="spent", align_right=True
    ),
    PagedColumn("Customer since", lambda c: local_time(c.created_at)[:10], sort="since"),
]


class CustomersModel(PagedModel["CustomerLine"]):
    """Alphabetical by name until a header is clicked."""

    def __init__(self, source: PagedSource[CustomerLine], parent: Any = None) -> None:
        super().__init__(CUSTOMER_COLUMNS, source, sort="name", parent=parent)
