"""Bodies over the limit are refused with 413 before they are read: 16 KiB everywhere but
the console's publish (it carries every knowledge base; only a paired console gets that far,
see ``relay.services.console_auth.identify``). ``Content-Length`` is checked first (the
body can be no longer than it says); a chunked body is read through a request whose
``client_max_size`` is the route's limit, so aiohttp stops reading once the stream passes it
(the errors middleware turns that into JSON)."""

from __future__ import annotations

from aiohttp import web

from relay.keys import SETTINGS
from relay.responses import error_response

PUBLISH = "/v1/console/publish"
WEBHOOKS = "/v1/webhooks/"
_WITH_BODY = frozenset({"POST", "PUT", "PATCH"})


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit // (1024 * 1024)} MiB"
    return f"{limit // 1024} KiB"


def check(request: web.Request) -> tuple[web.Response | None, web.Request]:
    """A 413 for a body declared too large; otherwise the request, limited to the route's
    size while its body is read."""
    settings = request.app[SETTINGS]
    publish = request.path == PUBLISH
    limit = settings.console_body_limit if publish else settings.body_limit
    if request.path.startswith(WEBHOOKS):
        limit = settings.webhook_body_limit
    length = request.content_length
    if length is not None and length > limit:
        return error_response(
            request,
            413,
            "too_large",
            f"The request body is larger than {_size(limit)}.",
            headers={"Connection": "close"},
        ), request
    if length is None and request.method in _WITH_BODY and limit != settings.console_body_limit:
        # the app's own limit is publish's; a declared length was checked above
        request = request.clone(client_max_size=limit + 1)
    return None, request
