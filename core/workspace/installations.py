"""The pages a widget was loaded on, as the relay last reported them (its
``GET /v1/console/widgets/{key}/installations``), kept so the console can show them without
the relay, and judged against the widget's allowed origins."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select

from core.pages import clean_page_url, page_origin
from core.records import WidgetConfig
from core.serialize import parse_datetime
from core.widgets import origin_allowed
from core.workspace.database import Workspace
from core.workspace.models import Installation

MAX_PAGES = 1000
"""More than the relay keeps per widget; anything beyond is not from a relay of ours."""


@dataclass(frozen=True, slots=True)
class InstallationItem:
    origin: str
    url: str | None  # None: the browser did not say which page
    first_seen_at: datetime
    last_seen_at: datetime


def parse_installations(data: Any) -> list[InstallationItem]:
    """The relay's answer as records, checked one by one: an entry that is not a plain
    http(s) origin with its times is left out (the relay is trusted no more than needed)."""
    items = data.get("installations") if isinstance(data, Mapping) else None
    if not isinstance(items, list):
        raise ValueError("The relay's answer has no list of installations.")
    found: list[InstallationItem] = []
    for raw in items[:MAX_PAGES]:
        item = _item(raw)
        if item is not None:
            found.append(item)
    return found


def _item(raw: Any) -> InstallationItem | None:
    if not isinstance(raw, Mapping):
        return None
    origin = page_origin(raw.get("origin")) if isinstance(raw.get("origin"), str) else None
    url = clean_page_url(raw["url"]) if isinstance(raw.get("url"), str) else None
    first, last = (_moment(raw.get(name)) for name in ("first_seen_at", "last_seen_at"))
    if origin is None or first is None or last is None:
        return None
    if url is not None and not url.startswith(origin + "/"):
        url = None  # a page of another site is not this origin's page
    return InstallationItem(origin, url, first, last)


def _moment(value: Any) -> datetime | None:
    return parse_datetime(value) if isinstance(value, str) else None


def unexpected(config: WidgetConfig, item: InstallationItem) -> bool:
    """A page on an origin the widget's allowed origins do not admit (the widget refuses
    to chat there: the shop owner either allows it or finds out who copied the snippet)."""
    return not origin_allowed(config, item.origin)


def allowing(config: WidgetConfig, origin: str) -> list[str]:
    """The widget's allowed origins with ``origin`` added (for ``WidgetRepository.update``)."""
    return list(dict.fromkeys([*config.allowed_origins, origin]))


class InstallationRepository:
    def __init__(self, workspace: Workspace) -> None:
        self._workspace = workspace

    def list(self, widget_id: int) -> list[InstallationItem]:
        """Seen most recently first."""
        query = (
            select(Installation)
            .where(Installation.widget_id == widget_id)
            .order_by(Installation.last_seen_at.desc(), Installation.origin, Installation.url)
        )
        with self._workspace.session() as session:
            return [
                InstallationItem(row.origin, row.url, row.first_seen_at, row.last_seen_at)
                for row in session.scalars(query)
            ]

    def replace(self, widget_id: int, items: Sequence[InstallationItem]) -> None:
        """Keep what the relay reported now (it drops pages not seen for long; so does this)."""
        rows = [
            {
                "widget_id": widget_id,
                "origin": item.origin,
                "url": item.url,
                "first_seen_at": item.first_seen_at,
                "last_seen_at": item.last_seen_at,
            }
            for item in items
        ]
        with self._workspace.engine.begin() as connection:
            connection.execute(delete(Installation).where(Installation.widget_id == widget_id))
            if rows:
                connection.execute(insert(Installation), rows)
