"""The OpenAPI paths and schemas of the API channel, its keys, and the connect flows
(merged into ``relay.openapi``'s document)."""

from __future__ import annotations

from typing import Any

from relay.openapi_ops import AFTER, CONVERSATION, console_op, error_response, op, path_param
from relay.openapi_schemas import (
    ID,
    MESSAGE_LIST,
    NULLABLE_TEXT,
    NULLABLE_TIME,
    TIME,
    Schema,
    obj,
    ref,
)

TEXT: Schema = {"type": "string"}
API_KEY_BEARER: list[dict[str, list[str]]] = [{"apiKey": []}]
SIGNED_ERRORS = (400, 401, 415, 422, 429, 503)
TWILIO_ERRORS = (400, 401, 404, 429, 503)
WIDGET = path_param("key", "The widget's key.")

API_CUSTOMER = {
    "type": "object",
    "description": "Who the shopper is. Taken as verified only with a key of scope identify.",
    "properties": {
        "id": {"type": ["string", "null"], "maxLength": 128},
        "email": {"type": ["string", "null"], "maxLength": 320},
        "phone": {"type": ["string", "null"], "maxLength": 40},
        "name": {"type": ["string", "null"], "maxLength": 120},
    },
    "additionalProperties": False,
}
API_START = {
    "type": "object",
    "properties": {
        "customer": ref("ApiCustomer"),
        "language": {"type": "string", "maxLength": 35},
        "text": {"type": "string", "minLength": 1, "maxLength": 2000},
    },
}
API_STARTED = obj(
    ["conversation_id", "messages"],
    {"conversation_id": ID, "messages": MESSAGE_LIST},
)
SCOPES = {"type": "array", "items": {"enum": ["conversations", "identify"]}, "minItems": 1}
API_KEY = obj(
    ["id", "name", "prefix", "scopes", "created_at", "revoked_at", "last_used_at"],
    {
        "id": ID,
        "name": TEXT,
        "prefix": TEXT,
        "scopes": SCOPES,
        "created_at": TIME,
        "revoked_at": NULLABLE_TIME,
        "last_used_at": NULLABLE_TIME,
    },
)
API_KEY_CREATED = {
    "allOf": [ref("ApiKey")],
    "type": "object",
    "required": ["key"],
    "properties": {"key": {"type": "string", "pattern": "^sdk_", "description": "Shown once."}},
}
API_KEYS = obj(["keys"], {"keys": {"type": "array", "items": ref("ApiKey")}})
INSTALLATION = obj(
    ["origin", "path", "url", "first_seen_at", "last_seen_at"],
    {
        "origin": TEXT,
        "path": {**NULLABLE_TEXT, "description": "null when the browser did not say which page."},
        "url": {**NULLABLE_TEXT, "description": "The page, without query string or fragment."},
        "first_seen_at": TIME,
        "last_seen_at": TIME,
    },
)
INSTALLATIONS = obj(
    ["installations", "limit"],
    {
        "installations": {"type": "array", "items": ref("Installation")},
        "limit": {"type": "integer", "description": "The most pages kept per widget."},
    },
)
API_KEY_REQUEST = obj(["name"], {"name": {"type": "string", "maxLength": 80}, "scopes": SCOPES})

WOO_CONNECT = obj(
    ["url"],
    {"url": {"type": "string", "format": "uri"}, "scope": {"enum": ["read", "read_write"]}},
)
SHOPIFY_CONNECT = obj(
    ["shop", "client_id", "client_secret"],
    {
        "shop": {"type": "string", "pattern": r"\.myshopify\.com$"},
        "client_id": TEXT,
        "client_secret": TEXT,
        "scopes": {"type": "string", "description": "Comma-separated access scopes."},
        "base_url": {"type": "string", "description": "Another address for the shop's API."},
    },
)
CONNECT_STARTED = obj(
    ["session_id", "authorize_url", "expires_at"],
    {"session_id": ID, "authorize_url": TEXT, "expires_at": TIME},
)
CONNECT_STATE = obj(
    ["status", "platform"],
    {
        "status": {"enum": ["waiting", "expired", "done"]},
        "platform": {"enum": ["woocommerce", "shopify"]},
        "credentials": {
            "type": "object",
            "description": "Once, when done: WooCommerce consumer_key, consumer_secret, "
            "key_permissions, key_id; Shopify token, refresh_token, token_expires_at, scope.",
        },
    },
)
WOO_KEYS = obj(
    ["user_id", "consumer_key", "consumer_secret", "key_permissions"],
    {
        "key_id": {"type": ["integer", "string"]},
        "user_id": {"type": ["integer", "string"]},
        "consumer_key": TEXT,
        "consumer_secret": TEXT,
        "key_permissions": {"enum": ["read", "write", "read_write"]},
    },
)

