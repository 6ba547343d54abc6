"""Webhooks of the WooCommerce emulator: the REST ``/webhooks`` endpoint and deliveries
signed and shaped like WooCommerce 9.4.3's (see the recorded ``webhooks/`` traffic).

Saving an active webhook sends the unsigned form-encoded ping (``webhook_id=N``, no
``X-WC-Webhook-*`` headers); its failure does not fail the request. ``deliver(...)`` sends
a topic's payload to every active webhook for it: ``wp_json_encode`` body,
``X-WC-Webhook-Signature`` = base64 HMAC-SHA256 of the body with the webhook's secret, and
a delivery id made from the webhook id and the second (two deliveries in one second share
it, as real ones do).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web

from tests.emulators.woocommerce_params import error, php_json, respond
from tests.emulators.woocommerce_seed import wc_date
from tests.emulators.woocommerce_state import STATE

Json = dict[str, Any]
USER_AGENT = "WooCommerce/9.4.3 Hookshot (WordPress/6.5.5)"
TOPICS = {
    "order.created": ["woocommerce_new_order"],
    "order.updated": ["woocommerce_update_order", "woocommerce_order_refunded"],
    "order.deleted": ["wp_trash_post"],
    "order.restored": ["untrashed_post"],
    "customer.created": ["user_register", "woocommerce_created_customer"],
    "customer.updated": ["profile_update", "woocommerce_update_customer"],
    "customer.deleted": ["delete_user"],
    "product.created": ["woocommerce_process_product_meta", "woocommerce_new_product"],
    "product.updated": ["woocommerce_process_product_meta", "woocommerce_update_product"],
    "product.deleted": ["wp_trash_post"],
    "product.restored": ["untrashed_post"],
}


@dataclass
class Hook:
    id: int
    name: str
    topic: str
    delivery_url: str
    secret: str = field(repr=False)
    status: str
    created: datetime
    modified: datetime | None = None


@dataclass
class Sent:
    hook_id: int
    url: str
    headers: dict[str, str]
    body: bytes
    status: int | None  # None: the request failed


@dataclass
class WebhookRegistry:
    hooks: dict[int, Hook] = field(default_factory=dict)
    sent: list[Sent] = field(default_factory=list)
    clock: Callable[[], float] = time.time
    next_id: int = 1

    def to_json(self, hook: Hook, home: str) -> Json:
        resource, _, event = hook.topic.partition(".")
        base = f"{home}/wp-json/wc/v3/webhooks"
        return {
            "id": hook.id,
            "name": hook.name,
            "status": hook.status,
            "topic": hook.topic,
            "resource": resource,
            "event": event,
            "hooks": TOPICS.get(hook.topic, []),
            "delivery_url": hook.delivery_url,
            "date_created": wc_date(hook.created),
            "date_created_gmt": wc_date(hook.created),
            "date_modified": wc_date(hook.modified),
            "date_modified_gmt": wc_date(hook.modified),
            "_links": {"self": [{"href": f"{base}/{hook.id}"}], "collection": [{"href": base}]},
        }

    async def _post(self, hook: Hook, headers: dict[str, str], body: bytes) -> int | None:
        try:
            async with (
                aiohttp.ClientSession() as session,
                session.post(hook.delivery_url, data=body, headers=headers) as answer,
            ):
                await answer.read()
                status: int | None = answer.status
        except aiohttp.ClientError:
            status = None
        self.sent.append(Sent(hook.id, hook.delivery_url, headers, body, status))
        return status

    async def ping(self, hook: Hook) -> int | None:
        headers = {
            "User-Agent": USER_AGENT,
            "Content-Type": "application/x-www-form-urlencoded",
        }
        return await self._post(hook, headers, f"webhook_id={hook.id}".encode())

    def delivery_headers(self, hook: Hook, body: bytes, home: str) -> dict[str, str]:
        resource, _, event = hook.topic.partition(".")
        signature = hmac.new(hook.secret.encode(), body, hashlib.sha256).digest()
        delivery = hashlib.md5(f"{hook.id}{int(self.clock())}".encode()).hexdigest()
        return {
            "User-Agent": USER_AGENT,
            "Content-Type": "application/json",
            "X-WC-Webhook-Source": f"{home}/",
            "X-WC-Webhook-Topic": hook.topic,
            "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": base64.b64encode(signature).decode(),
            "X-WC-Webhook-ID": str(hook.id),
            "X-WC-Webhook-Delivery-ID": delivery,
        }

    async def deliver(self, topic: str, payload: Json, home: str) -> list[int | None]:
        """Send ``payload`` to every active webhook of ``topic``; their answers' statuses."""
        body = php_json(payload)
        statuses = []
        for hook in list(self.hooks.values()):
            if hook.status == "active" and hook.topic == topic:
                headers = self.delivery_headers(hook, body, home)
                statuses.append(await self._post(hook, headers, body))
        return statuses


