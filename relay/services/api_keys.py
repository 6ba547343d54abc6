"""The API channel's keys: per widget, random, stored as a SHA-256 hash, scoped, revocable.

A key is ``sdk_`` and 43 URL-safe characters (256 random bits); it is shown once when made.
Scopes: ``conversations`` (start conversations and send messages; the shopper is treated
like one on the website and must prove an order is theirs) and ``identify`` (the
customer the key holder names is taken as verified: their email, phone or customer id).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from core.ids import new_id
from core.serialize import utc_iso
from relay.responses import ApiError, invalid
from relay.storage import RelayStore
from relay.storage import connect as db

PREFIX = "sdk_"
SCOPES = ("conversations", "identify")
MAX_KEYS = 50  # per widget, revoked ones included


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()


def unauthorized(message: str) -> ApiError:
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": "Bearer"})


def describe(record: db.ApiKeyRecord) -> dict[str, Any]:
    return {
        "id": record.id,
        "name": record.name,
        "prefix": record.prefix,
        "scopes": list(record.scopes),
        "created_at": utc_iso(record.created_at),
        "revoked_at": utc_iso(record.revoked_at) if record.revoked_at else None,
        "last_used_at": utc_iso(record.last_used_at) if record.last_used_at else None,
    }


def parse_scopes(value: Any) -> tuple[str, ...]:
    if value is None:
        return ("conversations",)
    if not isinstance(value, list) or not value or any(s not in SCOPES for s in value):
        raise invalid("scopes", "scopes must be a list of: " + ", ".join(SCOPES) + ".")
    if "conversations" not in value:
        raise invalid("scopes", "A key needs the conversations scope to be of any use.")
    return tuple(s for s in SCOPES if s in value)


class ApiKeys:
    def __init__(self, store: RelayStore, now: Callable[[], datetime]) -> None:
        self._store = store
        self._now = now

    def _widget(self, widget_key: str) -> None:
        if self._store.widget(widget_key) is None:
            raise ApiError(404, "not_found", "There is no published widget with this key.")

    async def create(self, widget_key: str, name: Any, scopes: Any) -> tuple[db.ApiKeyRecord, str]:
        self._widget(widget_key)
        if not isinstance(name, str) or not name.strip() or len(name) > 80:
            raise invalid("name", "The key's name must be 1 to 80 characters.")
        chosen = parse_scopes(scopes)
        existing = await self._store.read(lambda c: db.list_api_keys(c, widget_key))
        if len(existing) >= MAX_KEYS:
            raise invalid("name", f"A widget has at most {MAX_KEYS} keys; revoke unused ones.")
        key = PREFIX + secrets.token_urlsafe(32)
        record = db.ApiKeyRecord(
            id=new_id("ak"),
            widget_key=widget_key,
            name=name.strip(),
            prefix=key[:12],
            scopes=chosen,
            created_at=self._now(),
        )
        await self._store.write(lambda c: db.add_api_key(c, record, key_hash(key)))
        return record, key

    async def list(self, widget_key: str) -> Sequence[db.ApiKeyRecord]:
        self._widget(widget_key)
        return await self._store.read(lambda c: db.list_api_keys(c, widget_key))

    async def revoke(self, widget_key: str, key_id: str) -> None:
        now = self._now()
        if not await self._store.write(lambda c: db.revoke_api_key(c, widget_key, key_id, now)):
            raise ApiError(404, "not_found", "There is no such key, or it is already revoked.")

    async def authenticate(self, authorization: str) -> db.ApiKeyRecord:
        """The live key named by ``Authorization: Bearer sdk_…``; 401 otherwise."""
        scheme, _, key = authorization.partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key.startswith(PREFIX) or len(key) > 128:
            raise unauthorized("This API needs an API key: Authorization: Bearer sdk_….")
        record = await self._store.read(lambda c: db.api_key_by_hash(c, key_hash(key)))
        if record is None or record.revoked_at is not None:
            raise unauthorized("This API key is not valid (unknown or revoked).")
        if self._store.widget(record.widget_key) is None:
            raise ApiError(404, "not_found", "The key's widget is no longer published.")
        now = self._now()
        if record.last_used_at is None or (now - record.last_used_at).total_seconds() > 60:
            await self._store.write(lambda c: db.touch_api_key(c, record.id, now))
        return record
