"""The facilitator's room controls: lock the room, expect a head count, take someone out.

Taking an attendee out hides their proposals, stops their votes and ballots counting
(the tally statements skip removed attendees, so nothing is deleted) and refuses their
device. Until the workshop closes it can be undone: the proposals it hid come back,
and so do the votes. While the room is locked nobody new may join; people who joined
before still rejoin from their phone.
"""

from __future__ import annotations

from workshop.domain.errors import N_, Forbidden, NotFound, WrongStage
from workshop.domain.model import Participant, Stage, Workshop
from workshop.store.engine import Tx
from workshop.store.room import RoomSettings
from workshop.usecases.core import Core
from workshop.usecases.events import Answer, AttendanceChanged, Event, TallyChanged
from workshop.usecases.facilitation import Facilitation, _close_rank_gaps

REMOVED = N_(
    "The facilitator has taken this phone out of the workshop: "
    "talk to them if you think this is a mistake."
)
LOCKED = N_(
    "This workshop is not taking new people now: ask the facilitator to open it, "
    "or rejoin from the phone you joined with."
)
NOT_AN_ATTENDEE = N_("That person is not an attendee of this workshop: refresh the console.")
CLOSED = N_(
    "The workshop is closed, so who took part is settled: open it again (Back) to change that."
)
MINUTE_MS = 60_000
# Without a head count, joins this fast are worth a word (a QR rush is about this fast).
FAST_JOINS_PER_MINUTE = 60
NEWEST_SHOWN = 8


def require_present(participant: Participant) -> Participant:
    """Return the attendee unless the facilitator removed them."""
    if participant.removed:
        raise Forbidden(REMOVED)
    return participant


def require_open(tx: Tx, workshop: Workshop) -> None:
    """Refuse a new attendee while the facilitator has locked the room."""
    if tx.room.settings_of(workshop.id).locked:
        raise Forbidden(LOCKED)


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
    settings = tx.room.settings_of(workshop.id)
    last_minute = tx.room.joined_since(workshop.id, now_ms - MINUTE_MS)
    return {
        "locked": settings.locked,
        "expected": settings.expected,
        "joined_last_minute": last_minute,
        "alert": join_alert(joined, settings.expected, last_minute),
        "newest": tx.room.newest_people(workshop.id, NEWEST_SHOWN),
        "removed": tx.room.removed_people(workshop.id),
    }


class RoomControl:
    """Use cases of the console's room panel, over the workshop service's store."""

    def __init__(self, core: Core, facilitation: Facilitation) -> None:
        self.core = core
        self.facilitation = facilitation  # hiding and unhiding work as the console's own

    def lock_room(self, code: str, locked: bool) -> Answer:
        """Stop (or allow again) new attendees joining; people who joined can still rejoin."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            now = tx.room.settings_of(workshop.id)
            tx.room.save_settings(workshop.id, RoomSettings(locked, now.expected))
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return []

        return self.core.facilitator_change(code, change)

    def expect(self, code: str, expected: int | None) -> Answer:
        """Set how many people the facilitator expects (None: no head count)."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            now = tx.room.settings_of(workshop.id)
            tx.room.save_settings(workshop.id, RoomSettings(now.locked, expected))
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return []

        return self.core.facilitator_change(code, change)

    def remove_attendee(self, code: str, participant_id: int, removed: bool) -> Answer:
        """Take an attendee out of the workshop (or bring them back) until it closes."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            seat = tx.room.removal_of(participant_id)
            if seat is None or seat.workshop_id != workshop.id:
                raise NotFound(NOT_AN_ATTENDEE)
            if workshop.stage is Stage.CLOSED:
                raise WrongStage(CLOSED)
            if removed == seat.removed:
                return []  # already so: a repeat changes nothing
            if removed:
                touched = self._take_out(tx, workshop, participant_id)
            else:
                touched = self._bring_back(tx, workshop, participant_id, seat.hid)
            tx.workshops.bump_version(workshop.id, self.core.clock())
            events: list[Event] = [
                TallyChanged(workshop.id, code),
                AttendanceChanged(workshop.id, code),
            ]
            return events + self.facilitation.touched_by(tx, workshop, touched)

        return self.core.facilitator_change(code, change)

    def _take_out(self, tx: Tx, workshop: Workshop, participant_id: int) -> set[int]:
        hid = [pid for pid, hidden in tx.room.authored_by(participant_id) if not hidden]
        for proposal_id in hid:  # as hide_proposal does: no longer a priority either
            tx.board.update_proposal(proposal_id, hidden=True, priority_rank=None)
        if hid:
            _close_rank_gaps(tx, workshop.id)
        tx.room.mark_removed(participant_id, self.core.clock(), hid)
        return set(hid)

    def _bring_back(
        self, tx: Tx, workshop: Workshop, participant_id: int, hid: list[int]
    ) -> set[int]:
        tx.room.mark_removed(participant_id, None, [])
        for proposal_id in hid:
            tx.board.update_proposal(proposal_id, hidden=False)
        if hid:
            # While hidden, voters may have spent those dots elsewhere: as after an unhide.
            self.facilitation._trim_overspent(tx, workshop, set(hid))
        return set(hid)
