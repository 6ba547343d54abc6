"""The store webhook routes in the OpenAPI document (``relay.openapi`` merges them)."""

from __future__ import annotations

from typing import Any

from relay.openapi_ops import error_response, parameter

RESULT = {
    "type": "object",
    "required": ["ok", "result"],
    "properties": {
        "ok": {"const": True},
        "result": {
            "enum": ["accepted", "duplicate", "ignored", "ping"],
            "description": "accepted: kept and processed in the background; duplicate: this "
            "delivery was already received (nothing changes); ignored: a topic Storedesk "
            "does not act on; ping: WooCommerce's unsigned ping when a webhook is saved.",
        },
    },
    "additionalProperties": False,
}


def _responses() -> dict[str, Any]:
    return {
        "200": {
            "description": "Received (or a duplicate): the platform stops retrying it.",
            "content": {"application/json": {"schema": RESULT}},
        },
        "400": error_response(
            "Signed, but not a delivery: the body is not a JSON object, or the delivery id "
            "or topic header is missing. Nothing is kept."
        ),
        "401": error_response("The signature is missing or does not match: nothing is kept."),
        "413": error_response("The body is larger than 2 MiB."),
        "429": error_response("Too many requests from this address."),
        "503": error_response("The relay is restarting; the platform retries later."),
    }


def _header(name: str, description: str, required: bool = True) -> dict[str, Any]:
    return parameter(name, "header", description, required=required)


def webhook_paths() -> dict[str, Any]:
    body = {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/x-www-form-urlencoded": {
                "schema": {"type": "object", "properties": {"webhook_id": {"type": "string"}}}
            },
        },
    }
    tags = ["webhooks"]
    return {
        "/v1/webhooks/shopify": {
            "post": {
                "summary": "A Shopify webhook delivery (orders, fulfillments, customers, "
                "products, app/uninstalled and the compliance topics).",
                "description": "Verified on the raw body: X-Shopify-Hmac-Sha256 is the base64 "
                "HMAC-SHA256 of the body with the app's client secret; the store is the one "
                "published for X-Shopify-Shop-Domain. Deduplicated by X-Shopify-Webhook-Id.",
                "tags": tags,
                "parameters": [
                    _header("X-Shopify-Hmac-Sha256", "Base64 HMAC-SHA256 of the raw body."),
                    _header("X-Shopify-Shop-Domain", "The shop's myshopify.com domain."),
                    _header("X-Shopify-Topic", "orders/create, customers/redact, …"),
                    _header("X-Shopify-Webhook-Id", "The delivery's id (duplicates share it)."),
                    _header("X-Shopify-Event-Id", "The merchant action's id.", False),
                    _header("X-Shopify-Triggered-At", "When Shopify sent it.", False),
                    _header("X-Shopify-API-Version", "The payload's API version.", False),
                ],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": {"type": "object"}}},
                },
                "responses": _responses(),
            }
        },
        "/v1/webhooks/woocommerce/{hook}": {
            "post": {
                "summary": "A WooCommerce webhook delivery (order, customer and product "
                "topics), or the ping WooCommerce sends when a webhook is saved.",
                "description": "Verified on the raw body: X-WC-Webhook-Signature is the base64 "
                "HMAC-SHA256 of the body with the secret Storedesk made for the store. A "
                "duplicate is the same X-WC-Webhook-Delivery-ID with the same body.",
                "tags": tags,
                "parameters": [
                    {
                        "name": "hook",
                        "in": "path",
                        "required": True,
                        "description": "The store's webhook address key (wh_…).",
                        "schema": {"type": "string"},
                    },
                    _header("X-WC-Webhook-Signature", "Base64 HMAC-SHA256 of the raw body.", False),
                    _header("X-WC-Webhook-Topic", "order.updated, customer.deleted, …", False),
                    _header("X-WC-Webhook-Delivery-ID", "The delivery's id.", False),
                    _header("X-WC-Webhook-ID", "The webhook's id on the shop.", False),
                ],
                "requestBody": body,
                "responses": _responses(),
            }
        },
    }
