"""Connect flows: the console asks the relay to wait for a store platform's callback, the
platform calls back with credentials, the console picks them up once.

- WooCommerce (``/wc-auth/v1/authorize``): the shop POSTs ``{key_id, user_id, consumer_key,
  consumer_secret, key_permissions}`` to our one-time callback URL.
- Shopify (authorization-code grant): Shopify redirects the merchant's browser to our
  callback with ``code, hmac, host, shop, state, timestamp``; the relay checks the HMAC
  with the app's client secret, the state and the shop, then exchanges the code for an
  expiring offline token and its refresh token.

Credentials are sealed under the relay key while they wait and erased once picked up.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import orjson

from connectors.errors import IntegrationError
from connectors.shopify.auth import request_grant
from connectors.shopify.settings import SHOP_DOMAIN
from core.ids import new_id, new_token
from core.serialize import utc_iso
from relay.crypto import open_sealed, seal
from relay.responses import ApiError, invalid
from relay.storage import RelayStore
from relay.storage import connect as db

TTL = timedelta(minutes=15)
WOO_SCOPES = ("read", "read_write")
SHOPIFY_SCOPES = "read_orders,read_customers,read_products"
MAX_CALLBACK_AGE = timedelta(hours=1)
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,128}$")


def _loopback(host: str | None) -> bool:
    if host in ("localhost", None):
        return host == "localhost"
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def state_hash(state: str) -> str:
    return hashlib.sha256(state.encode("utf-8", "replace")).hexdigest()


def _refused(message: str) -> ApiError:
    return ApiError(400, "refused", message)


def _http_url(value: Any, field: str, what: str) -> str:
    text = str(value or "").strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise invalid(field, f"{what} must be an http:// or https:// address.")
    return text


class ConnectService:
    def __init__(
        self,
        store: RelayStore,
        *,
        relay_key: bytes,
        http: httpx.AsyncClient,
        now: Callable[[], datetime],
    ) -> None:
        self._store = store
        self._key = relay_key
        self._http = http
        self._now = now

    # -- started by the console --------------------------------------------------------

    async def _open(
        self, console_id: str, platform: str, settings: dict[str, Any], secret: bytes | None
    ) -> tuple[str, str]:
        now = self._now()
        session_id, state = new_id("cs"), new_token()
        sealed = seal(self._key, db.session_ad(session_id), secret) if secret else None
        record = db.ConnectSession(
            session_id, console_id, platform, settings, sealed, None, "waiting", now, now + TTL
        )
        await self._store.write(lambda c: db.add_session(c, record, state_hash(state), now))
        return session_id, state

    async def start_woocommerce(
        self, console_id: str, body: Mapping[str, Any], relay_url: str
    ) -> dict[str, Any]:
        shop = _http_url(body.get("url"), "url", "The shop's address")
        relay = urlsplit(relay_url)
        if relay.scheme != "https" and not _loopback(relay.hostname):
            raise invalid(
                "url",
                "WooCommerce sends the keys only to an https:// address: put the relay behind "
                "TLS and set its public URL (storedesk-relay serve --public-url https://…).",
            )
        scope = body.get("scope", "read")
        if scope not in WOO_SCOPES:
            raise invalid("scope", "scope must be read or read_write.")
        session_id, state = await self._open(
            console_id, "woocommerce", {"url": shop, "scope": scope}, None
        )
        query = {
            "app_name": "Storedesk",
            "scope": scope,
            "user_id": session_id,
            "return_url": f"{relay_url}/v1/connect/done",
            "callback_url": f"{relay_url}/v1/connect/woocommerce/{state}",
        }
        authorize = f"{shop}/wc-auth/v1/authorize?{urlencode(query)}"
        return self._started(session_id, authorize)

    async def start_shopify(
        self, console_id: str, body: Mapping[str, Any], relay_url: str
    ) -> dict[str, Any]:
        shop = str(body.get("shop") or "").strip().lower()
        if not SHOP_DOMAIN.match(shop):
            raise invalid("shop", "shop must be the store's name.myshopify.com address.")
        client_id = str(body.get("client_id") or "").strip()
        if not _CLIENT_ID.match(client_id):
            raise invalid("client_id", "client_id must be the app's client ID.")
        secret = body.get("client_secret")
        if not isinstance(secret, str) or not secret.strip() or len(secret) > 256:
            raise invalid("client_secret", "client_secret must be the app's client secret.")
        scopes = str(body.get("scopes") or SHOPIFY_SCOPES)
        if not re.fullmatch(r"[a-z_]+(,[a-z_]+)*", scopes):
            raise invalid("scopes", "scopes must be Shopify access scopes separated by commas.")
        base = body.get("base_url")
        base_url = _http_url(base, "base_url", "base_url") if base else f"https://{shop}"
        settings = {"shop": shop, "client_id": client_id, "base_url": base_url}
        session_id, state = await self._open(
            console_id, "shopify", settings, secret.strip().encode()
        )
        query = {
            "client_id": client_id,
            "scope": scopes,
            "redirect_uri": f"{relay_url}/v1/connect/shopify/callback",
            "state": state,
        }
        return self._started(session_id, f"{base_url}/admin/oauth/authorize?{urlencode(query)}")

    def _started(self, session_id: str, authorize_url: str) -> dict[str, Any]:
        expires = self._now() + TTL
        return {
            "session_id": session_id,
            "authorize_url": authorize_url,
            "expires_at": utc_iso(expires),
        }

    async def pick_up(self, console_id: str, session_id: str) -> dict[str, Any]:
        """The session's state; once done, its credentials, and the session is erased."""
        found = await self._store.read(lambda c: db.session_by_id(c, session_id, console_id))
        if found is None:
            raise ApiError(404, "not_found", "There is no such connection in progress.")
        if found.status == "waiting":
            status = "expired" if self._now() >= found.expires_at else "waiting"
            if status == "expired":
                await self._store.write(lambda c: db.erase(c, session_id, console_id))
            return {"status": status, "platform": found.platform}
        if not await self._store.write(lambda c: db.erase(c, session_id, console_id)):
            raise ApiError(404, "not_found", "There is no such connection in progress.")
        assert found.result is not None
        result = orjson.loads(open_sealed(self._key, db.session_ad(found.id), found.result))
        return {"status": "done", "platform": found.platform, "credentials": result}

    async def cancel(self, console_id: str, session_id: str) -> bool:
        return await self._store.write(lambda c: db.erase(c, session_id, console_id))

    # -- called back by the platform -------------------------------------------------------

    async def _finish(self, session: db.ConnectSession, credentials: dict[str, Any]) -> None:
        sealed = seal(self._key, db.session_ad(session.id), orjson.dumps(credentials))
        if not await self._store.write(lambda c: db.complete(c, session.id, sealed)):
            raise _refused("This connection was already completed.")

    async def _waiting(self, platform: str, state: str) -> db.ConnectSession:
        if not state or len(state) > 128:
            raise _refused("This connection link is not valid.")
        now = self._now()
        found = await self._store.read(
            lambda c: db.session_by_state(c, platform, state_hash(state), now)
        )
        if found is None:
            raise _refused("This connection link is not valid, was used already or expired.")
        return found

    async def woocommerce_keys(self, state: str, body: Mapping[str, Any]) -> None:
        session = await self._waiting("woocommerce", state)
        key, secret = body.get("consumer_key"), body.get("consumer_secret")
        permissions = body.get("key_permissions")
        if str(body.get("user_id", "")) != session.id:
            raise _refused("The callback is for another connection.")
        if not isinstance(key, str) or not re.fullmatch(r"ck_[0-9a-f]{40}", key):
            raise _refused("consumer_key is missing or malformed.")
        if not isinstance(secret, str) or not re.fullmatch(r"cs_[0-9a-f]{40}", secret):
            raise _refused("consumer_secret is missing or malformed.")
        if permissions not in WOO_SCOPES or (
            session.settings["scope"] == "read" and permissions != "read"
        ):
            raise _refused("key_permissions is not the access that was asked for.")
        await self._finish(
            session,
            {
                "consumer_key": key,
                "consumer_secret": secret,
                "key_permissions": permissions,
                "key_id": body.get("key_id"),
            },
        )

    async def shopify_callback(self, query: Mapping[str, str]) -> None:
        session = await self._waiting("shopify", query.get("state", ""))
        assert session.secret is not None
        client_secret = open_sealed(self._key, db.session_ad(session.id), session.secret).decode()
        if not verify_shopify_query(query, client_secret):
            raise _refused("The callback's signature is not valid.")
        if query.get("shop", "").lower() != session.settings["shop"]:
            raise _refused("The callback is for another shop.")
        stamp = query.get("timestamp", "")
        now = self._now()
        if not stamp.isdigit() or abs(now.timestamp() - int(stamp)) > MAX_CALLBACK_AGE.seconds:
            raise _refused("The callback is too old; start connecting again.")
        form = {
            "client_id": session.settings["client_id"],
            "client_secret": client_secret,
            "code": query.get("code", ""),
            "expiring": "1",
        }
        try:
            grant = await request_grant(
                self._http,
                session.settings["base_url"],
                form,
                now=now,
                refused="Shopify refused the authorization code.",
                hint="Start connecting again from Storedesk.",
            )
        except IntegrationError as exc:
            raise ApiError(502, "store_refused", exc.message) from None
        credentials = {"token": grant.access_token, "scope": grant.scope}
        if grant.refresh_token:
            credentials["refresh_token"] = grant.refresh_token
        if grant.expires_at is not None:
            credentials["token_expires_at"] = utc_iso(grant.expires_at)
        await self._finish(session, credentials)


def verify_shopify_query(query: Mapping[str, str], client_secret: str) -> bool:
    """Shopify's ``hmac``: hex HMAC-SHA256 of the other parameters sorted by name and
    joined as ``name=value&…``, keyed with the app's client secret."""
    given = query.get("hmac", "")
    if not given or len(given) > 128:
        return False
    message = "&".join(f"{k}={v}" for k, v in sorted(query.items()) if k != "hmac")
    expected = hmac.new(client_secret.encode(), message.encode(), hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given.lower())
