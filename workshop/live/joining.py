"""Socket handlers of joining: phones, projectors and consoles bind here, within limits.

A mixin of Realtime: it relies on its service, guard, addresses, _binding, _bind and
publish. One connection binds to one attendee; new attendees and unknown codes are
limited per client address (domain.flood); a replaced token evicts its consoles.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import request
from flask_socketio import SocketIO

from workshop.domain import validation as valid
from workshop.domain.errors import Conflict, Forbidden, NotFound, WorkshopError
from workshop.domain.flood import Guard
from workshop.live.bindings import Binding, room
from workshop.usecases.events import Event
from workshop.usecases.workshops import WorkshopService

ONE_ATTENDEE_PER_CONNECTION = (
    "This connection already belongs to another attendee: reload the page to join again."
)


class JoinHandlers:
    """Bind connections to a workshop as an attendee, a projector or a facilitator."""

    socketio: SocketIO
    service: WorkshopService
    guard: Guard
    addresses: dict[str, str]
    bindings: dict[str, Binding]
    _binding: Callable[[], Binding | None]
    _bind: Callable[[Binding], None]
    publish: Callable[[list[Event]], None]

    def _address(self) -> str:
        sid = request.sid  # type: ignore[attr-defined]
        return self.addresses.get(sid) or self.guard.address(request.environ)

    def _lookup(self, code_value: Any) -> str:
        """Return a valid code, refusing an address that keeps trying unknown ones."""
        code = valid.code(code_value)
        self.guard.may_look_up(self._address())
        return code

    def _missed(self, error: WorkshopError) -> None:
        if isinstance(error, NotFound):
            self.guard.missed(self._address())

    def join_workshop(self, data: dict[str, Any]) -> dict[str, Any]:
        """A phone joins (or rejoins, by device id); the ack carries its snapshot and `me`."""
        code = self._lookup(data.get("code"))
        device_id = valid.device_id(data.get("device_id"))
        name = valid.optional_label(data.get("name"), "name", valid.MAX_NAME_LENGTH)
        group = valid.optional_label(data.get("group"), "group", valid.MAX_GROUP_LENGTH)
        bound = self._binding()
        # One connection, one attendee: a loop of fresh device ids on one socket must not
        # make a crowd. Rejoining as the same device (every reconnection) is welcome.
        switching = (
            bound is not None
            and bound.participant_id is not None
            and (bound.code, bound.device_id) != (code, device_id)
        )
        if switching and device_id and self.service.find_participant(code, device_id):
            raise Conflict(ONE_ATTENDEE_PER_CONNECTION)
        address = self._address()

        def admit() -> None:  # asked only before a new attendee is seated
            if switching:
                raise Conflict(ONE_ATTENDEE_PER_CONNECTION)
            self.guard.new_attendee(address)

        try:
            joined, events = self.service.join(code, device_id, name, group, admit=admit)
        except WorkshopError as refusal:
            self._missed(refusal)
            raise
        self._bind(Binding(code, "phone", joined.participant_id, joined.device_id))
        self.publish(events)
        return {
            "ok": True,
            "participant_id": joined.participant_id,
            "device_id": joined.device_id,
            "state": joined.state,
            "me": joined.me,
        }

    def watch_workshop(self, data: dict[str, Any]) -> dict[str, Any]:
        """A projector subscribes read-only; the ack carries the screen snapshot."""
        code = self._lookup(data.get("code"))
        try:
            state = self.service.snapshot(code, "screen")
        except WorkshopError as refusal:
            self._missed(refusal)
            raise
        self._bind(Binding(code, "screen"))
        return {"ok": True, "state": state}

    def facilitate_workshop(self, data: dict[str, Any]) -> dict[str, Any]:
        """The facilitator proves the token once per connection; the ack carries everything."""
        code = valid.code(data.get("code"))
        token = data.get("token")
        if not isinstance(token, str) or not 0 < len(token) <= 200:
            raise Forbidden("Open the facilitator link you were given to steer this workshop.")
        self.service.check_facilitator(code, token)
        state = self.service.snapshot(code, "facilitator")
        self._bind(Binding(code, "facilitator", token=token))
        return {"ok": True, "state": state}

    def evict_facilitators(self, code: str) -> None:
        """Close every console connection of a workshop whose token was just replaced.

        Connections here are closed at once; closing the room reaches other processes
        through the message queue, and their next command is refused in any case.
        """
        consoles = room(code, "facilitator")
        for sid, _eio_sid in list(self.socketio.server.manager.get_participants("/", consoles)):
            self.bindings.pop(sid, None)
            self.socketio.server.disconnect(sid)
        self.socketio.close_room(consoles)
