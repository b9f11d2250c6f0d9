"""Socket handlers of the console's room panel: lock, expected head count, take someone out.

A mixin of Realtime: it relies on its socketio, bindings, room_control and _answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_socketio import SocketIO

from workshop.domain import validation as valid
from workshop.live.bindings import Binding, personal_room
from workshop.usecases.room import RoomControl

MAX_EXPECTED = 5000


class RoomHandlers:
    """Validate a room command's payload, run its use case, answer with an ack."""

    socketio: SocketIO
    bindings: dict[str, Binding]
    room_control: RoomControl
    _answer: Callable[..., dict[str, Any]]

    def lock_room(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Stop new people joining (rejoining devices still get in), or open the room again."""
        locked = valid.boolean(data.get("locked"), "locked")
        return self._answer(self.room_control.lock_room(f.code, locked))

    def set_expected(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Set the head count the console warns about when more people join than that."""
        expected = data.get("expected")
        if expected is not None:
            expected = valid.integer(expected, "number of people expected", 1, MAX_EXPECTED)
        return self._answer(self.room_control.expect(f.code, expected))

    def remove_attendee(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Take an attendee out (their proposals hidden, votes withdrawn), or bring them back."""
        participant_id = valid.proposal_id(data.get("participant_id"), "participant_id", "attendee")
        removed = valid.boolean(data.get("removed", True), "removed")
        ack = self._answer(self.room_control.remove_attendee(f.code, participant_id, removed))
        if removed:
            self._disconnect_attendee(f.code, participant_id)
        return ack

    def _disconnect_attendee(self, code: str, participant_id: int) -> None:
        """Close every connection of a removed attendee in this process, and empty their room.

        With a message queue, closing the room reaches the other processes too; a tab
        held there is refused at its next command (the use cases check the removal).
        """
        personal = personal_room(code, participant_id)
        manager = self.socketio.server.manager
        for sid, _eio_sid in list(manager.get_participants("/", personal)):
            self.bindings.pop(sid, None)
            self.socketio.server.disconnect(sid)
        self.socketio.close_room(personal)
