"""The GraphQL Admin API documents the connector sends, and what each is estimated to cost.

Shopify charges a query's *requested* cost up front (objects 1, connections 2 + ``first`` ×
the node's cost) and refunds the unused part afterwards; one query may not request more
than 1,000 points. Page sizes are derived from these estimates so a page always fits.
"""

from __future__ import annotations

from typing import Final

MAX_QUERY_COST: Final = 1000

MONEY = "shopMoney { amount currencyCode }"


def order_fields(lines: int) -> str:
    """An order's fields, with up to ``lines`` line items."""
    return f"""
  id name createdAt updatedAt cancelledAt email phone statusPageUrl
  displayFinancialStatus displayFulfillmentStatus
  totalPriceSet {{ {MONEY} }}
  customer {{ id email firstName lastName phone }}
  billingAddress {{ zip }}
  lineItems(first: {lines}) {{ nodes {{ name quantity sku originalUnitPriceSet {{ {MONEY} }} }} }}
  fulfillments(first: 5) {{
    createdAt displayStatus trackingInfo(first: 5) {{ company number url }}
  }}
"""


def order_cost(lines: int) -> int:
    # order 1 + totalPriceSet 2 + customer 1 + billingAddress 1
    # + lineItems (2 + lines × (1 + 2)) + fulfillments 5 × (1 + 5 × 1)
    return 1 + 2 + 1 + 1 + (2 + lines * 3) + 5 * (1 + 5)


# One order looked up alone shows up to 50 items; pages of orders (customer histories,
# syncs) show the first 10 of each, so a page holds 14 orders instead of 5.
ORDER_FIELDS: Final = order_fields(50)
LISTED_ORDER_LINES: Final = 10
ORDER_COST: Final = order_cost(LISTED_ORDER_LINES)

CUSTOMER_FIELDS: Final = """
  id email phone firstName lastName numberOfOrders createdAt updatedAt
  amountSpent { amount currencyCode }
"""
CUSTOMER_COST: Final = 1 + 1

PRODUCT_FIELDS: Final = """
  id title handle onlineStoreUrl totalInventory tracksInventory updatedAt
  priceRangeV2 { minVariantPrice { amount currencyCode } }
  variants(first: 1) { nodes { sku price inventoryQuantity } }
"""
PRODUCT_COST: Final = 1 + 2 + (2 + 1)

PAGE_INFO: Final = "pageInfo { hasNextPage endCursor }"
PAGE_INFO_COST: Final = 1

SHOP: Final = "query Shop { shop { name currencyCode myshopifyDomain } }"


def _connection(root: str, fields: str) -> str:
    name = root[0].upper() + root[1:]
    return (
        f"query {name}($first: Int!, $after: String, $query: String, "
        f"$sortKey: {name[:-1]}SortKeys, $reverse: Boolean) {{\n"
        f"  {root}(first: $first, after: $after, query: $query, sortKey: $sortKey, "
        f"reverse: $reverse) {{\n    nodes {{ {fields} }}\n    {PAGE_INFO}\n  }}\n}}"
    )


ORDERS: Final = _connection("orders", order_fields(LISTED_ORDER_LINES))
CUSTOMERS: Final = _connection("customers", CUSTOMER_FIELDS)
PRODUCTS: Final = _connection("products", PRODUCT_FIELDS)

CUSTOMER_BY_ID: Final = f"query Customer($id: ID!) {{ customer(id: $id) {{ {CUSTOMER_FIELDS} }} }}"

COSTS: Final = {"orders": ORDER_COST, "customers": CUSTOMER_COST, "products": PRODUCT_COST}
ORDER_BY_ID_COST: Final = order_cost(50)
SHOP_COST: Final = 1


def connection_cost(root: str, first: int) -> int:
    """What a page of ``first`` records of ``root`` (with its pageInfo) requests."""
    return 2 + first * COSTS[root] + PAGE_INFO_COST


def max_page_size(root: str) -> int:
    """The largest ``first`` whose requested cost stays within one query's limit (≤ 250)."""
    per_node = COSTS[root]
    return max(1, min(250, (MAX_QUERY_COST - 2 - PAGE_INFO_COST) // per_node))


def _count(root: str) -> str:
    # ``limit: null`` lifts the default cap of 10,000 (API 2025-07 and later).
    name = root[0].upper() + root[1:]
    return (
        f"query {name}Count($query: String) {{ "
        f"{root}Count(query: $query, limit: null) {{ count precision }} }}"
    )


# The count fields answer a ``Count`` object: 1 point, whatever the number.
COUNTS: Final = {root: _count(root) for root in COSTS}
COUNT_COST: Final = 1


def search_value(value: str) -> str:
    """A value quoted for Shopify's search syntax (``email:"a@b.c"``)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
