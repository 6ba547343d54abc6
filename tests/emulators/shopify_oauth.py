"""The Shopify emulator's app and token endpoint: ``POST /admin/oauth/access_token`` for the
client credentials grant (24-hour tokens), the authorization-code exchange (with
``expiring=1``: one-hour offline tokens and a refresh token) and the refresh-token grant
(which rotates the refresh token), plus ``GET /admin/oauth/authorize`` that approves at
once and redirects with Shopify's signed query (``code``, ``hmac``, ``host``, ``shop``,
``state``, ``timestamp``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

CLIENT_ID = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
CLIENT_SECRET = "shpss_emulator00000000000000000000"
SCOPES = "read_orders,read_customers,read_products"
CREDENTIALS_TTL = 86399
EXPIRING_TTL = 3600
REFRESH_TTL = 90 * 86400


def sign_query(params: dict[str, str], secret: str) -> str:
    """Shopify's callback ``hmac``: hex HMAC-SHA256 over the other parameters, sorted by
    name, as ``name=value`` joined with ``&``."""
    message = "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "hmac")
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


@dataclass
class OAuthApp:
    """The Dev Dashboard app installed on the emulated shop, and the tokens it was given."""

    client_id: str = CLIENT_ID
    client_secret: str = CLIENT_SECRET
    installed: bool = True
    scope: str = SCOPES
    tokens: dict[str, float] = field(default_factory=dict)  # access token → expiry
    refresh_tokens: dict[str, float] = field(default_factory=dict)
    codes: set[str] = field(default_factory=set)  # authorization codes not yet exchanged
    grants: list[str] = field(default_factory=list)  # grant types served, in order

    def valid(self, token: str | None, now: float) -> bool:
        expiry = self.tokens.get(token or "")
        return expiry is not None and now < expiry

    def revoke_all(self) -> None:
        self.tokens.clear()


def _issue(app: OAuthApp, now: float, ttl: int, *, refresh: bool) -> dict[str, Any]:
    token = "shpat_" + secrets.token_hex(16)
    app.tokens[token] = now + ttl
    body: dict[str, Any] = {"access_token": token, "scope": app.scope, "expires_in": ttl}
    if refresh:
        refresh_token = "shprt_" + secrets.token_hex(16)
        app.refresh_tokens[refresh_token] = now + REFRESH_TTL
        body["refresh_token"] = refresh_token
        body["refresh_token_expires_in"] = REFRESH_TTL
    return body


def _refuse(error: str, description: str, status: int = 400) -> web.Response:
    return web.json_response({"error": error, "error_description": description}, status=status)


async def _form(request: web.Request) -> dict[str, str]:
    if request.content_type == "application/json":
        body = await request.json()
        return {str(k): str(v) for k, v in body.items()} if isinstance(body, dict) else {}
    return {k: str(v) for k, v in (await request.post()).items()}


def token_handler(
    app_of: Callable[[web.Request], OAuthApp], clock_of: Callable[[web.Request], float]
) -> Callable[[web.Request], Any]:
    async def handle(request: web.Request) -> web.Response:
        app, now = app_of(request), clock_of(request)
        form = await _form(request)
        if form.get("client_id") != app.client_id or form.get("client_secret") != app.client_secret:
            return _refuse("invalid_client", "Client authentication failed.", 401)
        if not app.installed:
            return _refuse("invalid_grant", "The app is not installed on this shop.")
        grant = form.get("grant_type", "authorization_code")
        app.grants.append(grant)
        if grant == "client_credentials":
            return web.json_response(_issue(app, now, CREDENTIALS_TTL, refresh=False))
        if grant == "refresh_token":
            old = form.get("refresh_token", "")
            expiry = app.refresh_tokens.pop(old, None)
            if expiry is None or now >= expiry:
                return _refuse("invalid_grant", "The refresh token is invalid or expired.")
            return web.json_response(_issue(app, now, EXPIRING_TTL, refresh=True))
        if grant == "authorization_code":
            code = form.get("code", "")
            if code not in app.codes:
                return _refuse("invalid_request", "The authorization code was not found.")
            app.codes.discard(code)
            wants = form.get("expiring") == "1"
            body = _issue(app, now, EXPIRING_TTL if wants else 0, refresh=wants)
            if not wants:  # a non-expiring offline token
                app.tokens[body["access_token"]] = float("inf")
                body.pop("expires_in")
            return web.json_response(body)
        return _refuse("unsupported_grant_type", f"{grant!r} is not supported.")

    return handle


def authorize_handler(
    app_of: Callable[[web.Request], OAuthApp], shop_of: Callable[[web.Request], str]
) -> Callable[[web.Request], Any]:
    async def handle(request: web.Request) -> web.Response:
        app, query = app_of(request), request.query
        if query.get("client_id") != app.client_id or not query.get("redirect_uri"):
            return web.Response(status=400, text="Oauth error invalid_request")
        code = secrets.token_hex(16)
        app.codes.add(code)
        shop = shop_of(request)
        params = {
            "code": code,
            "host": base64.urlsafe_b64encode(f"admin.shopify.com/store/{shop}".encode())
            .decode()
            .rstrip("="),
            "shop": shop,
            "state": query.get("state", ""),
            "timestamp": str(int(time.time())),
        }
        params["hmac"] = sign_query(params, app.client_secret)
        raise web.HTTPFound(f"{query['redirect_uri']}?{urlencode(params)}")

    return handle
