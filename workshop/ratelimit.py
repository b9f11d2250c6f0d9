"""Flood control: token buckets per connection, per attendee and per client address."""

from __future__ import annotations

import time
from collections.abc import Callable

from .errors import RateLimited

TOO_FAST = "You are sending too fast: wait a moment and try again."


class TokenBucket:
    """Allow a burst of commands, then a steady rate; refuse the rest with a sentence."""

    def __init__(
        self, burst: int, per_second: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst = burst
        self.per_second = per_second
        self.clock = clock
        self.tokens = float(burst)
        self.updated = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now

    def take(self, message: str = TOO_FAST) -> None:
        """Spend one token, or refuse if the bucket is empty."""
        self._refill()
        if self.tokens < 1:
            raise RateLimited(message)
        self.tokens -= 1

    def has_token(self) -> bool:
        """Say whether a take() would succeed now."""
        self._refill()
        return self.tokens >= 1

    def spend(self) -> None:
        """Spend a token if there is one, never refusing (counting what already happened)."""
        self._refill()
        self.tokens = max(0.0, self.tokens - 1)

    def full(self) -> bool:
        """Say whether the bucket has refilled completely (nothing to remember)."""
        self._refill()
        return self.tokens >= self.burst


class Buckets:
    """One token bucket per key (an address, an attendee), forgetting the idle ones."""

    def __init__(
        self,
        burst: int,
        per_second: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = 20_000,
    ) -> None:
        self.burst = burst
        self.per_second = per_second
        self.clock = clock
        self.max_keys = max_keys
        self.buckets: dict[str, TokenBucket] = {}

    def get(self, key: str) -> TokenBucket:
        """Return the key's bucket, made full on first use."""
        bucket = self.buckets.get(key)
        if bucket is None:
            if len(self.buckets) >= self.max_keys:
                self._forget_idle()
            bucket = self.buckets[key] = TokenBucket(self.burst, self.per_second, self.clock)
        return bucket

    def take(self, key: str, message: str = TOO_FAST) -> None:
        """Spend one of the key's tokens, or refuse with the message."""
        self.get(key).take(message)

    def forget(self, key: str) -> None:
        """Drop a key's bucket (a connection that closed)."""
        self.buckets.pop(key, None)

    def _forget_idle(self) -> None:
        # A full bucket is the same as no bucket: dropping it forgets nothing. If every
        # bucket is busy (a flood from many addresses), drop the oldest half: memory
        # must stay bounded, and a flooder gains at most one fresh burst by it.
        self.buckets = {k: b for k, b in self.buckets.items() if not b.full()}
        if len(self.buckets) >= self.max_keys:
            keep = sorted(self.buckets.items(), key=lambda item: item[1].updated)
            self.buckets = dict(keep[len(keep) // 2 :])
