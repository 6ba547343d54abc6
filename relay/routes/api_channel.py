"""The API channel for a merchant's own systems (``/v1/api/…``, an API key as Bearer), and
the console's management of those keys (``/v1/console/widgets/{key}/api-keys``, signed).

The same bot answers as on the website; a customer named by a key with the ``identify``
scope counts as verified, otherwise the shopper proves an order is theirs as usual.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from relay.keys import API_KEYS, CONVERSATIONS, SETTINGS, STORE
from relay.responses import invalid, json_response, read_json
from relay.routes.console import signed
from relay.routes.public import read_object
from relay.services.api_keys import ApiKeys, describe
from relay.services.conversations import NotFound, Vouched
from relay.services.inputs import check_text, parse_after
from relay.storage import connect as db
from relay.storage.records import ConversationRecord

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
_FIELDS = {"id": 128, "email": 320, "phone": 40, "name": 120}


def _customer(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise invalid("customer", "customer must be an object with id, email, phone or name.")
    found: dict[str, str] = {}
    for name, raw in value.items():
        limit = _FIELDS.get(name)
        if limit is None:
            raise invalid(f"customer.{name}", f"customer.{name} is not a known field.")
        if raw is None:
            continue
        if not isinstance(raw, str) or not raw.strip() or len(raw) > limit:
            raise invalid(f"customer.{name}", f"customer.{name} must be 1 to {limit} characters.")
        found[name] = raw.strip()
    if "email" in found and not _EMAIL.match(found["email"]):
        raise invalid("customer.email", "customer.email is not an email address.")
    return found


def _vouched(customer: dict[str, str], scopes: tuple[str, ...]) -> Vouched:
    if "identify" not in scopes:
        return Vouched(name=customer.get("name"))  # named, not verified
    return Vouched(
        email=customer.get("email"),
        name=customer.get("name"),
        phone=customer.get("phone"),
        customer_id=customer.get("id"),
    )


async def _owned(request: web.Request) -> tuple[db.ApiKeyRecord, ConversationRecord]:
    key = await request.app[API_KEYS].authenticate(request.headers.get("Authorization", ""))
    conversation = await request.app[CONVERSATIONS].existing(request.match_info["id"])
    bound = await request.app[STORE].read(lambda c: db.conversation_key(c, conversation.id))
    if bound != key.id:
        raise NotFound("There is no such conversation for this key.")
    return key, conversation


async def start(request: web.Request) -> web.Response:
    key = await request.app[API_KEYS].authenticate(request.headers.get("Authorization", ""))
    body = await read_object(request)
    customer = _customer(body.get("customer"))
    language = body.get("language")
    if language is not None and (not isinstance(language, str) or len(language) > 35):
        raise invalid("language", "language must be a language tag such as en or fr-CA.")
    text = body.get("text")
    if text is not None:  # checked before anything is stored
        check_text(text, limit=request.app[SETTINGS].text_limit)
    service = request.app[CONVERSATIONS]
    result = await service.start_vouched(
        key.widget_key, "api", language, _vouched(customer, key.scopes)
    )
    conversation_id = result["conversation_id"]
    await request.app[STORE].write(lambda c: db.bind_conversation(c, conversation_id, key.id))
    if text is not None:
        replies = await service.send(conversation_id, None, text, f"api:{key.id}", trusted=True)
        result["messages"] = [*result["messages"], *replies]
    return json_response(result, status=201)


async def send(request: web.Request) -> web.Response:
    key, conversation = await _owned(request)
    body = await read_object(request)
    messages = await request.app[CONVERSATIONS].send(
        conversation.id, None, body.get("text"), f"api:{key.id}", trusted=True
    )
    return json_response({"messages": messages})


async def history(request: web.Request) -> web.Response:
    _, conversation = await _owned(request)
    after = parse_after(request.query.get("after"))
    messages = await request.app[CONVERSATIONS].messages_after(conversation.id, after)
    return json_response({"messages": messages})


@signed
async def create_key(request: web.Request) -> web.Response:
    body = await read_json(request)
    record, key = await request.app[API_KEYS].create(
        request.match_info["key"], body.get("name"), body.get("scopes")
    )
    return json_response({**describe(record), "key": key}, status=201)


@signed
async def list_keys(request: web.Request) -> web.Response:
    found = await request.app[API_KEYS].list(request.match_info["key"])
    return json_response({"keys": [describe(k) for k in found]})


@signed
async def revoke_key(request: web.Request) -> web.Response:
    await request.app[API_KEYS].revoke(request.match_info["key"], request.match_info["id"])
    return json_response({"ok": True})


async def _service(app: web.Application) -> AsyncIterator[None]:
    app[API_KEYS] = ApiKeys(app[STORE], app[SETTINGS].now)
    yield


def setup_api_channel(app: web.Application) -> None:
    router = app.router
    router.add_post("/v1/api/conversations", start, name="api.start")
    router.add_post("/v1/api/conversations/{id}/messages", send, name="api.send")
    router.add_get("/v1/api/conversations/{id}/messages", history, name="api.messages")
    keys = "/v1/console/widgets/{key}/api-keys"
    router.add_post(keys, create_key, name="api_keys.create")
    router.add_get(keys, list_keys, name="api_keys.list")
    router.add_delete(keys + "/{id}", revoke_key, name="api_keys.revoke")
    app.cleanup_ctx.append(_service)
