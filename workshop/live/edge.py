"""What every socket handler shares: who is on each connection, its flood allowance, and the
coalescing broadcaster that sends each workshop's changes to its rooms.

Each workshop has a room for its phones, one for its screens, one for its
facilitators, and one per attendee (all of that attendee's tabs).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import request
from flask_socketio import SocketIO, join_room, leave_room

from workshop.domain.errors import Forbidden, NotFound, WorkshopError
from workshop.domain.flood import Guard, TokenBucket
from workshop.live.bindings import Attendee, Binding, personal_room, room
from workshop.live.coalescer import Coalescer, Dirty
from workshop.live.deltas import DELTAS, SNAPSHOTS, DeltaSender, half
from workshop.usecases.audiences import Audiences
from workshop.usecases.events import (
    ATTENDANCE_CHANGED,
    MY_STATE_CHANGED,
    TALLY_CHANGED,
    Answer,
    Event,
    PersonalChanged,
    WorkshopClosed,
)
from workshop.usecases.snapshots import head_count

log = logging.getLogger(__name__)


def current_sid() -> str:
    """Return the Socket.IO session id of the connection being served."""
    return str(request.sid)  # type: ignore[attr-defined]  # Flask-SocketIO adds it to the request


NOT_JOINED = "Join the workshop first: scan the code on the screen or type it on the home page."
NOT_FACILITATOR = (
    "Only the facilitator can do that: open the facilitator link to steer the workshop."
)


class Edge:
    """Connections, their bindings and buckets, and the broadcaster of one app."""

    def __init__(
        self,
        socketio: SocketIO,
        audiences: Audiences,
        settings: dict[str, Any],
        on_closed: Callable[[str], None] | None = None,
        guard: Guard | None = None,
    ) -> None:
        self.socketio = socketio
        self.guard = guard or Guard(settings)  # per connection, attendee and address
        self.addresses: dict[str, str] = {}  # sid -> client address, read at connect
        self.audiences = audiences
        self.on_closed = on_closed
        self.interval = float(settings["BROADCAST_INTERVAL"])
        self.local_rooms_only = not settings.get("MESSAGE_QUEUE")
        self.burst = int(settings["RATE_BURST"])
        self.per_second = float(settings["RATE_PER_SECOND"])
        self.facilitator_rate = (
            int(settings["RATE_FACILITATOR_BURST"]),
            float(settings["RATE_FACILITATOR_PER_SECOND"]),
        )
        self.coalescer = Coalescer()
        self.deltas = DeltaSender(self._emit, self._occupied, self.local_rooms_only)
        self.takes_deltas: set[str] = set()  # sids that announced "deltas": 1
        self.bindings: dict[str, Binding] = {}
        self.buckets: dict[str, TokenBucket] = {}
        self._ticker_started = False
        self._last_flush = time.monotonic()
        self._flushing = threading.Lock()
        self._hourly: list[Callable[[], object]] = []
        # Told of every binding, with its connection (live/care.py sends private words).
        self.on_bound: list[Callable[[Binding, str], None]] = []

    # -- connections -----------------------------------------------------------

    def bucket(self) -> TokenBucket:
        # An attendee's tabs and reconnections share one bucket: opening more
        # connections must not buy more commands.
        sid = current_sid()
        binding = self.bindings.get(sid)
        key, size = sid, (self.burst, self.per_second)
        if binding is not None and binding.participant_id is not None:
            key = f"{binding.code}:p:{binding.participant_id}"
        elif binding is not None and binding.role == "facilitator":
            # A person at the console works in bursts (ten hides in a row, a stack of
            # paper ballots typed in): the facilitator token already proves who it is.
            key, size = f"f:{sid}", self.facilitator_rate
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = TokenBucket(*size)
        return bucket

    def spend(self) -> None:
        """Spend one command of this connection's allowance, or refuse.

        A console has its own larger bucket. Anyone else spends from the connection's
        bucket and, once it is an attendee's, from the attendee's too: a fresh device
        id must not bring a fresh allowance, nor more connections more commands.
        """
        sid = current_sid()
        binding = self.bindings.get(sid)
        if binding is not None and binding.role == "facilitator":
            self.bucket().take()
            return
        attendee = None
        if binding is not None and binding.participant_id is not None:
            attendee = personal_room(binding.code, binding.participant_id)
        self.guard.command(sid, attendee)

    def address(self) -> str:
        """Return this connection's client address (read from its handshake)."""
        return self.addresses.get(current_sid()) or self.guard.address(request.environ)

    def remember_address(self) -> None:
        """Read the client address of a connection once, from its handshake."""
        self.addresses[current_sid()] = self.guard.address(request.environ)

    def look_up(self, code: str) -> str:
        """Return the code, refusing an address that has tried too many unknown ones."""
        self.guard.may_look_up(self.address())
        return code

    def missed(self, error: WorkshopError) -> None:
        """Count a lookup of a code that is not a workshop's against this address."""
        if isinstance(error, NotFound):
            self.guard.missed(self.address())

    def binding(self) -> Binding | None:
        return self.bindings.get(current_sid())

    def announce(self, data: Any) -> None:
        """Note that this connection applies `state_delta` (`"deltas": 1` in auth or a join)."""
        if isinstance(data, dict) and data.get("deltas") == 1:
            self.takes_deltas.add(current_sid())

    def bind(self, binding: Binding) -> None:
        sid = current_sid()
        old = self.bindings.get(sid)
        if old is not None:
            leave_room(room(old.code, old.role))
            for kind in (DELTAS, SNAPSHOTS):
                leave_room(half(old.code, old.role, kind))
            if old.participant_id is not None:
                leave_room(personal_room(old.code, old.participant_id))
        self.bindings[sid] = binding
        join_room(room(binding.code, binding.role))
        kind = DELTAS if sid in self.takes_deltas else SNAPSHOTS
        join_room(half(binding.code, binding.role, kind))
        if binding.participant_id is not None:
            join_room(personal_room(binding.code, binding.participant_id))
        for hook in self.on_bound:
            hook(binding, sid)
        self._start_ticker()

    def attendee(self) -> Attendee:
        """Return the attendee this connection is bound to, or refuse."""
        binding = self.binding()
        if binding is None or binding.role != "phone" or binding.participant_id is None:
            raise Forbidden(NOT_JOINED)
        return Attendee(binding.code, binding.participant_id)

    def facilitator(self) -> Binding:
        """Return this connection's facilitator binding, or refuse."""
        binding = self.binding()
        if binding is None or binding.role != "facilitator":
            raise Forbidden(NOT_FACILITATOR)
        return binding

    def publish(self, events: list[Event]) -> None:
        """Queue events for the next broadcast (or send them now when not coalescing)."""
        if not events:
            return
        for event in events:
            if isinstance(event, WorkshopClosed) and self.on_closed is not None:
                # Writing files is slow next to a vote: do it off the command's path.
                self.socketio.start_background_task(self._export_quietly, event.code)
        self.coalescer.mark(events)
        if self.interval <= 0:
            self.flush()

    def answer(self, answer: Answer) -> dict[str, Any]:
        self.publish(answer.events)
        return answer.ack

    def own_vote(self, me: Attendee, answer: Answer) -> dict[str, Any]:
        """Answer a vote with the voter's new view, and tell their other tabs at once."""
        self.coalescer.mark([e for e in answer.events if not isinstance(e, PersonalChanged)])
        # The voting tab learns its new dots from the ack; its other tabs from this emit.
        # A replayed request carries no view of its own: read a fresh one.
        mine = answer.me or self.audiences.me(me.code, me.participant_id)
        self._tell_other_tabs(personal_room(me.code, me.participant_id), MY_STATE_CHANGED, mine)
        if self.interval <= 0:
            self.flush()
        return {**answer.ack, "me": mine}

    def _tell_other_tabs(self, personal: str, event: str, data: dict[str, Any]) -> None:
        """Emit to the attendee's other connections; skip the emit when there are none.

        Most phones have one tab, so the emit usually reaches nobody, yet it cost about
        a twentieth of a vote. Only in one process (no message queue) can this process
        know: with a queue, another process may hold one of the attendee's tabs.
        """
        sid = current_sid()
        if self.local_rooms_only:
            manager = self.socketio.server.manager
            if all(other == sid for other, _ in manager.get_participants("/", personal)):
                return
        self.socketio.emit(event, data, to=personal, skip_sid=sid)

    def _export_quietly(self, code: str) -> None:
        if self.on_closed is None:
            return
        try:
            self.on_closed(code)
        except Exception:
            log.exception("exporting a closed workshop failed")

    # -- broadcasting ----------------------------------------------------------

    def _start_ticker(self) -> None:
        if self.interval > 0 and not self._ticker_started:
            self._ticker_started = True
            self.socketio.start_background_task(self._tick_forever)

    def every_hour(self, job: Callable[[], object]) -> None:
        """Run job about once an hour on the broadcaster's task (retention, for example)."""
        self._hourly.append(job)

    def _tick_forever(self) -> None:
        next_hourly = time.monotonic() + 3600
        while True:
            due = self._last_flush + self.interval - time.monotonic()
            # Idle, a command sends its own change at once (flush_if_due): the ticker
            # only owes the trailing edge of a busy spell, so a short nap will do.
            self.socketio.sleep(max(due, self.interval / 4, 0.005))
            self.flush_if_due()
            if time.monotonic() >= next_hourly:
                next_hourly += 3600
                try:
                    for job in self._hourly:
                        job()
                except Exception:  # keep ticking: one bad job must not silence the room
                    log.exception("an hourly job failed")

    def flush_if_due(self) -> None:
        """Flush if the interval has passed since the last broadcast, whoever calls first.

        The ticker calls this, and so does every command when it is done: a burst of
        commands all runs in one turn of the event loop, before the ticker's timer
        fires, so without this the wall heard nothing until the burst was over. Still
        at most one broadcast per interval. Only a flush that sends something restarts
        the interval, so in a quiet room the first change goes out the moment it is
        committed (the leading edge) instead of waiting for the next tick.
        """
        if time.monotonic() - self._last_flush < self.interval or not self.coalescer.pending():
            return
        if not self._flushing.acquire(blocking=False):
            return  # another task is flushing right now
        try:
            if time.monotonic() - self._last_flush < self.interval:
                return
            self._last_flush = time.monotonic()
            self.flush()
        except Exception:  # keep ticking: one bad flush must not silence the room
            log.exception("broadcast flush failed")
        finally:
            self._flushing.release()

    def flush(self) -> None:
        """Send each dirty workshop's broadcasts once, to the rooms allowed to see them."""
        for code, dirty in self.coalescer.take().items():
            try:
                self._flush_one(code, dirty)
            except WorkshopError:
                continue  # deleted since it was marked: nothing left to tell anyone
            except Exception:  # one workshop's failure must not silence the others
                log.exception("broadcasting a workshop's changes failed")

    def _flush_one(self, code: str, dirty: Dirty) -> None:
        """Send what one workshop owes; a tally or head count that changed always goes out.

        A snapshot carries the tally and head count too, yet clients wait on
        tally_changed and attendance_changed: when the state changed in the same tick,
        those are taken from the snapshots already read instead of being read again.
        """
        emit = self.socketio.emit
        tallies: dict[str, Any] = {}
        attendance: dict[str, Any] | None = None
        if dirty.state:
            states = self.audiences.snapshots(code)
            for audience, state in states.items():
                self.deltas.send(code, audience, state)
            tallies = {audience: state["tally"] for audience, state in states.items()}
            screen = states["screen"]
            attendance = head_count(screen["by_group"])
        elif dirty.console:  # the review queue: a snapshot for the console alone
            self.deltas.send(code, "facilitator", self.audiences.snapshot(code, "facilitator"))
        if dirty.tally:
            for audience, tally in (tallies or self.audiences.tally(code)).items():
                if tally is not None:  # phones hear nothing until results are revealed
                    emit(TALLY_CHANGED, tally, to=room(code, audience))
        if dirty.attendance:
            attendance = attendance or self.audiences.attendance(code)
            emit(ATTENDANCE_CHANGED, attendance, to=room(code, "screen"))
            emit(ATTENDANCE_CHANGED, attendance, to=room(code, "facilitator"))
        for participant_id in sorted(dirty.people):
            me = self.audiences.me(code, participant_id)
            emit(MY_STATE_CHANGED, me, to=personal_room(code, participant_id))

    def _emit(self, event: str, data: Any, to: str) -> None:
        self.socketio.emit(event, data, to=to)

    def _occupied(self, room_name: str) -> bool:
        """Say whether a room may hold a connection (with a queue, other processes' may)."""
        if not self.local_rooms_only:
            return True
        return any(True for _ in self.socketio.server.manager.get_participants("/", room_name))

    def forget(self, sid: str) -> None:
        """Forget a closed connection."""
        self.takes_deltas.discard(sid)
        self.bindings.pop(sid, None)
        self.buckets.pop(sid, None)
        self.buckets.pop(f"f:{sid}", None)
        self.addresses.pop(sid, None)
        self.guard.closed(sid)

    def hang_up(self, room_name: str) -> None:
        """Close every connection in a room in this process, and empty the room everywhere.

        With a message queue, closing the room reaches the other processes too; a
        connection held there is refused at its next command in any case.
        """
        manager = self.socketio.server.manager
        for sid, _eio_sid in list(manager.get_participants("/", room_name)):
            self.bindings.pop(sid, None)
            self.socketio.server.disconnect(sid)
        self.socketio.close_room(room_name)
