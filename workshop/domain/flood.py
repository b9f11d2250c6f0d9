"""Flood control: token buckets per connection, per attendee and per client address.

Each command spends from its connection's bucket and, once the connection is an
attendee's, from that attendee's too (their tabs share it). A connection is bound to
one attendee: a fresh device id on it is refused, so a loop of joins on one socket
makes one attendee, not thousands. New attendees, new workshops and join codes looked
up in vain are limited per client address, at rates a real room never reaches.
Limits are per process; a deployment of several processes multiplies them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from typing import Any

from workshop.domain.client_address import client_address, trusted_networks
from workshop.domain.errors import N_, RateLimited

TOO_FAST = N_("You are sending too fast: wait a moment and try again.")


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


# Commands refused in a row for speed after which a connection is closed: far more than
# a person tapping on a slow phone could send, few enough to stop a script quickly.
FLOOD_STRIKES = 100
TOO_MANY_JOINS = N_(
    "Too many people have just joined from this network: wait a minute and try again."
)
TOO_MANY_WORKSHOPS = N_(
    "Too many workshops were just made from this network: wait a minute and try again."
)
TOO_MANY_CODES = N_(
    "Too many join codes that are not a workshop's were tried from this network: "
    "wait a minute, then type the code shown on the screen."
)


class Guard:
    """The per-connection, per-attendee and per-address buckets of one process."""

    def __init__(
        self, settings: Mapping[str, Any], clock: Callable[[], float] = time.monotonic
    ) -> None:
        def buckets(burst: str, per_second: str) -> Buckets:
            return Buckets(int(settings[burst]), float(settings[per_second]), clock)

        self.connections = buckets("RATE_BURST", "RATE_PER_SECOND")
        self.attendees = buckets("RATE_BURST", "RATE_PER_SECOND")
        self.joins = buckets("JOIN_BURST", "JOIN_PER_SECOND")
        self.creations = buckets("CREATE_BURST", "CREATE_PER_SECOND")
        self.misses = buckets("LOOKUP_BURST", "LOOKUP_PER_SECOND")
        self.trusted = trusted_networks(settings.get("TRUSTED_PROXIES"))
        self.strikes: dict[str, int] = {}  # sid -> commands refused in a row for speed

    def address(self, environ: Mapping[str, Any]) -> str:
        """Return the client address of a request or a connection's handshake."""
        return client_address(environ, self.trusted)

    def command(self, sid: str, attendee: str | None) -> None:
        """Spend one command of the connection and of its attendee, or refuse."""
        try:
            self.connections.take(sid)
            if attendee is not None:
                self.attendees.take(attendee)
        except RateLimited:
            self.strikes[sid] = self.strikes.get(sid, 0) + 1
            raise
        self.strikes.pop(sid, None)

    def flooding(self, sid: str) -> bool:
        """Say whether a connection keeps sending after being told to wait.

        A phone told "too fast" waits; a script does not. Answering each of its
        refused commands still costs the server a turn, so such a connection is closed.
        """
        return self.strikes.get(sid, 0) >= FLOOD_STRIKES

    def closed(self, sid: str) -> None:
        """Forget a connection's bucket (an attendee's stays: reconnecting buys nothing)."""
        self.connections.forget(sid)
        self.strikes.pop(sid, None)

    def new_attendee(self, address: str) -> None:
        """Spend one join of a new attendee from this address, or refuse."""
        self.joins.take(address, TOO_MANY_JOINS)

    def new_workshop(self, address: str) -> None:
        """Spend one workshop creation from this address, or refuse."""
        self.creations.take(address, TOO_MANY_WORKSHOPS)

    def may_look_up(self, address: str) -> None:
        """Refuse a code lookup from an address that has guessed too often lately."""
        if not self.misses.get(address).has_token():
            raise RateLimited(TOO_MANY_CODES)

    def missed(self, address: str) -> None:
        """Count a lookup of a code that is not a workshop's."""
        self.misses.get(address).spend()
