"""Retries with exponential backoff and full jitter, for retryable errors only."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from connectors.errors import IntegrationError, RateLimitedError

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    base: float = 0.5
    cap: float = 10.0
    max_wait: float = 60.0  # a rate limit asking for longer than this is given up on
    sleep: Sleep = asyncio.sleep
    random: Callable[[], float] = field(default=random.random)

    def backoff(self, attempt: int) -> float:
        """Full jitter: uniform in [0, min(cap, base·2^attempt)]."""
        return float(self.random()) * min(self.cap, self.base * 2.0**attempt)


async def with_retry(call: Callable[[], Awaitable[T]], policy: RetryPolicy) -> T:
    """Run ``call``; on a retryable ``IntegrationError`` wait and try again."""
    attempt = 0
    while True:
        try:
            return await call()
        except IntegrationError as err:
            attempt += 1
            if not err.retryable or attempt >= policy.attempts:
                raise
            if isinstance(err, RateLimitedError):
                if err.wait > policy.max_wait:
                    raise
                wait = err.wait
            else:
                wait = policy.backoff(attempt)
            log.info("%s: %s; retrying in %.2fs", err.platform, err.code, wait)
            await policy.sleep(wait)
