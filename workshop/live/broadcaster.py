"""The coalescing broadcaster: each workshop's changes go to its rooms at most once per
interval, in two lanes with intervals of their own.

The wall's lane (screens and consoles: a handful of connections per workshop) has a
short interval (`SCREEN_BROADCAST_INTERVAL`, 20 ms), so the wall follows the room
closely; the phones' lane (hundreds of connections) keeps `BROADCAST_INTERVAL`
(100 ms), so a busy room does not multiply what every phone is sent. In both, the
first change after a quiet spell goes out at once (the leading edge).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask_socketio import SocketIO

from workshop.domain.errors import WorkshopError
from workshop.live.bindings import personal_room, room
from workshop.live.coalescer import Coalescer, Dirty
from workshop.live.deltas import DeltaSender
from workshop.usecases.audiences import Audiences
from workshop.usecases.events import (
    ATTENDANCE_CHANGED,
    MY_STATE_CHANGED,
    TALLY_CHANGED,
    AttendanceChanged,
    ConsoleChanged,
    Event,
    PersonalChanged,
)
from workshop.usecases.snapshots import head_count

log = logging.getLogger(__name__)

WALL = ("screen", "facilitator")
PHONES = ("phone",)


@dataclass
class Lane:
    """Some audiences, their interval, what they are owed and when they were last sent it."""

    audiences: tuple[str, ...]
    interval: float
    # Changes this lane sends nothing for: marking them would spend its leading edge.
    ignores: tuple[type, ...] = ()
    coalescer: Coalescer = field(default_factory=Coalescer)
    last: float = field(default_factory=time.monotonic)


class Broadcaster:
    """Marks changes in every lane and sends each lane's when its interval allows."""

    def __init__(
        self,
        socketio: SocketIO,
        audiences: Audiences,
        settings: dict[str, Any],
        deltas: DeltaSender,
    ) -> None:
        self.socketio = socketio
        self.audiences = audiences
        self.deltas = deltas
        phones = float(settings["BROADCAST_INTERVAL"])
        wall = float(settings.get("SCREEN_BROADCAST_INTERVAL", phones))
        # 0 for phones sends everything at once (tests): the wall cannot wait longer.
        self.lanes = [
            Lane(WALL, wall if phones > 0 else 0.0, (PersonalChanged,)),
            Lane(PHONES, phones, (AttendanceChanged, ConsoleChanged)),
        ]
        self.interval = phones
        self._ticker_started = False
        self._flushing = threading.Lock()
        self._hourly: list[Callable[[], object]] = []

    def mark(self, events: list[Event]) -> None:
        """Record changes that need broadcasting, in every lane."""
        for lane in self.lanes:
            lane.coalescer.mark([e for e in events if not isinstance(e, lane.ignores)])

    def start(self) -> None:
        """Start the ticker once (not when everything is sent at once)."""
        if self.interval > 0 and not self._ticker_started:
            self._ticker_started = True
            self.socketio.start_background_task(self._tick_forever)

    def every_hour(self, job: Callable[[], object]) -> None:
        """Run job about once an hour on the broadcaster's task (retention, for example)."""
        self._hourly.append(job)

    def _tick_forever(self) -> None:
        next_hourly = time.monotonic() + 3600
        shortest = min(lane.interval for lane in self.lanes if lane.interval > 0)
        while True:
            now = time.monotonic()
            due = min(lane.last + lane.interval - now for lane in self.lanes)
            # Idle, a command sends its own change at once (flush_if_due): the ticker
            # only owes the trailing edge of a busy spell, so a short nap will do.
            self.socketio.sleep(max(due, shortest / 4, 0.005))
            self.flush_if_due()
            if time.monotonic() >= next_hourly:
                next_hourly += 3600
                try:
                    for job in self._hourly:
                        job()
                except Exception:  # keep ticking: one bad job must not silence the room
                    log.exception("an hourly job failed")

    def flush_if_due(self) -> None:
        """Flush each lane whose interval has passed since its last broadcast.

        The ticker calls this, and so does every command when it is done: a burst of
        commands all runs in one turn of the event loop, before the ticker's timer
        fires, so without this the wall heard nothing until the burst was over. Still
        at most one broadcast per lane per interval. Only a flush that sends something
        restarts the interval, so in a quiet room the first change goes out the moment
        it is committed (the leading edge) instead of waiting for the next tick.
        """
        due = [
            lane
            for lane in self.lanes
            if time.monotonic() - lane.last >= lane.interval and lane.coalescer.pending()
        ]
        if not due or not self._flushing.acquire(blocking=False):
            return  # nothing owed, or another task is flushing right now
        try:
            for lane in due:
                lane.last = time.monotonic()
                self._flush_lane(lane)
        finally:
            self._flushing.release()

    def flush(self) -> None:
        """Send everything owed now, in every lane (tests, and a server with no interval)."""
        for lane in self.lanes:
            self._flush_lane(lane)

    def _flush_lane(self, lane: Lane) -> None:
        for code, dirty in lane.coalescer.take().items():
            try:
                self._flush_one(code, dirty, lane.audiences)
            except WorkshopError:
                continue  # deleted since it was marked: nothing left to tell anyone
            except Exception:  # one workshop's failure must not silence the others
                log.exception("broadcasting a workshop's changes failed")

    def _flush_one(self, code: str, dirty: Dirty, audiences: tuple[str, ...]) -> None:
        """Send what one workshop owes these audiences; a changed tally always goes out.

        A snapshot carries the tally and head count too, yet clients wait on
        tally_changed and attendance_changed: when the state changed in the same tick,
        those are taken from the snapshots already read instead of being read again.
        """
        emit = self.socketio.emit
        tallies: dict[str, Any] = {}
        attendance: dict[str, Any] | None = None
        if dirty.state:
            states = self.audiences.snapshots(code, audiences)
            for audience, state in states.items():
                self.deltas.send(code, audience, state)
            tallies = {audience: state["tally"] for audience, state in states.items()}
            if "screen" in states:
                attendance = head_count(states["screen"]["by_group"])
        elif dirty.console and "facilitator" in audiences:  # the review queue
            self.deltas.send(code, "facilitator", self.audiences.snapshot(code, "facilitator"))
        if dirty.tally:
            found = tallies or self.audiences.tally(code, phones_only=audiences == PHONES)
            for audience, tally in found.items():
                # Phones hear nothing until results are revealed.
                if audience in audiences and tally is not None:
                    emit(TALLY_CHANGED, tally, to=room(code, audience))
        if dirty.attendance and "screen" in audiences:
            attendance = attendance or self.audiences.attendance(code)
            emit(ATTENDANCE_CHANGED, attendance, to=room(code, "screen"))
            emit(ATTENDANCE_CHANGED, attendance, to=room(code, "facilitator"))
        if "phone" in audiences and dirty.people:
            views = self.audiences.views_of(code, sorted(dirty.people))
            for participant_id, me in views.items():
                emit(MY_STATE_CHANGED, me, to=personal_room(code, participant_id))
