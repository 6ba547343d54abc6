"""Note the page behind each ``GET /v1/widgets/{key}/config`` of a published widget
(``relay.services.installations``): also when CORS refuses the page's origin, since the
console warns about exactly those."""

from __future__ import annotations

import re

from aiohttp import web

from relay.keys import INSTALLATIONS, STORE

_CONFIG = re.compile(r"^/v1/widgets/([^/]+)/config$")


def note(request: web.Request) -> None:
    if request.method != "GET":
        return
    match = _CONFIG.match(request.path)
    installations = request.app.get(INSTALLATIONS)
    if match is None or installations is None:
        return
    key = match.group(1)
    if request.app[STORE].widget(key) is not None:
        installations.note(key, request.headers.get("Origin"), request.headers.get("Referer"))
