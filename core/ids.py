"""Identifiers made by Storedesk itself: sortable by time, unique, URL-safe (not secrets).

``new_id("m")`` gives ``m_019aa5…``: a 48-bit millisecond timestamp and 80 random bits as
32 hex digits, so ids of one process sort in creation order.
"""

from __future__ import annotations

import os
import random
import secrets
import threading
import time

_RANDOM_MASK = (1 << 80) - 1
_lock = threading.Lock()
_last = (0, 0)
# Ids are not secrets (bearer tokens guard access), so a fast generator seeded from the OS
# does; a forked child re-seeds so parent and child never share a sequence.
_random = random.Random(secrets.randbits(128))
os.register_at_fork(after_in_child=lambda: _random.seed(secrets.randbits(128)))


def new_id(prefix: str) -> str:
    """A new id; later calls in this process always sort after earlier ones."""
    global _last
    with _lock:
        millis = time.time_ns() // 1_000_000
        last_millis, last_random = _last
        if millis <= last_millis:
            millis, rand = last_millis, last_random + 1
        else:
            rand = _random.getrandbits(80)
        _last = (millis, rand)
    return f"{prefix}_{(millis << 80) | (rand & _RANDOM_MASK):032x}"


def new_token() -> str:
    """A random 256-bit bearer token, URL-safe."""
    return secrets.token_urlsafe(32)
