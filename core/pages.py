"""The shop pages a widget runs on: a page's origin and address as a browser reports them
(``Origin`` and ``Referer`` headers, the widget's ``page_url``), checked and cleaned.

Only the scheme, host, port and path are kept: query strings and fragments may carry a
shopper's search terms, tokens or e-mail address, and user names have no place in a page's
address. Anything that is not a plain http(s) address (``null`` origins of sandboxed
frames, ``file:``, browser extensions, control characters, absurd lengths) is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.widgets import WidgetError, normalise_origin

MAX_URL = 2000
"""Longer header values are not pages anyone meant to report."""
MAX_PATH = 1000
"""A longer path is dropped (the origin is still recorded)."""
_PRINTABLE = re.compile(r"^[\x21-\x7e]+$")
_LABEL = r"[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?"
_HOST = re.compile(rf"^{_LABEL}(\.{_LABEL})*\.?$|^\[[0-9a-f:.]+\]$")


@dataclass(frozen=True, slots=True)
class PageSeen:
    """Where a widget was loaded: ``path`` is ``""`` when the browser did not say which page."""

    origin: str
    path: str = ""

    @property
    def url(self) -> str | None:
        return self.origin + self.path if self.path else None


def page_origin(text: str | None) -> str | None:
    """An ``Origin`` header as ``https://shop.example.com`` (default port dropped, host in
    lower case); ``None`` when absent or not a plain http(s) origin."""
    parts = _split(text)
    if parts is None or parts[1] not in ("", "/"):
        return None
    return parts[0]


def clean_page_url(text: str | None) -> str | None:
    """A page address without its query string, fragment and user name; ``None`` when it is
    not a plain http(s) address."""
    page = _page(text)
    return page.url if page is not None else None


def page_seen(origin: str | None, referer: str | None) -> PageSeen | None:
    """The page a request came from: the origin from ``Origin`` (or, where a browser sends
    none, as on a same-origin request, from ``Referer``); the path from ``Referer`` when it
    names a page of that same origin. ``None`` when neither header is usable."""
    from_referer = _page(referer)
    found = page_origin(origin)
    if found is None and origin is not None and origin.strip():
        return None  # an Origin header that is garbage: do not trust the Referer beside it
    if found is None:
        return from_referer
    if from_referer is not None and from_referer.origin == found:
        return from_referer
    return PageSeen(found)


def _page(text: str | None) -> PageSeen | None:
    parts = _split(text)
    if parts is None:
        return None
    origin, path = parts
    if len(path) > MAX_PATH:
        return PageSeen(origin)
    return PageSeen(origin, path or "/")


def _split(text: str | None) -> tuple[str, str] | None:
    """``(origin, path)`` of an http(s) address, or ``None``."""
    if text is None:
        return None
    text = text.strip()
    if not text or len(text) > MAX_URL or not _PRINTABLE.match(text):
        return None
    try:
        parts = urlsplit(text)
        if parts.username is not None or parts.password is not None:
            return None
        host = parts.hostname
        origin = normalise_origin(f"{parts.scheme}://{parts.netloc}")
    except (ValueError, WidgetError):
        return None
    if not host or not _HOST.match(host if ":" not in host else f"[{host}]"):
        return None
    return origin, parts.path
