"""Whether someone from the shop's team is connected to the relay right now.

A console is connected while it holds a live stream (``hold``), and for ``window`` seconds
after each signed request it makes (``seen``): the console asks for the relay's status every
30 seconds while its window is open, and pulls events and sends replies through signed
requests too. The widget shows "Online", and the bot says the team knows about a request
for a person, only while this (or the widget's business hours) says so.

Kept in memory per relay process. Several relays share it through ``relay.shared``: each
announces its own (``announce``) and records the others' (``seen_elsewhere``,
``held_elsewhere``); a relay's held streams count until ``until`` (it re-announces them).
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
        self._elsewhere: dict[str, datetime] = {}  # relay → its streams count until then
        self.announce: Callable[[str], None] | None = None  # "seen" or "held", to share

    @property
    def last_seen(self) -> datetime | None:
        return self._last

    @property
    def held(self) -> int:
        return self._held

    def seen(self) -> None:
        """A console (or an agent through it) just made a signed request."""
        self._last = self._now()
        if self.announce is not None:
            self.announce("seen")

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Connected for as long as the block runs (a console's live stream)."""
        self._held += 1
        if self._held == 1 and self.announce is not None:
            self.announce("held")
        try:
            yield
        finally:
            self._held -= 1
            if self._held == 0 and self.announce is not None:
                self.announce("held")

    def seen_elsewhere(self, at: datetime) -> None:
        """Another relay saw a console at ``at``."""
        if self._last is None or at > self._last:
            self._last = min(at, self._now())

    def held_elsewhere(self, relay: str, until: datetime | None) -> None:
        """Another relay holds a console stream until ``until`` (``None``: no longer)."""
        if until is None:
            self._elsewhere.pop(relay, None)
        else:
            self._elsewhere[relay] = until

    def connected(self) -> bool:
        if self._held > 0:
            return True
        now = self._now()
        if self._last is not None and now - self._last <= self._window:
            return True
        return any(until >= now for until in self._elsewhere.values())
