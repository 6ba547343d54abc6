"""Keep secrets out of every log line, whoever writes it.

Two guards, applied when a log record is created (so every handler sees the clean text):
the values of query parameters and headers that carry credentials (``oauth_consumer_key=…``,
``consumer_secret=…``, ``token=…``, ``Authorization: …``), and every secret value the vault
has handled in this process, wherever it appears.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from typing import Any

MASK = "[redacted]"
_MIN_SECRET = 6  # shorter values would mask ordinary words

_SENSITIVE = re.compile(
    r"(?P<name>\b(?:oauth_consumer_key|oauth_signature|consumer_key|consumer_secret|"
    r"access_token|refresh_token|api_key|apikey|token|secret|password|passwd|key)"
    r"(?:%3D|=|:\s*|\"\s*:\s*\"|'\s*:\s*'))(?P<value>[^&\s'\",;]+)",
    re.IGNORECASE,
)
_AUTH_HEADER = re.compile(
    r"(?P<name>\b(?:authorization|x-shopify-access-token)['\"]?\s*[:=]\s*['\"]?)"
    r"(?:(?:basic|bearer|oauth)\s+)?[^\s'\",]+",
    re.IGNORECASE,
)
_URL_PASSWORD = re.compile(r"(?P<name>://[^/:@\s]+:)[^@/\s]+(?=@)")


class _Secrets:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._values: frozenset[str] = frozenset()

    def add(self, values: Iterable[str]) -> None:
        fresh = {v for v in values if isinstance(v, str) and len(v) >= _MIN_SECRET}
        if fresh - self._values:
            with self._lock:
                self._values = self._values | fresh

    @property
    def values(self) -> frozenset[str]:
        return self._values


KNOWN = _Secrets()


def remember(values: Iterable[str]) -> None:
    """Mask these values in every later log line of this process."""
    KNOWN.add(values)


def redact(text: str) -> str:
    for value in sorted(KNOWN.values, key=len, reverse=True):
        if value in text:
            text = text.replace(value, MASK)
    text = _SENSITIVE.sub(lambda m: m.group("name") + MASK, text)
    text = _AUTH_HEADER.sub(lambda m: m.group("name") + MASK, text)
    return _URL_PASSWORD.sub(lambda m: m.group("name") + MASK, text)


_installed = False


def install() -> None:
    """Redact every log record from now on (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a broken format string is the logging module's to report
            return record
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return record

    logging.setLogRecordFactory(factory)
