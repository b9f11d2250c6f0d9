"""Per-connection flood control: a token bucket, so one phone cannot swamp a room."""

from __future__ import annotations

import time
from collections.abc import Callable

from workshop.domain.errors import RateLimited


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

    def take(self) -> None:
        """Spend one token, or refuse if the bucket is empty."""
        now = self.clock()
        self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.per_second)
        self.updated = now
        if self.tokens < 1:
            raise RateLimited("You are sending too fast: wait a moment and try again.")
        self.tokens -= 1
