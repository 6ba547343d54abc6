"""A POST/PUT/PATCH that carries a body must say it is JSON, else 415."""

from __future__ import annotations

from aiohttp import web

from relay.responses import error_response

_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


def _has_body(request: web.Request) -> bool:
    if request.content_length is not None:
        return request.content_length > 0
    return "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def is_json(content_type: str) -> bool:
    return content_type == "application/json" or (
        content_type.startswith("application/") and content_type.endswith("+json")
    )


FORM_ROUTES = "/v1/channels/"  # Twilio posts its webhooks form-encoded


def refusal(request: web.Request) -> web.Response | None:
    """415 for a body that is not JSON (store webhooks check their own bodies: a
    WooCommerce ping is form-encoded; Twilio posts its webhooks form-encoded)."""
    if request.path.startswith(("/v1/webhooks/", FORM_ROUTES)):
        return None
    if request.method in _WITH_BODY and _has_body(request) and not is_json(request.content_type):
        return error_response(
            request,
            415,
            "unsupported_media_type",
            "The request body must be JSON, sent with Content-Type: application/json.",
        )
    return None
