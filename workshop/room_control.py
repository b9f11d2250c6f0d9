"""The facilitator's room controls: lock the room, expect a head count, take someone out.

Taking an attendee out hides their proposals, stops their votes and ballots counting
(the tally queries skip removed attendees, so nothing is deleted) and refuses their
device. Until the workshop closes it can be undone: the proposals it hid come back,
and so do the votes.
"""

from __future__ import annotations

from .domain.model import Stage, Workshop
from .errors import NotFound, WrongStage
from .events import Answer, AttendanceChanged, Event, TallyChanged
from .facilitation import _close_rank_gaps
from .room_queries import (
    RoomSettings,
    authored_by,
    mark_removed,
    removal_of,
    save_settings,
    settings_of,
    workshop_of,
)
from .services import WorkshopService
from .store import Tx

NOT_AN_ATTENDEE = "That person is not an attendee of this workshop: refresh the console."
CLOSED = "The workshop is closed, so who took part is settled: open it again (Back) to change that."


class RoomControl:
    """Use cases of the console's room panel, over the workshop service's store."""

    def __init__(self, core: WorkshopService) -> None:
        self.core = core

    def lock_room(self, code: str, locked: bool) -> Answer:
        """Stop (or allow again) new attendees joining; people who joined can still rejoin."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            now = settings_of(tx.conn, workshop.id)
            save_settings(tx.conn, workshop.id, RoomSettings(locked, now.expected))
            tx.bump_version(workshop.id, self.core.clock())
            return []

        return self.core.facilitator_change(code, change)

    def expect(self, code: str, expected: int | None) -> Answer:
        """Set how many people the facilitator expects (None: no head count)."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            now = settings_of(tx.conn, workshop.id)
            save_settings(tx.conn, workshop.id, RoomSettings(now.locked, expected))
            tx.bump_version(workshop.id, self.core.clock())
            return []

        return self.core.facilitator_change(code, change)

    def remove_attendee(self, code: str, participant_id: int, removed: bool) -> Answer:
        """Take an attendee out of the workshop (or bring them back) until it closes."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            if workshop_of(tx.conn, participant_id) != workshop.id:
                raise NotFound(NOT_AN_ATTENDEE)
            if workshop.stage is Stage.CLOSED:
                raise WrongStage(CLOSED)
            earlier = removal_of(tx.conn, participant_id)
            if removed and earlier is None:
                touched = self._take_out(tx, workshop, participant_id)
            elif not removed and earlier is not None:
                touched = self._bring_back(tx, workshop, participant_id, earlier[1])
            else:
                return []  # already so: a repeat changes nothing
            tx.bump_version(workshop.id, self.core.clock())
            events: list[Event] = [
                TallyChanged(workshop.id, code),
                AttendanceChanged(workshop.id, code),
            ]
            return events + self.core.touched_by(tx, workshop, touched)

        return self.core.facilitator_change(code, change)

    def _take_out(self, tx: Tx, workshop: Workshop, participant_id: int) -> set[int]:
        hid = [pid for pid, hidden in authored_by(tx.conn, participant_id) if not hidden]
        for proposal_id in hid:  # as hide_proposal does: no longer a priority either
            tx.update_proposal(proposal_id, hidden=True, priority_rank=None)
        if hid:
            _close_rank_gaps(tx, workshop.id)
        mark_removed(tx.conn, participant_id, self.core.clock(), hid)
        return set(hid)

    def _bring_back(
        self, tx: Tx, workshop: Workshop, participant_id: int, hid: list[int]
    ) -> set[int]:
        mark_removed(tx.conn, participant_id, None, [])
        for proposal_id in hid:
            tx.update_proposal(proposal_id, hidden=False)
        if hid:
            # While hidden, voters may have spent those dots elsewhere: as after an unhide.
            self.core._trim_overspent(tx, workshop, set(hid))
        return set(hid)