HOOKS = web.AppKey("woocommerce_webhooks", WebhookRegistry)


def _home(request: web.Request) -> str:
    return request.app[STATE].home_url


async def _body(request: web.Request) -> Json:
    try:
        data = await request.json()
    except ValueError:
        data = None
    return data if isinstance(data, dict) else {}


def _check(request: web.Request, data: Json, *, creating: bool) -> web.Response | None:
    topic = data.get("topic")
    if (creating or topic is not None) and (not isinstance(topic, str) or topic not in TOPICS):
        return error(
            request,
            "woocommerce_rest_webhook_invalid_topic",
            "Webhook topic is required and must be valid.",
            400,
        )
    url = data.get("delivery_url")
    if (creating or url is not None) and (
        not isinstance(url, str) or not url.startswith(("http://", "https://"))
    ):
        return error(
            request,
            "woocommerce_rest_webhook_invalid_delivery_url",
            "Webhook delivery URL must be a valid URL starting with http:// or https://.",
            400,
        )
    return None


async def create_webhook(request: web.Request) -> web.Response:
    registry = request.app[HOOKS]
    data = await _body(request)
    refused = _check(request, data, creating=True)
    if refused is not None:
        return refused
    hook = Hook(
        id=registry.next_id,
        name=str(data.get("name") or f"Webhook created on {datetime.now(UTC):%b %d, %Y}"),
        topic=data["topic"],
        delivery_url=data["delivery_url"],
        secret=str(data.get("secret") or ""),
        status=str(data.get("status") or "active"),
        created=datetime.now(UTC).replace(microsecond=0),
    )
    registry.next_id += 1
    registry.hooks[hook.id] = hook
    if hook.status == "active":
        await registry.ping(hook)
    location = f"{_home(request)}/wp-json/wc/v3/webhooks/{hook.id}"
    return respond(
        request, registry.to_json(hook, _home(request)), 201, "GET, POST", {"Location": location}
    )


async def list_webhooks(request: web.Request) -> web.Response:
    registry = request.app[HOOKS]
    hooks = [registry.to_json(h, _home(request)) for h in registry.hooks.values()]
    total = str(len(hooks))
    return respond(
        request, hooks, allow="GET, POST", extra={"X-WP-Total": total, "X-WP-TotalPages": "1"}
    )


def _hook(request: web.Request) -> Hook | None:
    return request.app[HOOKS].hooks.get(int(request.match_info["id"]))


def _missing(request: web.Request) -> web.Response:
    return error(request, "woocommerce_rest_webhook_invalid_id", "Invalid ID.", 404)


async def get_webhook(request: web.Request) -> web.Response:
    hook = _hook(request)
    if hook is None:
        return _missing(request)
    return respond(request, request.app[HOOKS].to_json(hook, _home(request)), allow=_ONE)


async def update_webhook(request: web.Request) -> web.Response:
    hook, registry = _hook(request), request.app[HOOKS]
    if hook is None:
        return _missing(request)
    data = await _body(request)
    refused = _check(request, data, creating=False)
    if refused is not None:
        return refused
    for name in ("name", "topic", "delivery_url", "secret", "status"):
        if isinstance(data.get(name), str):
            setattr(hook, name, data[name])
    hook.modified = datetime.now(UTC).replace(microsecond=0)
    if hook.status == "active":
        await registry.ping(hook)
    return respond(request, registry.to_json(hook, _home(request)), allow=_ONE)


async def delete_webhook(request: web.Request) -> web.Response:
    hook, registry = _hook(request), request.app[HOOKS]
    if hook is None:
        return _missing(request)
    if request.query.get("force") not in ("true", "1"):
        return error(
            request,
            "woocommerce_rest_trash_not_supported",
            "Webhooks do not support trashing.",
            501,
        )
    del registry.hooks[hook.id]
    return respond(request, registry.to_json(hook, _home(request)), allow=_ONE)


_ONE = "GET, POST, PUT, PATCH, DELETE"


def add_webhook_routes(app: web.Application, api: str) -> None:
    app[HOOKS] = WebhookRegistry()
    router = app.router
    router.add_post(api + "/webhooks", create_webhook)
    router.add_get(api + "/webhooks", list_webhooks)
    one = api + r"/webhooks/{id:\d+}"
    router.add_get(one, get_webhook)
    router.add_put(one, update_webhook)
    router.add_delete(one, delete_webhook)
