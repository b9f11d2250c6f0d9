"""Who may come into a room: removed attendees and, while it is locked, newcomers stay out."""

from __future__ import annotations

from .domain.model import Participant, Workshop
from .errors import Forbidden
from .room_queries import joined_since, newest_people, removed_people, settings_of
from .store import Tx

REMOVED = (
    "The facilitator has taken this phone out of the workshop: "
    "talk to them if you think this is a mistake."
)
LOCKED = (
    "This workshop is not taking new people now: ask the facilitator to open it, "
    "or rejoin from the phone you joined with."
)


def require_present(participant: Participant) -> Participant:
    """Return the attendee unless the facilitator removed them."""
    if participant.removed:
        raise Forbidden(REMOVED)
    return participant


def require_open(tx: Tx, workshop: Workshop) -> None:
    """Refuse a new attendee while the facilitator has locked the room."""
    if settings_of(tx.conn, workshop.id).locked:
        raise Forbidden(LOCKED)


MINUTE_MS = 60_000
# Without a head count, joins this fast are worth a word (a QR rush is about this fast).
FAST_JOINS_PER_MINUTE = 60
NEWEST_SHOWN = 8


def join_alert(joined: int, expected: int | None, last_minute: int) -> str | None:
    """Return the console's warning when joins outrun what the facilitator expects."""
    if expected is not None and joined > expected:
        return (
            f"{joined} people have joined, more than the {expected} you expect: "
            "lock the room, and take out anyone who should not be here."
        )
    if expected is None and last_minute > FAST_JOINS_PER_MINUTE:
        return (
            f"{last_minute} people joined in the last minute: set how many you expect, "
            "to be warned when more join than that."
        )
    return None


def room_view(tx: Tx, workshop: Workshop, joined: int, now_ms: int) -> dict[str, object]:
    """Return the console's room panel: lock, head count, join rate, alert, removals."""
    settings = settings_of(tx.conn, workshop.id)
    last_minute = joined_since(tx.conn, workshop.id, now_ms - MINUTE_MS)
    return {
        "locked": settings.locked,
        "expected": settings.expected,
        "joined_last_minute": last_minute,
        "alert": join_alert(joined, settings.expected, last_minute),
        "newest": newest_people(tx.conn, workshop.id, NEWEST_SHOWN),
        "removed": removed_people(tx.conn, workshop.id),
    }
