"""A thin client for the Shopify GraphQL Admin API: one POST per query, typed failures,
throttling retried after exactly the wait the cost bucket needs.

It also throttles itself: from the last ``throttleStatus`` it estimates what the bucket
holds now, and before a query the bucket cannot pay for it waits exactly the shortfall.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from connectors.errors import BadResponseError
from connectors.http import decode_json, send
from connectors.retry import RetryPolicy, with_retry
from connectors.shopify import errors
from connectors.shopify.auth import StaticToken, TokenSource
from connectors.shopify.errors import PLATFORM

log = logging.getLogger(__name__)

PathPart = str | int


@dataclass(frozen=True, slots=True)
class Denied:
    """A field Shopify answered with ``null`` because it is protected customer data."""

    path: tuple[PathPart, ...]
    message: str


@dataclass(frozen=True, slots=True)
class Result:
    data: Mapping[str, Any]
    denied: tuple[Denied, ...] = ()

    def denied_under(self, *prefix: PathPart) -> tuple[Denied, ...]:
        """The withheld fields inside the object at ``prefix`` (e.g. ``"orders", "nodes", 3``)."""
        size = len(prefix)
        return tuple(d for d in self.denied if d.path[:size] == prefix)


@dataclass(frozen=True, slots=True)
class Bucket:
    """The cost bucket as Shopify last described it, and when."""

    available: float
    maximum: float
    restore_rate: float
    at: datetime

    @classmethod
    def read(cls, status: Mapping[str, Any], at: datetime) -> Bucket | None:
        try:
            available = float(status["currentlyAvailable"])
            maximum = float(status["maximumAvailable"])
            rate = float(status["restoreRate"])
        except (KeyError, TypeError, ValueError):
            return None
        return cls(available, maximum, rate, at)

    def wait_for(self, cost: float, now: datetime) -> float:
        """Seconds until the bucket should hold ``cost`` points (0 if it does, or never will)."""
        if self.restore_rate <= 0 or cost > self.maximum:
            return 0.0
        elapsed = max(0.0, (now - self.at).total_seconds())
        expected = min(self.maximum, self.available + self.restore_rate * elapsed)
        return max(0.0, (cost - expected) / self.restore_rate)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class ShopifyClient:
    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        base_url: str,
        api_version: str,
        token: str | TokenSource,
        retry: RetryPolicy,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.endpoint = f"{base_url}/admin/api/{api_version}/graphql.json"
        self._http = http
        self._tokens: TokenSource = StaticToken(token) if isinstance(token, str) else token
        self._retry = retry
        self._now = now
        self.bucket: Bucket | None = None

    def __repr__(self) -> str:
        return f"ShopifyClient(endpoint={self.endpoint!r}, token=<hidden>)"

    async def access_token(self) -> str:
        """The access token requests use now (renewed first if it is about to expire)."""
        return await self._tokens.token()

    async def execute(
        self, query: str, variables: Mapping[str, Any] | None = None, *, cost: int | None = None
    ) -> Result:
        """Run one query estimated to request ``cost`` points (waiting first if the bucket
        cannot pay for it yet); throttling and 5xx are retried by the injected policy."""
        return await with_retry(
            lambda: self._execute_once(query, variables or {}, cost), self._retry
        )

    async def _wait_for_bucket(self, cost: int | None) -> None:
        if cost is None or self.bucket is None:
            return
        wait = self.bucket.wait_for(cost, self._now())
        if wait > 0:
            log.debug("Shopify cost bucket low; waiting %.2fs before a %d-point query", wait, cost)
            await self._retry.sleep(wait)

    async def _execute_once(
        self, query: str, variables: Mapping[str, Any], cost: int | None
    ) -> Result:
        await self._wait_for_bucket(cost)
        token = await self._tokens.token()
        response = await self._post(query, variables, token)
        if response.status_code == 401 and await self._tokens.renew(token):
            response = await self._post(query, variables, await self._tokens.token())
        if response.status_code != 200:
            raise errors.for_status(response)
        body = decode_json(PLATFORM, response)
        if not isinstance(body, dict):
            raise _unreadable(response, "the answer is not a JSON object")
        return self._read(body, response)

    async def _post(self, query: str, variables: Mapping[str, Any], token: str) -> httpx.Response:
        return await send(
            self._http,
            PLATFORM,
            "POST",
            self.endpoint,
            json={"query": query, "variables": dict(variables)},
            headers={"X-Shopify-Access-Token": token, "Content-Type": "application/json"},
        )

    def _read(self, body: dict[str, Any], response: httpx.Response) -> Result:
        cost = (body.get("extensions") or {}).get("cost")
        cost = cost if isinstance(cost, dict) else None
        if cost and isinstance(cost.get("throttleStatus"), dict):
            self.bucket = Bucket.read(cost["throttleStatus"], self._now())
        denied = self._check_errors(body.get("errors"), cost, response)
        data = body.get("data")
        if not isinstance(data, dict):
            raise _unreadable(response, "the answer has no data")
        if denied:
            log.warning(
                "Shopify withheld %d protected customer field(s): %s",
                len(denied),
                ", ".join(".".join(map(str, d.path)) for d in denied[:5]),
            )
        return Result(data=data, denied=denied)

    def _check_errors(
        self, raw: object, cost: Mapping[str, Any] | None, response: httpx.Response
    ) -> tuple[Denied, ...]:
        if not raw:
            return ()
        if isinstance(raw, str):  # {"errors": "..."} with a 200: treat as a rejection
            raise errors.for_graphql_error({"message": raw}, cost)
        if not isinstance(raw, list):
            raise _unreadable(response, "the errors list is malformed")
        denied: list[Denied] = []
        for entry in raw:
            entry = entry if isinstance(entry, dict) else {"message": str(entry)}
            if not errors.is_protected_data_denial(entry):
                raise errors.for_graphql_error(entry, cost)
            denied.append(Denied(tuple(entry["path"]), str(entry.get("message") or "")))
        return tuple(denied)


def _unreadable(response: httpx.Response, why: str) -> BadResponseError:
    return BadResponseError(
        PLATFORM,
        "Shopify sent a reply Storedesk could not read.",
        hint="Try again; if it keeps happening, check the API version in the store settings.",
        status=response.status_code,
        detail=why,
    )
