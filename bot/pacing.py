"""Pacing requests to LINE's per-channel rate limits: a token bucket per channel and endpoint.

LINE applies its rate limits per channel and per endpoint, answers 429 above them, and cannot raise
them for a channel; it asks senders to pace with a token-bucket limiter set with some room below
the limit, because requests reach its platform at uneven times (LINE Developers, Messaging API
reference, "Rate limits", https://developers.line.biz/en/reference/messaging-api/#rate-limits, and
"Best practices for preventing HTTP status code 429 errors",
https://developers.line.biz/en/docs/messaging-api/preventing-http-429-errors/).

A bucket is pure arithmetic on the times it is given (tests pass their own clock, nothing sleeps);
Pacer puts one bucket per channel and sleeps the time a bucket asks for.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

# Requests per second per channel, as LINE publishes them (reference above, 2026).
PUSH_LIMIT = 2000
MULTICAST_LIMIT = 200
# The share of the limit we aim at: the room LINE asks for, as requests reach it at uneven times.
# 3 % is 60 requests a second: a second's requests may arrive 30 ms bunched up and still be within the
# limit. It holds because the pacer is the last wait before the wire (bot/bulk.py takes a connection
# first), so nothing that was paced leaves later all at once.
HEADROOM = 0.97
BURST = 10  # requests that may leave together after a pause


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up. Each request reserves a token and is told
    how long to wait for it, so many concurrent requests leave evenly spaced, in order."""

    def __init__(self, rate: float, burst: float = BURST) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._at: float | None = None

    def _refill(self, now: float) -> None:
        if self._at is not None and now > self._at:
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        if self._at is None or now > self._at:
            self._at = now

    def reserve(self, now: float, count: int = 1) -> float:
        """Take `count` tokens; the seconds to wait before using the last of them (0: go now)."""
        self._refill(now)
        self._tokens -= count
        return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def pause(self, now: float, seconds: float) -> None:
        """LINE said 429: requests reserved from now on wait at least `seconds` (many 429s answered
        at once pause the channel once, not once each)."""
        self._refill(now)
        self._tokens = min(self._tokens, -seconds * self.rate)


class Pacer:
    """One bucket per channel (LINE's limits are per channel); `wait` before each request."""

    def __init__(self, *, rate: float = PUSH_LIMIT * HEADROOM, burst: float = BURST,
                 monotonic: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[object]] = asyncio.sleep) -> None:
        self.rate = rate
        self._burst = burst
        self._monotonic = monotonic
        self._sleep = sleep
        self._buckets: dict[str, TokenBucket] = {}

    def bucket(self, channel: str) -> TokenBucket:
        found = self._buckets.get(channel)
        if found is None:
            found = self._buckets[channel] = TokenBucket(self.rate, self._burst)
        return found

    async def wait(self, channel: str, count: int = 1) -> None:
        """Until `count` requests may go (a few at a time: one timer for several requests)."""
        if count < 1:
            return
        delay = self.bucket(channel).reserve(self._monotonic(), count)
        if delay > 0:
            await self._sleep(delay)

    def rate_limited(self, channel: str, seconds: float = 1.0) -> None:
        self.bucket(channel).pause(self._monotonic(), seconds)
