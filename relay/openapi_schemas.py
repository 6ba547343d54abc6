"""The schemas of the relay's OpenAPI document (``relay.openapi`` puts them on the paths).

Response schemas allow added fields (the API may grow) but forbid what a browser must never
see (``knowledge_entry_id``, ``intent``, secrets, allowed origins) with ``false`` schemas.
"""

from __future__ import annotations

from typing import Any

from core.team import ROLES

Schema = dict[str, Any]
REF = "#/components/schemas/"
NULLABLE_TEXT: Schema = {"type": ["string", "null"]}
TIME: Schema = {"type": "string", "format": "date-time"}
NULLABLE_TIME: Schema = {"type": ["string", "null"], "format": "date-time"}
ID: Schema = {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"}


def ref(name: str) -> Schema:
    return {"$ref": REF + name}


def obj(required: list[str], properties: dict[str, Any], **extra: Any) -> Schema:
    return {"type": "object", "required": required, "properties": properties, **extra}


MESSAGE_LIST: Schema = {"type": "array", "items": ref("Message")}
ORDER_CARD = obj(
    ["type", "number", "status", "total", "currency", "items", "tracking"],
    {
        "type": {"const": "order"},
        "number": {"type": "string"},
        "status": {"type": "string"},
        "status_label": {"type": "string"},
        "financial_status": NULLABLE_TEXT,
        "fulfillment_status": NULLABLE_TEXT,
        "total": {"type": "string"},
        "currency": {"type": "string"},
        "created_at": NULLABLE_TIME,
        "shipped_at": NULLABLE_TIME,
        "items": {
            "type": "array",
            "items": obj(
                ["name", "quantity"],
                {
                    "name": {"type": "string"},
                    "quantity": {"type": "integer"},
                    "sku": NULLABLE_TEXT,
                    "price": {**NULLABLE_TEXT, "description": "The unit price (as unit_price)."},
                    "unit_price": {**NULLABLE_TEXT, "description": "The price of one."},
                    "line_total": {
                        **NULLABLE_TEXT,
                        "description": "unit_price × quantity, before discounts and tax.",
                    },
                },
            ),
        },
        "tracking": {
            "type": "array",
            "items": obj(
                ["number"],
                {"carrier": NULLABLE_TEXT, "number": {"type": "string"}, "url": NULLABLE_TEXT},
            ),
        },
        "status_url": NULLABLE_TEXT,
    },
)
PRODUCT_CARD = obj(
    ["type", "title"],
    {
        "type": {"const": "product"},
        "title": {"type": "string"},
        "price": NULLABLE_TEXT,
        "currency": NULLABLE_TEXT,
        "in_stock": {"type": ["boolean", "null"]},
        "url": NULLABLE_TEXT,
    },
)
MESSAGE = obj(
    ["id", "role", "text", "cards", "suggestions", "form", "confidence", "created_at"],
    {
        "id": {"type": "string", "pattern": "^m_"},
        "role": {"enum": ["shopper", "bot", "agent", "system"]},
        "text": {"type": "string"},
        "cards": {"type": "array", "items": {"oneOf": [ref("OrderCard"), ref("ProductCard")]}},
        "suggestions": {"type": "array", "items": {"type": "string"}},
        "form": {"enum": [None, "lead", "appointment", "rating"]},
        "confidence": {"type": ["number", "null"], "minimum": 0, "maximum": 1},
        "created_at": TIME,
        "author": {
            "type": ["string", "null"],
            "maxLength": 80,
            "description": "Who wrote an agent's reply (shown to the shopper); null otherwise.",
        },
        "knowledge_entry_id": False,
        "intent": False,
    },
)
MESSAGES = obj(["messages"], {"messages": MESSAGE_LIST})
HOURS = obj(
    ["day", "opens", "closes"],
    {
        "day": {"type": "integer", "minimum": 0, "maximum": 6},
        "opens": {"type": "string"},
        "closes": {"type": "string"},
    },
)
WIDGET_CONFIG = obj(
    [
        "key",
        "name",
        "title",
        "greeting",
        "color",
        "text_color",
        "position",
        "launcher_text",
        "avatar_url",
        "reply_time",
        "languages",
        "language",
        "lead_form",
        "appointment_form",
        "online",
        "business_hours",
        "timezone",
        "suggestions",
        "version",
    ],
    {
        "key": {"type": "string"},
        "name": {"type": "string"},
        "title": {"type": "string"},
        "greeting": {"type": "string"},
        "color": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
        "text_color": {"type": "string", "pattern": "^#[0-9a-f]{6}$"},
        "position": {"enum": ["bottom-right", "bottom-left"]},
        "launcher_text": {"type": "string"},
        "avatar_url": NULLABLE_TEXT,
        "reply_time": NULLABLE_TEXT,
        "languages": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "language": {"type": "string"},
        "lead_form": {"type": "boolean"},
        "appointment_form": {"type": "boolean"},
        "online": {
            "type": "boolean",
            "description": "The shop's team can answer now: a console or agent is connected "
            "to the relay, or it is within the business hours.",
        },
        "business_hours": {"type": "array", "items": HOURS},
        "timezone": {"type": "string"},
        "suggestions": {"type": "array", "items": {"type": "string"}},
        "version": {"type": "integer"},
        "identity_secret": False,
        "allowed_origins": False,
        "store": False,
        "confidence_threshold": False,
        "identity_max_age": False,
        "retention_days": False,
    },
)
ERROR = obj(
    ["error"],
    {
        "error": obj(
            ["code", "message", "request_id"],
            {
                "code": {"type": "string"},
                "message": {"type": "string", "minLength": 1},
                "request_id": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "string"}},
            },
        )
    },
)
START_REQUEST = {
    "type": "object",
    "properties": {
        "language": {"type": "string", "maxLength": 35},
        "customer": {
            "type": "object",
            "properties": {
                "email": {"type": "string", "maxLength": 254},
                "name": {"type": "string", "maxLength": 200},
                "ts": {"type": "integer"},
                "signature": {"type": "string"},
            },
        },
        "page_url": {
            "type": "string",
            "maxLength": 2000,
            "description": "The page the chat starts on; kept without its query string or "
            "fragment, ignored when not an http(s) address.",
        },
    },
}
STARTED = obj(
    ["conversation_id", "token", "messages"],
    {
        "conversation_id": {"type": "string", "pattern": "^c_"},
        "token": {"type": "string", "minLength": 32},
        "messages": MESSAGE_LIST,
    },
)
SEND_REQUEST = obj(["text"], {"text": {"type": "string", "minLength": 1, "maxLength": 2000}})
LEAD_REQUEST = obj(
    ["name"],
    {
        "kind": {"enum": ["contact", "appointment"]},
        "name": {"type": "string", "minLength": 1, "maxLength": 200},
        "email": {"type": "string", "format": "email", "maxLength": 254},
        "phone": {"type": "string", "maxLength": 40},
        "message": {"type": "string", "maxLength": 2000},
        "requested_time": TIME,
        "website": {
            "type": "string",
            "description": "The form's hidden honeypot field: people leave it empty, and a "
            "lead that fills it in is taken for spam.",
        },
    },
)
LEAD_CREATED = obj(
    ["lead_id", "messages"],
    {
        "lead_id": {"type": "string", "pattern": "^l_"},
        "messages": MESSAGES["properties"]["messages"],
    },
)
FEEDBACK_REQUEST = {
    "oneOf": [
        obj(["message_id", "helpful"], {"message_id": ID, "helpful": {"type": "boolean"}}),
        obj(["rating"], {"rating": {"type": "integer", "minimum": 1, "maximum": 5}}),
    ]
}
OK = obj(["ok"], {"ok": {"const": True}})

