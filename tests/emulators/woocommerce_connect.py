"""WooCommerce's app authentication endpoint, ``GET /wc-auth/v1/authorize`` (``WC_Auth``),
as an administrator who approves at once would see it: the parameters checked as
WooCommerce 9.4 checks them, a new key pair for ``user_id``, the keys POSTed as JSON to
``callback_url`` (``{key_id, user_id, consumer_key, consumer_secret, key_permissions}``),
the key deleted again if that POST is not answered 200, then the browser sent on to
``return_url`` with ``success=1&user_id=…`` (or ``success=0``).
"""

from __future__ import annotations

import secrets
from urllib.parse import urlencode, urlsplit

import aiohttp
from aiohttp import web

from tests.emulators.woocommerce_auth import ApiKey
from tests.emulators.woocommerce_state import STATE

SCOPES = ("read", "write", "read_write")
REQUIRED = ("app_name", "scope", "user_id", "return_url", "callback_url")


def _die(message: str, status: int = 400) -> web.Response:
    page = f"<html><body><div class='wp-die-message'><p>Error: {message}</p></div></body></html>"
    return web.Response(text=page, status=status, content_type="text/html")


def _with(url: str, **params: str) -> str:
    return f"{url}{'&' if urlsplit(url).query else '?'}{urlencode(params)}"


async def authorize(request: web.Request) -> web.StreamResponse:
    state = request.app[STATE]
    query = request.query
    for name in REQUIRED:
        if not query.get(name):
            return _die(f"Missing parameter {name}")
    if query["scope"] not in SCOPES:
        return _die("Invalid scope {}".format(query["scope"]))
    for name in ("return_url", "callback_url"):
        if urlsplit(query[name]).scheme not in ("http", "https"):
            return _die(f"The {name} is not a valid URL")
    if not query["callback_url"].startswith("https://") and not state.insecure_callbacks:
        return _die("The callback_url needs to be over SSL")
    key = ApiKey("ck_" + secrets.token_hex(20), "cs_" + secrets.token_hex(20), query["scope"])
    key_id = len(state.keys) + 1
    state.keys[key.key] = key
    payload = {
        "key_id": key_id,
        "user_id": query["user_id"],
        "consumer_key": key.key,
        "consumer_secret": key.secret,
        "key_permissions": key.permissions,
    }
    delivered = await _post(query["callback_url"], payload)
    state.connect_log.append({"callback": query["callback_url"], "status": delivered})
    if delivered != 200:
        del state.keys[key.key]  # WC_Auth::maybe_delete_key
        return _die(
            "An error occurred in the request and at the time were unable to send the "
            "consumer data",
            401,
        )
    raise web.HTTPFound(_with(query["return_url"], success="1", user_id=query["user_id"]))


async def _post(url: str, payload: dict[str, object]) -> int:
    timeout = aiohttp.ClientTimeout(total=60)
    try:
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(url, json=payload) as response,
        ):
            await response.read()
            return response.status
    except aiohttp.ClientError:
        return 0
