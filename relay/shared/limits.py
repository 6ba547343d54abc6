"""Request rate limits kept in Redis, so that N relays together allow what one would.

The same token buckets as ``relay.state.TokenBuckets`` (``per_minute`` refill, ``burst``
capacity), kept as a Redis hash per key and spent by one Lua script: atomic, timed by the
Redis server's clock, so relays with drifting clocks still agree. Keys are keyed hashes of
the address or conversation (no address is stored in Redis) and expire once full again.
While Redis is away a relay spends from its own buckets instead.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from typing import TYPE_CHECKING, Any

from relay.state import TokenBuckets

if TYPE_CHECKING:
    from relay.shared.link import RedisLink

TAKE = """
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = (1 - tokens) / rate end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
return tostring(wait)
"""


class SharedBuckets:
    """``take(key)`` like ``TokenBuckets.take``, spent in Redis while it answers."""

    def __init__(self, name: str, local: TokenBuckets, link: RedisLink, secret: bytes) -> None:
        self.name = name
        self.local = local
        self.enabled = local.enabled
        self._link = link
        self._secret = secret
        self._script: Any = None

    def _key(self, key: str) -> str:
        digest = hmac.new(self._secret, f"{self.name}:{key}".encode(), hashlib.sha256)
        return f"{self._link.prefix}rate:{self.name}:{digest.hexdigest()[:32]}"

    async def take(self, key: str) -> float:
        if not self.enabled:
            return 0.0
        if not self._link.healthy:
            return self.local.take(key)
        if self._script is None:
            self._script = self._link.client.register_script(TAKE)
        try:
            wait = await self._script(
                keys=[self._key(key)], args=[self.local.rate, self.local.burst]
            )
        except Exception as exc:  # redis.RedisError, OSError, timeouts
            self._link.down(exc)
            return self.local.take(key)
        seconds = float(wait)
        return seconds if math.isfinite(seconds) else 60.0
