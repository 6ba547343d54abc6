"""Whether someone from the shop's team is connected to the relay right now.

A console is connected while it holds a live stream (``hold``), and for ``window`` seconds
after each signed request it makes (``seen``): the console asks for the relay's status every
30 seconds while its window is open, and pulls events and sends replies through signed
requests too. The widget shows "Online", and the bot says the team knows about a request
for a person, only while this (or the widget's business hours) says so.

Kept in memory per relay process, like the live streams it stands beside.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

WINDOW = 90.0
"""Seconds a console counts as connected after its last signed request (three status polls)."""


class Presence:
    def __init__(self, now: Callable[[], datetime], *, window: float = WINDOW) -> None:
        self._now = now
        self._window = timedelta(seconds=window)
        self._last: datetime | None = None
        self._held = 0

    def seen(self) -> None:
        """A console (or an agent through it) just made a signed request."""
        self._last = self._now()

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Connected for as long as the block runs (a console's live stream)."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1

    def connected(self) -> bool:
        if self._held > 0:
            return True
        return self._last is not None and self._now() - self._last <= self._window
