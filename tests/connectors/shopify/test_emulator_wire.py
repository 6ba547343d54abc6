"""The emulator answers in Shopify's own wire format (what the connector is tested against)."""

from __future__ import annotations

from typing import Any

import httpx

from tests.emulators.shopify_seed import ShopState


async def post(base_url: str, shop: ShopState, query: str, **variables: Any) -> httpx.Response:
    async with httpx.AsyncClient() as http:
        return await http.post(
            f"{base_url}/admin/api/2026-01/graphql.json",
            json={"query": query, "variables": variables},
            headers={"X-Shopify-Access-Token": shop.token},
        )


async def test_throttled_body_is_shopifys(base_url: str, shop: ShopState) -> None:
    shop.bucket_level()
    shop.available = 10.0
    response = await post(base_url, shop, "{ orders(first: 20) { nodes { id } } }")
    assert response.status_code == 200
    assert response.json() == {
        "errors": [
            {
                "message": "Throttled",
                "extensions": {
                    "code": "THROTTLED",
                    "documentation": "https://shopify.dev/api/usage/rate-limits",
                },
            }
        ],
        "extensions": {
            "cost": {
                "requestedQueryCost": 22,
                "actualQueryCost": None,
                "throttleStatus": {
                    "maximumAvailable": 2000.0,
                    "currentlyAvailable": 10.0,
                    "restoreRate": 100.0,
                },
            }
        },
    }


async def test_cost_is_charged_then_the_unused_part_refunded(
    base_url: str, shop: ShopState
) -> None:
    body = (await post(base_url, shop, "{ customers(first: 50) { nodes { id } } }")).json()
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 52 and cost["actualQueryCost"] == 7  # 5 customers
    assert cost["throttleStatus"]["currentlyAvailable"] == 1993.0


async def test_over_the_single_query_limit(base_url: str, shop: ShopState) -> None:
    query = "{ orders(first: 250) { nodes { lineItems(first: 50) { nodes { name } } } } }"
    error = (await post(base_url, shop, query)).json()["errors"][0]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert error["extensions"]["maxCost"] == 1000


async def test_unknown_fields_are_rejected(base_url: str, shop: ShopState) -> None:
    body = (await post(base_url, shop, "{ shop { name planName } }")).json()
    assert "data" not in body
    assert body["errors"][0]["message"] == "Field 'planName' doesn't exist on type 'Shop'"


async def test_cursor_pagination_walks_every_record_once(base_url: str, shop: ShopState) -> None:
    query = (
        "query P($after: String) { products(first: 3, after: $after, sortKey: UPDATED_AT) "
        "{ edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }"
    )
    seen: list[str] = []
    after = None
    while True:
        page = (await post(base_url, shop, query, after=after)).json()["data"]["products"]
        seen += [e["node"]["id"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == 7


async def test_count_fields_filter_cap_and_cost_one_point(base_url: str, shop: ShopState) -> None:
    query = "query C($q: String) { ordersCount(query: $q, limit: 2) { count precision } }"
    body = (await post(base_url, shop, query, q="updated_at:>='2026-01-31T00:00:00Z'")).json()
    assert body["data"] == {"ordersCount": {"count": 2, "precision": "AT_LEAST"}}
    assert body["extensions"]["cost"]["requestedQueryCost"] == 1
    uncapped = "{ customersCount(limit: null) { count precision } productsCount { count } }"
    body = (await post(base_url, shop, uncapped)).json()
    assert body["data"] == {
        "customersCount": {"count": 5, "precision": "EXACT"},
        "productsCount": {"count": 7},
    }
