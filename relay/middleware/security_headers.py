"""Security headers on every response (streams included, set as the response is prepared).

JSON and event streams get a CSP that allows nothing; a handler serving a page or a script
sets its own CSP and it is kept. HSTS only when the request came over https.
"""

from __future__ import annotations

from aiohttp import web

from relay.keys import SETTINGS

STRICT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


def came_over_https(request: web.Request) -> bool:
    if request.secure:
        return True
    settings = request.app.get(SETTINGS)
    if settings is not None and settings.trust_forwarded:
        return request.headers.get("X-Forwarded-Proto", "").lower() == "https"
    return False


_DEFAULTS = (
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Content-Security-Policy", STRICT_CSP),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
_NAMES = tuple(name for name, _ in _DEFAULTS)


def add_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Set the headers (as the response is prepared); a handler's own values are kept."""
    headers = response.headers
    headers["Server"] = "storedesk-relay"  # not the framework and its version
    if any(name in headers for name in _NAMES):  # a page or script with its own policy
        for name, value in _DEFAULTS:
            headers.setdefault(name, value)
    else:  # the usual case: all at once
        headers.extend(_DEFAULTS)
    if came_over_https(request):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
