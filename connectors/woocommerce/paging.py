"""Walking a WooCommerce collection so that no record is passed over.

WooCommerce sorts ``orderby=modified`` without a tie-breaker (it adds ``ID`` only for
``orderby=date``), so MySQL returns rows saved in the same second in a new order on every
request: paging such a list by page number skips some rows and repeats others. Two walks
avoid that:

- ``by_modified``: keyset on the modified time. Always the first page of "modified at or
  after the lower bound"; every row older than the page's newest second is complete, so it
  is kept and the bound moves up to that second, which is read again. A page that is one
  second from end to end is read by id on its own (``modified_after``/``modified_before``
  around that second). Rows changed meanwhile move to the end and are read there.
- ``by_id``: ``orderby=id`` (unique), by offset with an overlap of a few rows: a page that
  no longer reaches back to the last id seen means rows before it were deleted, and the
  walk steps back instead of skipping the rows that moved up.

Each walk asks for its next page as soon as it knows it, while the caller stores this one.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Mapping
from contextlib import aclosing
from datetime import datetime, timedelta
from typing import Any

from connectors.woocommerce.client import Reply, WooClient
from core.serialize import parse_datetime, utc_iso

OVERLAP = 5  # rows each id page reads again (up to a fifth of a page)
SECOND = timedelta(seconds=1)
SEND_STEPS = 10  # loop turns for a request to be written out (httpx, TLS) before yielding


def modified_of(raw: Any) -> datetime | None:
    if not isinstance(raw, Mapping):
        return None
    return parse_datetime(raw.get("date_modified_gmt") or raw.get("date_modified"))


def _id_of(raw: Any) -> int | None:
    value = raw.get("id") if isinstance(raw, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _gmt(moment: datetime) -> str:
    return utc_iso(moment).removesuffix("Z")


def window(after: datetime | None, before: datetime | None = None) -> dict[str, str]:
    """Rows modified at or after ``after`` (whole seconds), and before ``before``."""
    params: dict[str, str] = {}
    if after is not None:  # WooCommerce compares strictly: one second earlier
        params["modified_after"] = _gmt(after - SECOND)
    if before is not None:
        params["modified_before"] = _gmt(before)
    if params:
        params["dates_are_gmt"] = "true"
    return params


class _Ahead:
    """The one request in flight while the caller works on the previous page."""

    def __init__(self, client: WooClient, path: str) -> None:
        self._client = client
        self._path = path
        self._task: asyncio.Task[Reply] | None = None

    async def ask(self, params: Mapping[str, Any]) -> None:
        """Send the request now, so the store prepares it while the caller stores a page."""
        self._task = asyncio.ensure_future(self._client.get(self._path, dict(params)))
        for _ in range(SEND_STEPS):  # let it go out before the caller gets busy
            await asyncio.sleep(0)

    async def answer(self) -> Reply:
        assert self._task is not None
        task, self._task = self._task, None
        return await task

    async def drop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None


async def by_modified(
    client: WooClient,
    path: str,
    params: Mapping[str, Any],
    per_page: int,
    since: datetime | None,
) -> AsyncGenerator[Reply, None]:
    """Every row modified at or after ``since``, oldest change first, each row once."""
    base = {**params, "orderby": "modified", "order": "asc", "per_page": per_page, "page": 1}
    lower = since.replace(microsecond=0) if since is not None else None
    ahead, total = _Ahead(client, path), None
    try:
        await ahead.ask({**base, **window(lower)})
        while True:
            reply = await ahead.answer()
            rows = list(reply.data or [])
            total = reply.total if total is None else total
            each = list(map(modified_of, rows))  # read once: a page is 100 rows
            moments = [m for m in each if m is not None]
            if len(rows) < per_page or not moments:  # the rest, or nothing to page by
                if rows and not moments:
                    rest = by_id(client, path, {**params, **window(lower)}, per_page)
                    async with aclosing(rest) as parts:
                        async for part in parts:
                            yield Reply(part.data, total, None)
                    return
                yield Reply(rows, total, None)
                return
            newest = max(moments)
            older = [r for r, m in zip(rows, each, strict=True) if m is None or m < newest]
            if older:
                lower = newest  # that second again: its rows may continue on the next page
                await ahead.ask({**base, **window(lower)})
                yield Reply(older, total, None)
                continue
            second = {**params, **window(newest, newest + SECOND)}
            async with aclosing(by_id(client, path, second, per_page)) as parts:
                async for part in parts:
                    yield Reply(part.data, total, None)
            lower = newest + SECOND
            await ahead.ask({**base, **window(lower)})
    finally:
        await ahead.drop()


async def by_id(
    client: WooClient, path: str, params: Mapping[str, Any], per_page: int
) -> AsyncGenerator[Reply, None]:
    """Every row of the collection in id order, each once, even if rows are deleted meanwhile."""
    base = {**params, "orderby": "id", "order": "asc", "per_page": per_page}
    overlap = min(OVERLAP, per_page // 5)
    ahead, total = _Ahead(client, path), None
    start, last_id = 0, None
    try:
        await ahead.ask({**base, "offset": start})
        while True:
            reply = await ahead.answer()
            rows = list(reply.data or [])
            total = reply.total if total is None else total
            ids = [i for i in map(_id_of, rows) if i is not None]
            if overlap and start > 0 and last_id is not None and _passed(rows, ids, last_id):
                start = max(0, start - per_page)  # rows before the page went away: go back
                await ahead.ask({**base, "offset": start})
                continue
            fresh = [r for r in rows if last_id is None or (_id_of(r) or last_id + 1) > last_id]
            if ids:
                last_id = max(ids) if last_id is None else max(last_id, *ids)
            if len(rows) >= per_page:
                start += len(rows) - overlap
                await ahead.ask({**base, "offset": start})
                yield Reply(fresh, total, None)
                continue
            yield Reply(fresh, total, None)
            return
    finally:
        await ahead.drop()


def _passed(rows: list[Any], ids: list[int], last_id: int) -> bool:
    """Whether this page starts after the last id seen: rows may have been skipped."""
    return not rows or (bool(ids) and min(ids) > last_id)
