"""A request id for every request: a sane incoming ``X-Request-Id`` is kept, otherwise a
new one; it is echoed in the response and carried by every log line of the request."""

from __future__ import annotations

import itertools
import re
import secrets
from contextvars import Token

from aiohttp import web

from relay.keys import REQUEST_ID as REQUEST_ID_KEY
from relay.logs import REQUEST_ID

HEADER = "X-Request-Id"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")


_PREFIX = f"req_{secrets.token_hex(6)}"  # this process's own; then a counter
_counter = itertools.count(1)


def request_id_of(incoming: str | None) -> str:
    if incoming and _SANE.match(incoming):
        return incoming
    return f"{_PREFIX}{next(_counter):08x}"


def begin(request: web.Request) -> Token[str | None]:
    """Give the request its id; the returned token ends it (``end``)."""
    request_id = request_id_of(request.headers.get(HEADER))
    request[REQUEST_ID_KEY] = request_id
    return REQUEST_ID.set(request_id)


def end(token: Token[str | None]) -> None:
    REQUEST_ID.reset(token)


def add_header(request: web.Request, response: web.StreamResponse) -> None:
    """Echo the request's id (as the response is prepared)."""
    request_id = request.get(REQUEST_ID_KEY)
    if request_id:
        response.headers[HEADER] = request_id
