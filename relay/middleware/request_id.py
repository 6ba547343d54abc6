"""A request id for every request: a sane incoming ``X-Request-Id`` is kept, otherwise a
new one; it is echoed in the response and carried by every log line of the request."""

from __future__ import annotations

import re

from aiohttp import web
from aiohttp.typedefs import Handler

from core.ids import new_id
from relay.keys import REQUEST_ID as REQUEST_ID_KEY
from relay.logs import REQUEST_ID

HEADER = "X-Request-Id"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


def request_id_of(incoming: str | None) -> str:
    if incoming and _SANE.match(incoming):
        return incoming
    return new_id("req")


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    request_id = request_id_of(request.headers.get(HEADER))
    request[REQUEST_ID_KEY] = request_id
    token = REQUEST_ID.set(request_id)
    try:
        return await handler(request)
    finally:
        REQUEST_ID.reset(token)


async def _add_header(request: web.Request, response: web.StreamResponse) -> None:
    request_id = request.get(REQUEST_ID_KEY)
    if request_id:
        response.headers[HEADER] = request_id


def setup_request_id(app: web.Application) -> None:
    app.middlewares.append(request_id_middleware)
    app.on_response_prepare.append(_add_header)
