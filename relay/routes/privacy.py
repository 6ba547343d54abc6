"""Console API for shoppers' data (find, erase) and the retention period; signed only."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from core.privacy import PrivacyError, RetentionError, Shopper, check_retention, shopper_from
from relay.keys import LOOKUPS, SETTINGS, STORE
from relay.responses import invalid, json_response, read_json
from relay.routes.console import signed
from relay.storage import StorageError

log = logging.getLogger("storedesk.relay.privacy")


def _shopper(body: dict[str, Any]) -> Shopper:
    email, phone = body.get("email"), body.get("phone")
    if not isinstance(email, str | None) or not isinstance(phone, str | None):
        raise invalid("email", "email and phone must be text.")
    try:
        return shopper_from(email, phone)
    except PrivacyError as err:
        raise invalid("phone" if "phone" in str(err) else "email", str(err)) from None


@signed
async def find(request: web.Request) -> web.Response:
    shopper = _shopper(await read_json(request))
    found = await request.app[STORE].find_shopper(shopper.email, shopper.phone)
    counts = {name: len(rows) for name, rows in found.items()}
    return json_response({"shopper": shopper.as_json(), "counts": counts, **found})


@signed
async def erase(request: web.Request) -> web.Response:
    shopper = _shopper(await read_json(request))
    erased = await request.app[STORE].erase_shopper(shopper.email, shopper.phone)
    emails = [shopper.email] if shopper.email else []
    erased["cached_lookups"] = request.app[LOOKUPS].forget_shopper(emails)
    return json_response({"erased": erased})


@signed
async def retention(request: web.Request) -> web.Response:
    store = request.app[STORE]
    if request.method == "GET":
        return json_response({"days": await store.retention_days()})
    body = await read_json(request)
    try:
        days = check_retention(body.get("days"))
    except RetentionError as err:
        raise invalid("days", str(err)) from None
    deleted = await store.set_retention(days)
    return json_response({"days": days, "deleted": deleted})


async def _apply_periodically(app: web.Application) -> None:
    interval = app[SETTINGS].retention_interval
    while True:
        await asyncio.sleep(interval)
        try:
            deleted = await app[STORE].apply_retention()
        except StorageError as err:
            log.warning("Retention could not run: %s", err)
            continue
        if deleted["conversations"]:
            log.info("Retention deleted %s conversations", deleted["conversations"])


async def _retention_ctx(app: web.Application) -> AsyncIterator[None]:
    """Apply the retention period every ``retention_interval`` seconds while serving."""
    task = asyncio.create_task(_apply_periodically(app))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def setup_privacy(app: web.Application) -> None:
    router = app.router
    router.add_post("/v1/console/privacy/find", find, name="console.privacy.find")
    router.add_post("/v1/console/privacy/erase", erase, name="console.privacy.erase")
    router.add_get("/v1/console/retention", retention, name="console.retention")
    router.add_put("/v1/console/retention", retention, name="console.retention.set")
    app.cleanup_ctx.append(_retention_ctx)
