"""The GraphQL Admin API documents the connector sends, and what each is estimated to cost.

Shopify charges a query's *requested* cost up front (objects 1, connections 2 + ``first`` ×
the node's cost) and refunds the unused part afterwards; one query may not request more
than 1,000 points. Page sizes are derived from these estimates so a page always fits.
"""

from __future__ import annotations

from typing import Final

MAX_QUERY_COST: Final = 1000

MONEY = "shopMoney { amount currencyCode }"

ORDER_FIELDS: Final = f"""
  id name createdAt updatedAt cancelledAt email phone statusPageUrl
  displayFinancialStatus displayFulfillmentStatus
  totalPriceSet {{ {MONEY} }}
  customer {{ id email firstName lastName phone }}
  billingAddress {{ zip }}
  lineItems(first: 50) {{ nodes {{ name quantity sku originalUnitPriceSet {{ {MONEY} }} }} }}
  fulfillments(first: 5) {{
    createdAt displayStatus trackingInfo(first: 5) {{ company number url }}
  }}
"""
# order 1 + totalPriceSet 2 + customer 1 + billingAddress 1
# + lineItems (2 + 50 × (1 + 2)) + fulfillments 5 × (1 + 5 × 1)
ORDER_COST: Final = 1 + 2 + 1 + 1 + (2 + 50 * 3) + 5 * (1 + 5)

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


ORDERS: Final = _connection("orders", ORDER_FIELDS)
CUSTOMERS: Final = _connection("customers", CUSTOMER_FIELDS)
PRODUCTS: Final = _connection("products", PRODUCT_FIELDS)

CUSTOMER_BY_ID: Final = f"query Customer($id: ID!) {{ customer(id: $id) {{ {CUSTOMER_FIELDS} }} }}"

COSTS: Final = {"orders": ORDER_COST, "customers": CUSTOMER_COST, "products": PRODUCT_COST}


def max_page_size(root: str) -> int:
    """The largest ``first`` whose requested cost stays within one query's limit (≤ 250)."""
    per_node = COSTS[root]
    return max(1, min(250, (MAX_QUERY_COST - 2 - PAGE_INFO_COST) // per_node))


def search_value(value: str) -> str:
    """A value quoted for Shopify's search syntax (``email:"a@b.c"``)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