# console side
PAIR_REQUEST = obj(
    ["code", "public_key"],
    {
        "code": {"type": "string", "examples": ["ABCD-EFGH"]},
        "public_key": {"type": "string", "contentEncoding": "base64"},
        "name": {"type": "string", "maxLength": 80},
    },
)
ROLE: Schema = {"enum": list(ROLES)}
PAIRED = obj(
    ["relay_id", "fingerprint", "version"],
    {
        "relay_id": {"type": "string"},
        "fingerprint": {"type": "string"},
        "version": {"type": "string"},
        "role": ROLE,
        "name": {"type": "string"},
        "console_id": {"type": "string", "description": "This console's id in the team list."},
    },
)
TODAY = {
    "type": "object",
    "additionalProperties": {"type": "integer"},
    "description": (
        "Since midnight UTC: conversations, messages, leads and lookups of the conversations "
        "not taken for spam; spam: the conversations started that were."
    ),
}
_ALERT = obj(
    ["kind", "message", "value", "threshold"],
    {
        "kind": {"enum": ["error_rate", "latency"]},
        "message": {"type": "string"},
        "value": {"type": "number"},
        "threshold": {"type": "number"},
    },
)
ALERTS = obj(
    ["state", "window_seconds", "requests", "error_rate", "p95_seconds", "thresholds", "alerts"],
    {
        "state": {"enum": ["ok", "alert"]},
        "window_seconds": {"type": "number"},
        "requests": {"type": "integer"},
        "error_rate": {"type": "number", "description": "Share of 5xx answers in the window."},
        "p95_seconds": {"type": ["number", "null"]},
        "thresholds": obj(
            ["error_rate", "p95_seconds", "min_requests"],
            {
                "error_rate": {"type": "number"},
                "p95_seconds": {"type": "number"},
                "min_requests": {"type": "integer"},
            },
        ),
        "alerts": {"type": "array", "items": _ALERT},
    },
    description="The relay's alert rule over its recent requests.",
)
STATUS = obj(
    ["relay_id", "version", "widgets", "stores", "conversations_open", "events_pending", "today"],
    {
        "alerts": ALERTS,
        "relay_id": {"type": "string"},
        "version": {"type": "string"},
        "widgets": {"type": "integer"},
        "stores": {"type": "integer"},
        "conversations_open": {"type": "integer"},
        "events_pending": {"type": "integer"},
        "today": TODAY,
        "console": obj(
            ["id", "name", "role"],
            {"id": ID, "name": {"type": "string"}, "role": ROLE},
            description="The console that asked, and the role the relay knows it by.",
        ),
    },
)
PUBLISH_REQUEST = obj(
    [],
    {
        "stores": {"type": "array", "items": {"type": "object"}},
        "widgets": {"type": "array", "items": {"type": "object"}},
        "dry_run": {"type": "boolean"},
        "partial": {"type": "boolean"},
        "scope": {
            "type": "string",
            "maxLength": 64,
            "description": "A partial bundle's client scope: the widgets last published under "
            "it that the bundle no longer holds (nor keeps) are removed.",
        },
        "keep": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Widget keys the console has under another client: a partial "
            "publish never removes them.",
        },
        "keep_stores": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Store ids the console has under another client: a partial "
            "publish never removes them.",
        },
    },
)
_KEYED_CHANGES = obj(
    ["added", "updated", "removed", "unchanged"],
    {
        "added": {"type": "array", "items": {"type": "string"}},
        "updated": {"type": "array", "items": {"type": "string"}},
        "removed": {"type": "array", "items": {"type": "string"}},
        "unchanged": {"type": "integer"},
    },
)
_WIDGET_CHANGES = {
    **_KEYED_CHANGES,
    "properties": {
        **_KEYED_CHANGES["properties"],
        "names": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "The name of each removed widget, by key.",
        },
        "kept": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Widgets of the partial bundle's scope left as they are (kept: the "
            "console has them under another client).",
        },
    },
}
CHANGES = obj(
    ["changes"],
    {
        "changes": obj(
            ["widgets", "knowledge", "stores"],
            {
                "widgets": _WIDGET_CHANGES,
                "stores": _KEYED_CHANGES,
                "knowledge": {"type": "object", "additionalProperties": {"type": "integer"}},
            },
        )
    },
)
EVENT = obj(
    ["seq", "id", "type", "conversation_id", "widget_key", "at", "data"],
    {
        "seq": {"type": "integer"},
        "id": {"type": "string", "pattern": "^e_"},
        "type": {
            "enum": [
                "conversation.created",
                "message",
                "lead",
                "feedback",
                "handoff.requested",
                "conversation.status",
                "conversation.assigned",
                "conversation.spam",
            ]
        },
        "conversation_id": NULLABLE_TEXT,
        "widget_key": NULLABLE_TEXT,
        "at": TIME,
        "data": {"type": "object"},
    },
)
EVENTS = obj(
    ["events", "cursor"],
    {"events": {"type": "array", "items": ref("Event")}, "cursor": {"type": "integer"}},
)
ACK_REQUEST = obj(["cursor"], {"cursor": {"type": "integer", "minimum": 0}})
REPLY_REQUEST = obj(
    ["text"],
    {
        "text": {"type": "string", "minLength": 1, "maxLength": 2000},
        "author": {"type": "string", "maxLength": 80},
        "ref": {"type": "string", "minLength": 1, "maxLength": 64},
        "cards": {"type": "array", "maxItems": 3, "items": ref("OrderCard")},
    },
)
REPLY = obj(
    ["message"],
    {
        "message": {
            "allOf": [
                ref("Message"),
                obj([], {"console_id": ID}),  # a reply: the console that sent it
            ]
        }
    },
)
STATUS_REQUEST = obj(
    ["status"],
    {"status": {"enum": ["open", "closed"]}, "author": {"type": "string", "maxLength": 80}},
)
SPAM_REQUEST = obj(
    ["spam"], {"spam": {"type": "boolean"}, "author": {"type": "string", "maxLength": 80}}
)
SPAM_STATE = obj(
    ["conversation_id", "spam"],
    {
        "conversation_id": {"type": "string"},
        "spam": {"type": ["string", "null"]},
        "still_matches": obj(
            ["kind", "rule"],
            {"kind": {"enum": ["ip", "word", "regex"]}, "rule": {"type": "string"}},
            description=(
                "Once restored: the widget's rule that took the conversation for spam and "
                "still stands, so it will be taken for spam again (absent when none)."
            ),
        ),
    },
)
ASSIGN_REQUEST = obj(["assignee"], {"assignee": {"type": "string", "maxLength": 80}})
TYPING_REQUEST = obj([], {"author": {"type": "string", "maxLength": 80}})