WHATSAPP_SETTINGS = obj(
    ["account_sid", "auth_token", "number"],
    {
        "account_sid": {"type": "string", "pattern": "^AC[0-9a-f]{32}$"},
        "auth_token": {"type": "string", "description": "Sealed on the relay; never returned."},
        "number": {"type": "string", "description": "The WhatsApp sender, +14155238886."},
    },
)
WHATSAPP_SET = obj(
    ["account_sid", "number", "webhook_url"],
    {
        "account_sid": TEXT,
        "number": TEXT,
        "webhook_url": {"type": "string", "description": "Set it in Twilio for incoming messages."},
    },
)
_AI_FIELDS: dict[str, Schema] = {
    "enabled": {"type": "boolean"},
    "base_url": {"type": "string", "description": "Before /chat/completions: http://host:11434/v1"},
    "model": {"type": "string", "maxLength": 200},
    "persona": {"type": "string", "maxLength": 40},
    "temperature": {"type": "number", "minimum": 0, "maximum": 2},
    "token_budget": {"type": "integer", "minimum": 500, "maximum": 1000000},
    "timeout": {"type": "number", "minimum": 1, "maximum": 120},
}
AI_SETTINGS = obj(
    ["base_url", "model"],
    _AI_FIELDS
    | {"api_key": {"type": "string", "description": "Sealed on the relay; never returned."}},
)
AI_SET = obj(
    [*_AI_FIELDS, "api_key_set"],
    _AI_FIELDS | {"api_key_set": {"type": "boolean"}},
)
TWILIO_FORM = {
    "application/x-www-form-urlencoded": {
        "schema": {"type": "object", "additionalProperties": {"type": "string"}}
    }
}

CHANNEL_SCHEMAS: dict[str, Schema] = {
    "WhatsAppSettings": WHATSAPP_SETTINGS,
    "WhatsAppSet": WHATSAPP_SET,
    "AiSettings": AI_SETTINGS,
    "AiSet": AI_SET,
    "ApiCustomer": API_CUSTOMER,
    "ApiStart": API_START,
    "ApiStarted": API_STARTED,
    "ApiKey": API_KEY,
    "ApiKeyCreated": API_KEY_CREATED,
    "ApiKeys": API_KEYS,
    "ApiKeyRequest": API_KEY_REQUEST,
    "Installation": INSTALLATION,
    "Installations": INSTALLATIONS,
    "WooConnect": WOO_CONNECT,
    "ShopifyConnect": SHOPIFY_CONNECT,
    "ConnectStarted": CONNECT_STARTED,
    "ConnectState": CONNECT_STATE,
    "WooKeys": WOO_KEYS,
}

API_KEY_SCHEME = {
    "type": "http",
    "scheme": "bearer",
    "description": "A widget's API key (sdk_…), made with `storedesk widget api-key create`.",
}


def channel_paths() -> dict[str, Any]:
    return (
        _token_paths()
        | _whatsapp_paths()
        | _agent_paths()
        | _api_paths()
        | _widget_key_paths()
        | _connect_paths()
    )


