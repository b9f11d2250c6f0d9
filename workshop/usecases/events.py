"""What changed, as small dataclasses the services return after a commit.

Services never talk to clients. They return these signals, and the real-time edge
turns them into the broadcasts named below (the wire contract in docs/protocol.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# The version of the wire contract in docs/protocol.md, in GET /healthz and every
# snapshot. Bump it on any breaking change (a field removed or renamed, a meaning or
# a refusal changed so that a client written for the old one goes wrong) and say why
# in CHANGELOG.md; additions that old clients can ignore keep it.
PROTOCOL_VERSION = 1

# Broadcast names (server to client), past tense.
STATE_CHANGED = "state_changed"
STATE_DELTA = "state_delta"  # to clients that announced "deltas": 1 (docs/protocol.md)
TALLY_CHANGED = "tally_changed"
ATTENDANCE_CHANGED = "attendance_changed"
MY_STATE_CHANGED = "my_state_changed"
PRIVATE_WORDS_CHANGED = "private_words_changed"
BROADCASTS = (
    STATE_CHANGED,
    STATE_DELTA,
    TALLY_CHANGED,
    ATTENDANCE_CHANGED,
    MY_STATE_CHANGED,
    PRIVATE_WORDS_CHANGED,
)


@dataclass(frozen=True)
class StateChanged:
    """The workshop's snapshot changed: every audience needs a fresh one."""

    workshop_id: int
    code: str


@dataclass(frozen=True)
class TallyChanged:
    """Votes were counted: screens (and phones once revealed) need the new totals."""

    workshop_id: int
    code: str


@dataclass(frozen=True)
class AttendanceChanged:
    """Someone joined or changed group: screens need the new head count."""

    workshop_id: int
    code: str


@dataclass(frozen=True)
class PersonalChanged:
    """These attendees' own dots or proposals changed: each needs a fresh `me`."""

    workshop_id: int
    code: str
    participant_ids: tuple[int, ...]


@dataclass(frozen=True)
class ConsoleChanged:
    """Only the facilitators' snapshot changed (the review queue): phones and walls owe nothing."""

    workshop_id: int
    code: str


@dataclass(frozen=True)
class WorkshopClosed:
    """The workshop closed: its plan is exported to the exports folder."""

    workshop_id: int
    code: str


Event = (
    StateChanged
    | TallyChanged
    | AttendanceChanged
    | PersonalChanged
    | ConsoleChanged
    | WorkshopClosed
)


@dataclass(frozen=True)
class Answer:
    """The ack for a command, and what changed because of it."""

    ack: dict[str, Any]
    events: list[Event]
    # The caller's own view after the change, read in the same transaction; never
    # stored with the ack, so a replayed request is answered with a fresh one.
    me: dict[str, Any] | None = None