_NULLABLE_TEXT = {"type": ["string", "null"], "maxLength": 320}
PRIVACY_REQUEST = obj([], {"email": _NULLABLE_TEXT, "phone": _NULLABLE_TEXT})
_ROWS = {"type": "array", "items": {"type": "object"}}
SHOPPER_DATA = obj(
    ["shopper", "counts", "conversations", "messages", "leads"],
    {
        "shopper": {"type": "object"},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}},
        "conversations": _ROWS,
        "messages": _ROWS,
        "leads": _ROWS,
    },
)
ERASED = obj(
    ["erased"],
    {
        "erased": obj(
            ["conversations", "messages", "leads", "events", "cached_lookups"],
            {
                name: {"type": "integer", "minimum": 0}
                for name in ("conversations", "messages", "leads", "events", "cached_lookups")
            },
        )
    },
)
_DAYS = {"type": ["integer", "null"], "minimum": 1, "maximum": 3650}
RETENTION = obj(["days"], {"days": _DAYS, "deleted": {"type": "object"}})
RETENTION_REQUEST = obj(["days"], {"days": _DAYS})


SCHEMAS: dict[str, Schema] = {
    "Error": ERROR,
    "Message": MESSAGE,
    "Messages": MESSAGES,
    "OrderCard": ORDER_CARD,
    "ProductCard": PRODUCT_CARD,
    "WidgetConfig": WIDGET_CONFIG,
    "StartConversation": START_REQUEST,
    "ConversationStarted": STARTED,
    "SendMessage": SEND_REQUEST,
    "LeadRequest": LEAD_REQUEST,
    "SpamRequest": SPAM_REQUEST,
    "SpamState": SPAM_STATE,
    "LeadCreated": LEAD_CREATED,
    "FeedbackRequest": FEEDBACK_REQUEST,
    "Ok": OK,
    "PrivacyRequest": PRIVACY_REQUEST,
    "ShopperData": SHOPPER_DATA,
    "Erased": ERASED,
    "Retention": RETENTION,
    "RetentionRequest": RETENTION_REQUEST,
    "PairRequest": PAIR_REQUEST,
    "Paired": PAIRED,
    "Status": STATUS,
    "PublishRequest": PUBLISH_REQUEST,
    "Changes": CHANGES,
    "Event": EVENT,
    "Events": EVENTS,
    "AckRequest": ACK_REQUEST,
    "ReplyRequest": REPLY_REQUEST,
    "Reply": REPLY,
    "StatusRequest": STATUS_REQUEST,
    "AssignRequest": ASSIGN_REQUEST,
    "TypingRequest": TYPING_REQUEST,
}
