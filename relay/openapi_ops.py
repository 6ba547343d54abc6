"""The pieces the relay's OpenAPI paths are built from: an operation with its error
responses, a path parameter, and the security requirements (``relay.openapi`` and its
``openapi_*`` parts use them)."""

from __future__ import annotations

from typing import Any

from relay.openapi_schemas import ID, Schema, ref

ERROR_TEXT = {
    400: "The body is not valid JSON, or not a JSON object.",
    401: "The conversation token (or console signature) is missing or wrong.",
    403: "Refused: the page's origin is not allowed, the pairing code is wrong, or this "
    "console's role may not do this (``role_required``).",
    404: "Unknown widget, conversation or address.",
    409: "Refused: it would leave the relay without an admin (``last_admin``).",
    413: "The body is larger than 16 KiB.",
    415: "The body is not sent as application/json.",
    422: "A field is not valid; ``fields`` names each one.",
    429: "Too many requests; ``Retry-After`` says when to try again.",
    503: "The relay is restarting; ``Retry-After`` says when to try again.",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "string"}, "description": "Seconds to wait."}}
Security = list[dict[str, list[str]]]
BEARER: Security = [{"conversationToken": []}]
SIGNED: Security = [
    {"consoleKey": [], "consoleTimestamp": [], "consoleNonce": [], "consoleSignature": []}
]


def json_content(schema: Schema) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def error_response(description: str) -> dict[str, Any]:
    """A response whose body is the relay's ``Error``."""
    return {"description": description, "content": json_content(ref("Error"))}


def error_responses(*statuses: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status in statuses:
        response = error_response(ERROR_TEXT[status])
        if status in (429, 503):
            response["headers"] = RETRY_AFTER
        out[str(status)] = response
    return out


def op(
    summary: str,
    status: int,
    schema: Schema | None,
    errors: tuple[int, ...],
    *,
    body: Schema | None = None,
    body_required: bool = True,
    params: list[dict[str, Any]] | None = None,
    tags: tuple[str, ...] = ("public",),
    security: Security | None = None,
    content_type: str = "application/json",
) -> dict[str, Any]:
    ok: dict[str, Any] = {"description": summary}
    if schema is not None:
        ok["content"] = {content_type: {"schema": schema}}
    operation: dict[str, Any] = {
        "summary": summary,
        "tags": list(tags),
        "responses": {str(status): ok, **error_responses(*errors)},
    }
    if body is not None:
        operation["requestBody"] = {"required": body_required, "content": json_content(body)}
    if params:
        operation["parameters"] = params
    if security is not None:
        operation["security"] = security
    return operation


def console_op(
    summary: str, status: int, schema: Schema | None, errors: tuple[int, ...], **more: Any
) -> dict[str, Any]:
    """An operation of the signed console API (tagged ``console``)."""
    return op(summary, status, schema, errors, tags=("console",), security=SIGNED, **more)


def parameter(name: str, where: str, description: str, *, required: bool = True) -> dict[str, Any]:
    """A string parameter ``where`` is "path", "query" or "header"."""
    return {
        "name": name,
        "in": where,
        "required": required,
        "description": description,
        "schema": {"type": "string"},
    }


def path_param(name: str, description: str) -> dict[str, Any]:
    return parameter(name, "path", description)


CONVERSATION = path_param("id", "The conversation id (c_…).")
AFTER = {"name": "after", "in": "query", "required": False, "schema": ID}