def _widget_op(
    summary: str,
    status: int,
    schema: Schema,
    *,
    body: Schema | None = None,
    params: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    """A signed console operation on one widget (404 for an unknown widget)."""
    return console_op(
        summary, status, schema, (*SIGNED_ERRORS, 404), body=body, params=[WIDGET, *params]
    )


def _turn_off(what: str) -> dict[str, Any]:
    return _widget_op(f"Turn the widget's {what} off.", 200, ref("Ok"))


def _token_paths() -> dict[str, Any]:
    token = console_op(
        "A current access token of a Shopify store connected by authorization (the relay "
        "alone renews it).",
        200,
        obj(["token"], {"token": TEXT}),
        (*SIGNED_ERRORS, 404),
        params=[path_param("id", "The store's name as published.")],
    )
    token["responses"]["502"] = error_response("Shopify refused to renew the token.")
    return {"/v1/console/stores/{id}/access-token": {"post": token}}


def _from_twilio(summary: str, status: int, schema: Schema | None, **more: Any) -> dict[str, Any]:
    """A form Twilio posts (X-Twilio-Signature checked)."""
    operation = op(
        summary, status, schema, TWILIO_ERRORS, params=[WIDGET], tags=("channels",), **more
    )
    operation["requestBody"] = {"required": True, "content": TWILIO_FORM}
    return operation


def _whatsapp_paths() -> dict[str, Any]:
    inbound = _from_twilio(
        "Twilio posts an incoming WhatsApp message (X-Twilio-Signature checked); answered "
        "with empty TwiML, the bot's reply goes out through Twilio's Messages API.",
        200,
        TEXT,
        content_type="text/xml",
    )
    status = _from_twilio(
        "Twilio reports a sent message's status (X-Twilio-Signature checked).", 204, None
    )
    return {
        "/v1/channels/whatsapp/{key}": {"post": inbound},
        "/v1/channels/whatsapp/{key}/status": {"post": status},
        "/v1/console/widgets/{key}/whatsapp": {
            "put": _widget_op(
                "Set the widget's WhatsApp (Twilio) channel; the auth token is sealed.",
                200,
                ref("WhatsAppSet"),
                body=ref("WhatsAppSettings"),
            ),
            "delete": _turn_off("WhatsApp channel"),
        },
    }


def _agent_paths() -> dict[str, Any]:
    return {
        "/v1/console/widgets/{key}/ai": {
            "put": _widget_op(
                "Set the widget's language-model agent; the API key is sealed, never returned.",
                200,
                ref("AiSet"),
                body=ref("AiSettings"),
            ),
            "delete": _turn_off("language-model agent"),
        },
    }


def _api_op(
    summary: str, status: int, schema: Schema, errors: tuple[int, ...], **more: Any
) -> dict[str, Any]:
    """An operation of the API channel, authorised by a widget's API key."""
    return op(summary, status, schema, errors, tags=("api",), security=API_KEY_BEARER, **more)


def _api_paths() -> dict[str, Any]:
    sent = (400, 401, 404, 415, 422, 429, 503)
    return {
        "/v1/api/conversations": {
            "post": _api_op(
                "Start a conversation for a shopper of your own systems (optionally with a "
                "first message).",
                201,
                ref("ApiStarted"),
                sent,
                body=ref("ApiStart"),
            )
        },
        "/v1/api/conversations/{id}/messages": {
            "post": _api_op(
                "Send the shopper's message; the answer holds it and the bot's replies.",
                200,
                ref("Messages"),
                sent,
                body=ref("SendMessage"),
                params=[CONVERSATION],
            ),
            "get": _api_op(
                "Messages after ``after`` (agents' replies included), oldest first.",
                200,
                ref("Messages"),
                (401, 404, 422, 429, 503),
                params=[CONVERSATION, AFTER],
            ),
        },
    }


def _widget_key_paths() -> dict[str, Any]:
    return {
        "/v1/console/widgets/{key}/api-keys": {
            "post": _widget_op(
                "Make an API key for the widget; the key is in this answer only.",
                201,
                ref("ApiKeyCreated"),
                body=ref("ApiKeyRequest"),
            ),
            "get": _widget_op(
                "The widget's API keys (never the keys themselves).", 200, ref("ApiKeys")
            ),
        },
        "/v1/console/widgets/{key}/installations": {
            "get": _widget_op(
                "The pages the widget was loaded on (from its config requests' Origin and "
                "Referer), seen most recently first.",
                200,
                ref("Installations"),
            ),
        },
        "/v1/console/widgets/{key}/api-keys/{id}": {
            "delete": _widget_op(
                "Revoke an API key at once.",
                200,
                ref("Ok"),
                params=(path_param("id", "The key's id (ak_…)."),),
            )
        },
    }


def _page(summary: str) -> dict[str, Any]:
    """A page the merchant's browser is sent to during a connection."""
    return op(summary, 200, TEXT, (), tags=("connect",), content_type="text/html")


def _connect_paths() -> dict[str, Any]:
    session = path_param("id", "The session id (cs_…).")
    html = {"text/html": {"schema": TEXT}}
    shopify_callback = _page(
        "Shopify's redirect after the merchant approved the app (hmac, state, shop checked)."
    )
    shopify_callback["responses"]["400"] = {"description": "Refused.", "content": html}
    shopify_callback["responses"]["502"] = {"description": "Shopify refused.", "content": html}
    return {
        "/v1/console/connect/woocommerce": {
            "post": console_op(
                "Start WooCommerce's app authorisation; open authorize_url in a browser.",
                201,
                ref("ConnectStarted"),
                SIGNED_ERRORS,
                body=ref("WooConnect"),
            )
        },
        "/v1/console/connect/shopify": {
            "post": console_op(
                "Start Shopify's authorization-code grant; open authorize_url in a browser.",
                201,
                ref("ConnectStarted"),
                SIGNED_ERRORS,
                body=ref("ShopifyConnect"),
            )
        },
        "/v1/console/connect/{id}": {
            "get": console_op(
                "Whether the connection is done; its credentials once (then erased).",
                200,
                ref("ConnectState"),
                (*SIGNED_ERRORS, 404),
                params=[session],
            ),
            "delete": console_op(
                "Cancel a connection in progress.",
                200,
                ref("Ok"),
                SIGNED_ERRORS,
                params=[session],
            ),
        },
        "/v1/connect/woocommerce/{state}": {
            "post": op(
                "WooCommerce posts the new keys here (the one-time callback_url).",
                200,
                ref("Ok"),
                (400, 415, 429, 503),
                body=ref("WooKeys"),
                params=[path_param("state", "The one-time state of the connection.")],
                tags=("connect",),
            )
        },
        "/v1/connect/shopify/callback": {"get": shopify_callback},
        "/v1/connect/done": {
            "get": _page("Where the merchant's browser lands once the shop approved (or refused).")
        },
    }
