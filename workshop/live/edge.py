"""What every socket handler shares: who is on each connection, its flood allowance, and the
coalescing broadcaster that sends each workshop's changes to its rooms.

Each workshop has a room for its phones, one for its screens, one for its
facilitators, and one per attendee (all of that attendee's tabs).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from flask_socketio import SocketIO

from workshop.domain.errors import N_, Forbidden, NotFound, WorkshopError
from workshop.domain.flood import Guard, TokenBucket
from workshop.live.bindings import Attendee, Binding, personal_room, room
from workshop.live.broadcaster import Broadcaster
from workshop.live.deltas import DELTAS, SNAPSHOTS, DeltaSender, half
from workshop.usecases.audiences import Audiences
from workshop.usecases.events import (
    MY_STATE_CHANGED,
    Answer,
    Event,
    PersonalChanged,
    WorkshopClosed,
)

log = logging.getLogger(__name__)


# The connection a handler is serving. Handlers are registered on python-socketio
# directly (live/server.py), without Flask-SocketIO's per-event request context: opening
# the cookie session and matching a URL for every vote cost about a tenth of the
# server's time at 2,000 phones, and no handler reads either. Each event runs in a green
# thread (or thread) of its own; a handler that disconnects another connection runs
# that connection's disconnect handler inside its own, which sets its own sid.
_SERVING: ContextVar[str | None] = ContextVar("workshop_serving_sid", default=None)


@contextmanager
def serving(sid: str) -> Iterator[None]:
    """Run a handler as the connection sid's."""
    token = _SERVING.set(sid)
    try:
        yield
    finally:
        _SERVING.reset(token)


def current_sid() -> str:
    """Return the Socket.IO session id of the connection being served."""
    sid = _SERVING.get()
    if sid is None:
        raise RuntimeError("current_sid() outside a socket handler (see edge.serving)")
    return sid


NOT_JOINED = N_("Join the workshop first: scan the code on the screen or type it on the home page.")
NOT_FACILITATOR = N_(
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
        self.deltas = DeltaSender(self._emit, self._occupied, self.local_rooms_only)
        self.broadcaster = Broadcaster(socketio, audiences, settings, self.deltas)
        self.takes_deltas: set[str] = set()  # sids that announced "deltas": 1
        self.bindings: dict[str, Binding] = {}
        self.buckets: dict[str, TokenBucket] = {}
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
        sid = current_sid()
        return self.addresses.get(sid) or self.guard.address(self._environ(sid))

    def remember_address(self, environ: dict[str, Any]) -> None:
        """Read the client address of a connection once, from its handshake."""
        self.addresses[current_sid()] = self.guard.address(environ)

    def _environ(self, sid: str) -> dict[str, Any]:
        """Return the WSGI environ of a connection's handshake (empty once it is gone)."""
        return self.socketio.server.get_environ(sid, namespace="/") or {}

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
        server = self.socketio.server
        if old is not None:
            server.leave_room(sid, room(old.code, old.role), namespace="/")
            for kind in (DELTAS, SNAPSHOTS):
                server.leave_room(sid, half(old.code, old.role, kind), namespace="/")
            if old.participant_id is not None:
                server.leave_room(sid, personal_room(old.code, old.participant_id), namespace="/")
        self.bindings[sid] = binding
        server.enter_room(sid, room(binding.code, binding.role), namespace="/")
        kind = DELTAS if sid in self.takes_deltas else SNAPSHOTS
        server.enter_room(sid, half(binding.code, binding.role, kind), namespace="/")
        if binding.participant_id is not None:
            server.enter_room(
                sid, personal_room(binding.code, binding.participant_id), namespace="/"
            )
        for hook in self.on_bound:
            hook(binding, sid)
        self.broadcaster.start()

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
        self.broadcaster.mark(events)
        if self.interval <= 0:
            self.flush()

    def answer(self, answer: Answer) -> dict[str, Any]:
        self.publish(answer.events)
        return answer.ack

    def own_vote(self, me: Attendee, answer: Answer) -> dict[str, Any]:
        """Answer a vote with the voter's new view, and tell their other tabs at once."""
        self.broadcaster.mark([e for e in answer.events if not isinstance(e, PersonalChanged)])
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

    def every_hour(self, job: Callable[[], object]) -> None:
        """Run job about once an hour on the broadcaster's task (retention, for example)."""
        self.broadcaster.every_hour(job)

    def flush_if_due(self) -> None:
        """Send what each lane owes if its interval has passed (see live/broadcaster.py)."""
        self.broadcaster.flush_if_due()

    def flush(self) -> None:
        """Send every pending broadcast now (tests, and a server with no interval)."""
        self.broadcaster.flush()

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
