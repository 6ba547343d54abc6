"""Addresses a shopper may be sent to from a card: https, or plain http to this computer
(a shop under development). Anything else — ``javascript:``, ``data:``, ``vbscript:``, an
address with spaces or control characters a browser would skip over, a relative path — is
dropped before it leaves the relay, whatever the store or the console sent."""

from __future__ import annotations

from urllib.parse import urlsplit

_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


def shopper_link(url: object) -> str | None:
    """``url`` when it is safe to offer as a link, else ``None``."""
    if not isinstance(url, str) or not url or len(url) > 2048:
        return None
    if any(ord(char) <= 0x20 or 0x7F <= ord(char) <= 0x9F for char in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if not host:
        return None
    if parts.scheme == "https" or (parts.scheme == "http" and host in _LOCAL_HOSTS):
        return url
    return None
