"""Socket handlers of the console's room panel: lock, expected head count, take someone out."""

from __future__ import annotations

from typing import Any

from workshop.domain import validation as valid
from workshop.live.bindings import Binding, personal_room
from workshop.live.edge import Edge
from workshop.usecases import UseCases

MAX_EXPECTED = 5000
Command = Any  # (binding, data) -> ack


class RoomHandlers:
    """Validate a room command's payload, run its use case, answer with an ack."""

    def __init__(self, edge: Edge, app: UseCases) -> None:
        self.edge = edge
        self.app = app

    def commands(self) -> dict[str, Command]:
        """Nothing here for attendees."""
        return {}

    def facilitator_commands(self) -> dict[str, Command]:
        """The facilitator's commands this module answers, by event name."""
        return {
            "lock_room": self.lock_room,
            "set_expected": self.set_expected,
            "remove_attendee": self.remove_attendee,
        }

    def lock_room(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Stop new people joining (rejoining devices still get in), or open the room again."""
        locked = valid.boolean(data.get("locked"), "locked")
        return self.edge.answer(self.app.room.lock_room(f.code, locked))

    def set_expected(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Set the head count the console warns about when more people join than that."""
        expected = data.get("expected")
        if expected is not None:
            expected = valid.integer(expected, "number of people expected", 1, MAX_EXPECTED)
        return self.edge.answer(self.app.room.expect(f.code, expected))

    def remove_attendee(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Take an attendee out (their proposals hidden, votes withdrawn), or bring them back."""
        participant_id = valid.proposal_id(data.get("participant_id"), "participant_id", "attendee")
        removed = valid.boolean(data.get("removed", True), "removed")
        ack = self.edge.answer(self.app.room.remove_attendee(f.code, participant_id, removed))
        if removed:  # every tab of theirs, at once
            self.edge.hang_up(personal_room(f.code, participant_id))
        return ack
