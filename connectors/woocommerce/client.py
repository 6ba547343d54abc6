"""A thin client for the WooCommerce REST API v3 (``{home}/wp-json/wc/v3/…``).

Over HTTPS it sends the keys with HTTP Basic; over plain HTTP WooCommerce ignores Basic
(and keys in the query), so every request — every page too — is signed afresh with
one-legged OAuth 1.0a over the shop's home URL + path. The ``Link`` header a real store
sends repeats the used nonce, so pages are requested by number, never by following it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import AsyncGenerator, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from connectors.errors import ConfigError
from connectors.http import decode_json, send
from connectors.retry import RetryPolicy, with_retry
from connectors.woocommerce import oauth
from connectors.woocommerce.errors import PLATFORM, error_for, html_page

API_PATH = "/wp-json/wc/v3"
PAGES_AHEAD = 2  # requests in flight while a page is being stored; kind to small hosts
MAX_PER_PAGE = 100


@dataclass(frozen=True, slots=True)
class Reply:
    data: Any
    total: int | None
    total_pages: int | None


def _header_int(headers: httpx.Headers, name: str) -> int | None:
    value = headers.get(name)
    return int(value) if value is not None and value.strip().isdigit() else None


class WooClient:
    """Signed GETs against one store; the HTTP client is injected and never closed here."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        home_url: str,
        key: str,
        secret: str,
        *,
        now: Callable[[], datetime],
        retry: RetryPolicy,
        nonce: Callable[[], str] = oauth.new_nonce,
    ) -> None:
        self._http = http
        self.home_url = home_url.rstrip("/")
        self._key = key
        self._secret = secret
        self._now = now
        self._retry = retry
        self._nonce = nonce
        self.over_https = self.home_url.lower().startswith("https://")

    def __repr__(self) -> str:
        return f"WooClient(home_url={self.home_url!r}, key=<hidden>, secret=<hidden>)"

    async def get(self, path: str, params: Mapping[str, oauth.ParamValue] | None = None) -> Reply:
        """GET ``/wp-json/wc/v3/{path}``, retried on retryable failures."""
        return await with_retry(lambda: self._get_once(path, params or {}), self._retry)

    async def pages(
        self, path: str, params: Mapping[str, oauth.ParamValue], per_page: int = MAX_PER_PAGE
    ) -> AsyncGenerator[Reply, None]:
        """Every page of a collection, by page number, until ``X-WP-TotalPages``.

        Up to ``PAGES_AHEAD`` following pages are requested as soon as the total is known,
        so the store prepares them while the caller maps and stores the current one.
        """

        def fetch(number: int) -> asyncio.Task[Reply]:
            return asyncio.ensure_future(
                self.get(path, {**params, "per_page": per_page, "page": number})
            )

        ahead, requested = deque([fetch(1)]), 1
        try:
            while ahead:
                reply = await ahead.popleft()
                if not reply.data:  # past the end (the collection shrank meanwhile)
                    yield reply
                    return
                while requested < (reply.total_pages or 0) and len(ahead) < PAGES_AHEAD:
                    requested += 1
                    ahead.append(fetch(requested))
                await asyncio.sleep(0)  # let the requests go out before the caller gets busy
                yield reply
        finally:  # pages asked for but no longer wanted: stop them, and hear their end
            for task in ahead:
                task.cancel()
            for task in ahead:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task

    async def write(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any] | None = None,
        params: Mapping[str, oauth.ParamValue] | None = None,
    ) -> Reply:
        """POST/PUT/DELETE a JSON body (once: a write is not repeated on its own)."""
        return await self._get_once(path, params or {}, method=method, body=body)

    async def _get_once(
        self,
        path: str,
        params: Mapping[str, oauth.ParamValue],
        *,
        method: str = "GET",
        body: Mapping[str, Any] | None = None,
    ) -> Reply:
        url = f"{self.home_url}{API_PATH}/{path.strip('/')}"
        pairs = oauth.flatten_params(params)
        extra: dict[str, Any] = {} if body is None else {"json": dict(body)}
        if self.over_https:
            response = await send(
                self._http,
                PLATFORM,
                method,
                url,
                params=pairs,
                auth=(self._key, self._secret),
                **extra,
            )
        else:
            signed = self._signed(url, pairs, method)
            response = await send(self._http, PLATFORM, method, url, params=signed, **extra)
        return self._reply(response)

    def _signed(self, url: str, pairs: list[oauth.Param], method: str = "GET") -> list[oauth.Param]:
        return oauth.sign(
            method,
            url,
            pairs,
            consumer_key=self._key,
            consumer_secret=self._secret,
            timestamp=int(self._now().timestamp()),
            nonce=self._nonce(),
        )

    def _reply(self, response: httpx.Response) -> Reply:
        if response.is_redirect:
            raise self._redirected(response)
        if not response.is_success:
            raise error_for(response, over_https=self.over_https)
        if response.headers.get("content-type", "").startswith("text/html"):
            raise html_page(response)
        return Reply(
            data=decode_json(PLATFORM, response),
            total=_header_int(response.headers, "x-wp-total"),
            total_pages=_header_int(response.headers, "x-wp-totalpages"),
        )

    def _redirected(self, response: httpx.Response) -> ConfigError:
        target = response.headers.get("location", "")
        home = target.split(API_PATH, 1)[0] if API_PATH in target else target
        return ConfigError(
            PLATFORM,
            f"{response.request.url.host} redirects API requests to {home or 'another address'}.",
            hint="Use the shop's home address exactly as WordPress → Settings → General shows it.",
            status=response.status_code,
        )
