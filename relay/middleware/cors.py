"""CORS for the public widget routes only, per widget: a page's ``Origin`` is allowed when
the widget's ``allowed_origins`` admit it (``core.widgets.origin_allowed``). The widget is
found from ``/v1/widgets/{key}/…`` or, for ``/v1/conversations/{id}/…``, from the stored
conversation. Preflights are answered here (204); a request from a refused origin gets no
CORS headers, and a 403 unless it is a preflight to an unknown widget (then 404).
Console, ops and unknown routes never get CORS headers."""

from __future__ import annotations

import re

from aiohttp import web

from core.records import WidgetConfig
from core.widgets import origin_allowed
from relay.keys import CORS_ORIGIN, RUNTIME, STORE
from relay.responses import error_response

ALLOW_METHODS = "GET, POST, OPTIONS"
ALLOW_HEADERS = "Authorization, Content-Type, Last-Event-ID"
EXPOSE_HEADERS = "Retry-After, X-Request-Id"
MAX_AGE = "600"
_WIDGET = re.compile(r"^/v1/widgets/([^/]+)/")
_CONVERSATION = re.compile(r"^/v1/conversations/([^/]+)/")


async def widget_for(request: web.Request) -> WidgetConfig | None:
    """The widget whose CORS rules apply to this path, ``None`` when unknown."""
    store = request.app[STORE]
    match = _WIDGET.match(request.path)
    if match:
        published = store.widget(match.group(1))
        return published.settings if published else None
    match = _CONVERSATION.match(request.path)
    if not match:
        return None
    conversation_id = match.group(1)
    runtime = request.app[RUNTIME]
    key = runtime.conversation_widgets.get(conversation_id)
    if key is None:
        conversation = await store.conversation(conversation_id)
        if conversation is None:
            return None
        key = conversation.widget_key
        runtime.remember_widget(conversation_id, key)
    published = store.widget(key)
    return published.settings if published else None


def is_public(path: str) -> bool:
    return bool(_WIDGET.match(path) or _CONVERSATION.match(path))


def applies(request: web.Request) -> bool:
    """Whether CORS rules apply: a browser page's request to a public widget route."""
    return "Origin" in request.headers and is_public(request.path)


async def refusal(request: web.Request) -> web.StreamResponse | None:
    """Answer a preflight, or refuse a page whose origin the widget does not allow; a
    request the handler should answer gets ``None`` (and its CORS origin noted)."""
    origin = request.headers.get("Origin")
    if origin is None or not is_public(request.path):
        return None
    widget = await widget_for(request)
    preflight = request.method == "OPTIONS"
    if widget is None:
        if preflight:
            return error_response(request, 404, "not_found", "There is no such widget.")
        return None  # the handler answers 404
    if not origin_allowed(widget, origin):
        return error_response(
            request, 403, "origin_not_allowed", "This widget is not enabled on this website."
        )
    request[CORS_ORIGIN] = origin
    if preflight:
        return web.Response(
            status=204,
            headers={
                "Access-Control-Allow-Methods": ALLOW_METHODS,
                "Access-Control-Allow-Headers": ALLOW_HEADERS,
                "Access-Control-Max-Age": MAX_AGE,
            },
        )
    return None


def add_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``Vary: Origin`` on public routes; the allowed origin, once ``refusal`` noted it."""
    if is_public(request.path):
        response.headers.add("Vary", "Origin")
    origin = request.get(CORS_ORIGIN)
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Expose-Headers"] = EXPOSE_HEADERS
