"""Collect what changed per workshop so broadcasts go out at most once per tick.

A vote only marks its workshop dirty; the broadcaster sends one tally to each room per
interval however many votes arrived. A broadcast per vote to every phone is O(N^2)
messages and is what brings comparable tools down at a few hundred attendees.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from workshop.usecases.events import (
    AttendanceChanged,
    Event,
    PersonalChanged,
    StateChanged,
    TallyChanged,
)


@dataclass
class Dirty:
    """What one workshop owes its clients at the next flush."""

    state: bool = False
    tally: bool = False
    attendance: bool = False
    people: set[int] = field(default_factory=set)


class Coalescer:
    """A thread-safe set of dirty flags per workshop code, taken whole at each flush."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._dirty: dict[str, Dirty] = {}

    def mark(self, events: list[Event]) -> None:
        """Record that these changes need broadcasting."""
        with self._lock:
            for event in events:
                dirty = self._dirty.setdefault(event.code, Dirty())
                if isinstance(event, StateChanged):
                    dirty.state = True
                elif isinstance(event, TallyChanged):
                    dirty.tally = True
                elif isinstance(event, AttendanceChanged):
                    dirty.attendance = True
                elif isinstance(event, PersonalChanged):
                    dirty.people.update(event.participant_ids)
                # WorkshopClosed is not a broadcast: the real-time edge handles it itself.

    def pending(self) -> bool:
        """Say whether anything waits to be broadcast."""
        return bool(self._dirty)

    def take(self) -> dict[str, Dirty]:
        """Return everything marked since the last take, and start afresh."""
        with self._lock:
            taken, self._dirty = self._dirty, {}
        return taken
