"""The OpenAPI 3.1 document of every relay route, served at ``/v1/openapi.json``.

Kept true by ``tests/relay/test_openapi.py``: real responses are validated against these
schemas, every route of the app must be listed here, and schemathesis fuzzes the public
routes.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from core import __version__
from relay.openapi_ops import (
    AFTER,
    BEARER,
    CONVERSATION,
    SIGNED,
    console_op,
    error_responses,
    op,
    path_param,
)
from relay.openapi_schemas import SCHEMAS, obj, ref
from relay.openapi_webhooks import webhook_paths

JS, CSS = "text/javascript", "text/css"


KEY = path_param("key", "The widget's public key.")
_COMMON = (413, 415, 429, 503)


def _public_paths() -> dict[str, Any]:
    return {
        "/v1/widgets/{key}/config": {
            "get": _not_modified(
                op(
                    "The widget's public settings (``no-cache`` with an ETag: 304 when unchanged).",
                    200,
                    ref("WidgetConfig"),
                    (403, 404, 429, 503),
                    params=[
                        KEY,
                        {
                            "name": "language",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string"},
                        },
                    ],
                )
            )
        },
        "/v1/widgets/{key}/conversations": {
            "post": op(
                "Start a conversation; the answer holds its token and the greeting.",
                201,
                ref("ConversationStarted"),
                (400, 403, 404, 422, *_COMMON),
                body=ref("StartConversation"),
                body_required=False,
                params=[KEY],
            )
        },
        "/v1/conversations/{id}/messages": {
            "post": op(
                "Send a shopper message; the answer holds it and the bot's replies.",
                200,
                ref("Messages"),
                (400, 401, 403, 404, 422, *_COMMON),
                body=ref("SendMessage"),
                params=[CONVERSATION],
                security=BEARER,
            ),
            "get": op(
                "The conversation's messages after ``after`` (oldest first, at most 100).",
                200,
                ref("Messages"),
                (401, 403, 404, 422, 429, 503),
                params=[CONVERSATION, AFTER],
                security=BEARER,
            ),
        },
        "/v1/conversations/{id}/stream": {
            "get": op(
                "New messages as server-sent events (``event: message``, ``id`` = message id); "
                "``event: typing`` while an agent types.",
                200,
                {"type": "string"},
                (401, 403, 404, 422, 429, 503),
                params=[
                    CONVERSATION,
                    AFTER,
                    {
                        "name": "token",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "string"},
                    },
                ],
                content_type="text/event-stream",
            )
        },
        "/v1/conversations/{id}/lead": {
            "post": op(
                "Leave contact details or ask for an appointment.",
                201,
                ref("LeadCreated"),
                (400, 401, 403, 404, 422, *_COMMON),
                body=ref("LeadRequest"),
                params=[CONVERSATION],
                security=BEARER,
            )
        },
        "/v1/conversations/{id}/typing": {
            "post": op(
                "The shopper is typing: the console shows it (nothing is stored).",
                200,
                ref("Ok"),
                (401, 403, 404, 429, 503),
                params=[CONVERSATION],
                security=BEARER,
            )
        },
        "/v1/conversations/{id}/feedback": {
            "post": op(
                "Say whether an answer helped, or rate the conversation.",
                200,
                ref("Ok"),
                (400, 401, 403, 404, 422, *_COMMON),
                body=ref("FeedbackRequest"),
                params=[CONVERSATION],
                security=BEARER,
            )
        },
    }


def _console_paths() -> dict[str, Any]:
    signed_errors = (400, 401, 422, *_COMMON)
    return {
        "/v1/console/pair": {
            "post": op(
                "Pair a console with a one-time code (no signature).",
                201,
                ref("Paired"),
                (400, 403, 422, *_COMMON),
                body=ref("PairRequest"),
                tags=("console",),
                security=[],
            )
        },
        "/v1/console/status": {
            "get": console_op(
                "The relay's state.",
                200,
                ref("Status"),
                (401, 429, 503),
            )
        },
        "/v1/console/publish": {
            "put": console_op(
                "Replace the published widgets, knowledge and stores.",
                200,
                ref("Changes"),
                signed_errors,
                body=ref("PublishRequest"),
            )
        },
        "/v1/console/events": {
            "get": console_op(
                "Events after the console's acknowledged cursor.",
                200,
                ref("Events"),
                (401, 422, 429, 503),
                params=[
                    {
                        "name": "limit",
                        "in": "query",
                        "required": False,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                    }
                ],
            )
        },
        "/v1/console/events/ack": {
            "post": console_op(
                "Acknowledge events up to a cursor.",
                200,
                ref("Ok"),
                signed_errors,
                body=ref("AckRequest"),
            )
        },
        "/v1/console/privacy/find": {
            "post": console_op(
                "Everything the relay holds about a shopper (email or phone).",
                200,
                ref("ShopperData"),
                signed_errors,
                body=ref("PrivacyRequest"),
            )
        },
        "/v1/console/privacy/erase": {
            "post": console_op(
                "Erase a shopper's conversations, messages, leads and cached lookups.",
                200,
                ref("Erased"),
                signed_errors,
                body=ref("PrivacyRequest"),
            )
        },
        "/v1/console/retention": {
            "get": console_op(
                "How many days conversations are kept (null: no limit).",
                200,
                ref("Retention"),
                (401, 429, 503),
            ),
            "put": console_op(
                "Set the retention period and apply it now.",
                200,
                ref("Retention"),
                signed_errors,
                body=ref("RetentionRequest"),
            ),
        },
        "/v1/console/stream": {
            "get": console_op(
                "Live notices as server-sent events: ``event: events`` (pull the outbox now), "
                "``event: typing`` (a shopper is typing; ``data.conversation_id``).",
                200,
                {"type": "string"},
                (401, 429, 503),
                content_type="text/event-stream",
            )
        },
        "/v1/console/conversations/{id}/reply": {
            "post": console_op(
                "Post an agent's reply (optionally with order cards); the shopper sees it live. "
                "Sending the same ``ref`` again returns the reply already posted.",
                201,
                ref("Reply"),
                (*signed_errors, 404),
                body=ref("ReplyRequest"),
                params=[CONVERSATION],
            )
        },
        "/v1/console/conversations/{id}/status": {
            "post": console_op(
                "Close or reopen a conversation; closing asks the shopper for a rating.",
                200,
                ref("Reply"),
                (*signed_errors, 404),
                body=ref("StatusRequest"),
                params=[CONVERSATION],
            )
        },
        "/v1/console/conversations/{id}/spam": {
            "post": console_op(
                "Mark a conversation as spam (the bot stops answering it), or restore it.",
                200,
                ref("SpamState"),
                (*signed_errors, 404),
                body=ref("SpamRequest"),
                params=[CONVERSATION],
            )
        },
        "/v1/console/conversations/{id}/assign": {
            "post": console_op(
                "Assign an agent; the shopper sees that they joined.",
                200,
                ref("Reply"),
                (*signed_errors, 404),
                body=ref("AssignRequest"),
                params=[CONVERSATION],
            )
        },
        "/v1/console/conversations/{id}/typing": {
            "post": console_op(
                "The agent is typing: the shopper's chat shows it (nothing is stored).",
                200,
                ref("Ok"),
                (*signed_errors, 404),
                body=ref("TypingRequest"),
                params=[CONVERSATION],
            )
        },
    }


def _ops_paths() -> dict[str, Any]:
    ops = ("ops",)
    status = obj(["status"], {"status": {"type": "string"}})
    ready = obj(
        ["status"],
        {
            "status": {"const": "ready"},
            "redis": {
                "enum": ["off", "connected", "unavailable"],
                "description": "Redis shared with the other relays (--redis-url); while "
                "unavailable this relay serves on its own view.",
            },
            "publishes": {
                "enum": ["off", "listening", "reconnecting"],
                "description": "On PostgreSQL: whether other relays' publishes reach it.",
            },
            "note": {"type": "string", "description": "Why it serves on its own view."},
            "alerts": obj(
                ["state", "raised"],
                {
                    "state": {"enum": ["ok", "alert"]},
                    "raised": {"type": "array", "items": {"enum": ["error_rate", "latency"]}},
                },
            ),
        },
    )
    return {
        "/healthz": {"get": op("The process is alive.", 200, status, (), tags=ops)},
        "/readyz": {
            "get": op(
                "Ready: the database answers and the relay is not draining (a relay whose "
                "Redis is away stays ready, serving on its own view, and says so).",
                200,
                ready,
                (503,),
                tags=ops,
            )
        },
        "/metrics": {
            "get": op(
                "Prometheus metrics.",
                200,
                {"type": "string"},
                (),
                tags=ops,
                content_type="text/plain",
            )
        },
        "/v1/openapi.json": {"get": op("This document.", 200, {"type": "object"}, (), tags=ops)},
    }


def _not_modified(operation: dict[str, Any]) -> dict[str, Any]:
    """The operation answers 304 to an ``If-None-Match`` naming its current ETag."""
    operation["responses"]["304"] = {"description": "Not modified (``If-None-Match``)."}
    return operation


def _file_op(summary: str, types: tuple[str, ...], params: list[dict[str, Any]]) -> dict[str, Any]:
    """A static file: 200 (gzip or br by ``Accept-Encoding``), 304 for a matching ETag."""
    operation = op(summary, 200, None, (404, 503), params=params, tags=("widget",))
    text = {"type": "string"}
    operation["responses"]["200"]["content"] = {kind: {"schema": text} for kind in types}
    return _not_modified(operation)


def _widget_paths() -> dict[str, Any]:
    version = path_param("version", "The files' version (a content hash) the loader names.")
    name = path_param("name", "panel.js or panel.css.")
    page = op(
        "The demo shop page with the widget embedded (``--demo-pages`` only).",
        200,
        {"type": "string"},
        (503,),
        params=[path_param("widget_key", "A published widget's key.")],
        tags=("widget",),
        content_type="text/html",
    )
    page["responses"]["404"] = {
        "description": "Demo pages are off, or the widget is not published.",
        "content": {"text/html": {"schema": {"type": "string"}}},
    }
    asset = path_param("name", "A file of the demo page (its stylesheet, images).")
    return {
        "/widget.js": {"get": _file_op("The widget's loader (short cache).", (JS,), [])},
        "/widget/{version}/{name}": {
            "get": _file_op(
                "The panel's script or stylesheet (long cache).", (JS, CSS), [version, name]
            )
        },
        "/demo/{widget_key}": {"get": page},
        "/demo/assets/{name}": {
            "get": _file_op(
                "A file of the demo page (``--demo-pages`` only).", (CSS, "image/svg+xml"), [asset]
            )
        },
    }


def _storefront_paths() -> dict[str, Any]:
    query = [
        {"name": name, "in": "query", "required": required, "schema": {"type": "string"}}
        for name, required in (
            ("shop", True),
            ("path_prefix", True),
            ("timestamp", True),
            ("signature", True),
            ("logged_in_customer_id", False),
        )
    ]
    signed = obj(["email", "ts", "signature"], {
        "email": {"type": "string"}, "ts": {"type": "integer"}, "signature": {"type": "string"},
    })  # fmt: skip
    answer = obj(["identity"], {"identity": {"anyOf": [signed, {"type": "null"}]}})
    return {
        "/v1/shopify/proxy/{key}/identity": {
            "get": op(
                "Shopify app proxy: the signed identity of the shop's signed-in customer "
                "(null for a guest); Shopify's signature is checked first.",
                200,
                answer,
                (400, 401, 404, 429, 503),
                params=[KEY, *query],
                tags=("storefront",),
            )
        }
    }


def _header_scheme(name: str, description: str) -> dict[str, str]:
    return {"type": "apiKey", "in": "header", "name": name, "description": description}


@cache
def _document() -> dict[str, Any]:
    from relay.openapi_channels import API_KEY_SCHEME, CHANNEL_SCHEMAS, channel_paths
    from relay.openapi_team import TEAM_SCHEMAS, team_paths

    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "info": {
            "title": "Storedesk relay",
            "version": __version__,
            "description": "The public widget API, the signed console API and the store "
            "webhooks of the relay.",
        },
        "paths": _public_paths()
        | _console_paths()
        | _ops_paths()
        | _widget_paths()
        | channel_paths()
        | team_paths()
        | webhook_paths()
        | _storefront_paths(),
        "components": {
            "schemas": SCHEMAS | CHANNEL_SCHEMAS | TEAM_SCHEMAS,
            "securitySchemes": {
                "apiKey": API_KEY_SCHEME,
                "conversationToken": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "The token returned when the conversation started.",
                },
                "consoleKey": _header_scheme("X-Storedesk-Key", "The console key fingerprint."),
                "consoleTimestamp": _header_scheme("X-Storedesk-Timestamp", "Unix seconds."),
                "consoleNonce": _header_scheme("X-Storedesk-Nonce", "A random, unused nonce."),
                "consoleSignature": _header_scheme(
                    "X-Storedesk-Signature",
                    "Ed25519 over storedesk-v1, method, path?query, timestamp, nonce and "
                    "the SHA-256 of the body (see core/signing.py).",
                ),
            },
        },
    }
    _role_refusals(document["paths"])
    return document


def _role_refusals(paths: dict[str, Any]) -> None:
    """Every signed operation may answer 403 ``role_required`` (``relay.services.roles``)."""
    for operations in paths.values():
        for operation in operations.values():
            if operation.get("security") == SIGNED:
                operation["responses"].setdefault("403", error_responses(403)["403"])


def openapi_document() -> dict[str, Any]:
    """The document (built once; callers must not change it)."""
    return _document()
