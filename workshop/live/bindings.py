"""Who is on the other end of a connection, and the rooms a workshop's clients share."""

from __future__ import annotations

from dataclasses import dataclass

AUDIENCE_ROOMS = {"phone": "phones", "screen": "screens", "facilitator": "facilitators"}


def room(code: str, audience: str) -> str:
    """Return the room of one audience of a workshop."""
    return f"{code}:{AUDIENCE_ROOMS[audience]}"


def personal_room(code: str, participant_id: int) -> str:
    """Return the room shared by all the tabs of one attendee."""
    return f"{code}:p:{participant_id}"


@dataclass
class Binding:
    """Who is on the other end of one connection."""

    code: str
    role: str  # phone | screen | facilitator
    participant_id: int | None = None


@dataclass(frozen=True)
class Attendee:
    """A connection bound to one attendee of one workshop."""

    code: str
    participant_id: int
