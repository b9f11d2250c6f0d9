"""Limits that keep one person from faking a crowd or guessing codes, on sockets and HTTP.

Each command spends from its connection's bucket and, once the connection is an
attendee's, from that attendee's too (their tabs share it). A connection is bound to
one attendee: a fresh device id on it is refused, so a loop of joins on one socket
makes one attendee, not thousands. New attendees, new workshops and join codes looked
up in vain are limited per client address, at rates a real room never reaches.
Limits are per process; a deployment of several processes multiplies them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .client_address import client_address, trusted_networks
from .errors import RateLimited
from .ratelimit import Buckets

TOO_MANY_JOINS = "Too many people have just joined from this network: wait a minute and try again."
TOO_MANY_WORKSHOPS = (
    "Too many workshops were just made from this network: wait a minute and try again."
)
TOO_MANY_CODES = (
    "Too many join codes that are not a workshop's were tried from this network: "
    "wait a minute, then type the code shown on the screen."
)


class Guard:
    """The per-connection, per-attendee and per-address buckets of one process."""

    def __init__(self, settings: Mapping[str, Any], clock: Callable[[], float] | None = None):
        extra = {"clock": clock} if clock is not None else {}
        burst, rate = int(settings["RATE_BURST"]), float(settings["RATE_PER_SECOND"])
        self.connections = Buckets(burst, rate, **extra)
        self.attendees = Buckets(burst, rate, **extra)
        self.joins = Buckets(
            int(settings["JOIN_BURST"]), float(settings["JOIN_PER_SECOND"]), **extra
        )
        self.creations = Buckets(
            int(settings["CREATE_BURST"]), float(settings["CREATE_PER_SECOND"]), **extra
        )
        self.misses = Buckets(
            int(settings["LOOKUP_BURST"]), float(settings["LOOKUP_PER_SECOND"]), **extra
        )
        self.trusted = trusted_networks(settings.get("TRUSTED_PROXIES"))

    def address(self, environ: Mapping[str, Any]) -> str:
        """Return the client address of a request or a connection's handshake."""
        return client_address(environ, self.trusted)

    def command(self, sid: str, attendee: str | None) -> None:
        """Spend one command of the connection and of its attendee, or refuse."""
        self.connections.take(sid)
        if attendee is not None:
            self.attendees.take(attendee)

    def closed(self, sid: str) -> None:
        """Forget a connection's bucket (an attendee's stays: reconnecting buys nothing)."""
        self.connections.forget(sid)

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
