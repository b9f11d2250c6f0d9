"""What attendees do and how a workshop begins: create, join, propose, place and take back dots.

Callers (the HTTP and socket edges) pass validated values and the identity bound to
the connection; they broadcast the returned events after the commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from workshop.domain import stages
from workshop.domain.errors import Conflict, InvalidInput, LimitReached
from workshop.domain.limits import MAX_ATTENDEES_PER_WORKSHOP, MAX_PROPOSALS_PER_ATTENDEE
from workshop.domain.methods import Method
from workshop.domain.model import Group, Participant, Proposal, Stage, Workshop
from workshop.domain.rounds import Round, check_round_is, on_ballot
from workshop.domain.tokens import hash_token, new_device_id, new_token
from workshop.domain.voting import DotBudget, counts_for, votable_target
from workshop.store.engine import IntegrityError, Tx
from workshop.usecases.audiences import Audiences
from workshop.usecases.core import Core, Created
from workshop.usecases.events import (
    Answer,
    AttendanceChanged,
    Event,
    PersonalChanged,
    StateChanged,
    TallyChanged,
)
from workshop.usecases.review import hold_if_needed
from workshop.usecases.room import require_open, require_present


@dataclass(frozen=True)
class Joined:
    """An attendee's seat in a workshop."""

    workshop_id: int
    participant_id: int
    device_id: str
    state: dict[str, Any]
    me: dict[str, Any]


class Workshops:
    """Creating a workshop, and everything an attendee's phone asks of it."""

    def __init__(self, core: Core, audiences: Audiences) -> None:
        self.core = core
        self.audiences = audiences

    # -- organiser -------------------------------------------------------------

    def create_workshop(
        self,
        title: str,
        dots: int,
        max_per_proposal: int,
        groups: list[str],
        place: str = "",
        held_on: date | None = None,
        pre_moderation: bool = False,
        language: str = "en",
    ) -> Created:
        """Create a workshop in the lobby and return its code and facilitator token."""
        if max_per_proposal > dots:
            raise InvalidInput(
                "The most dots on one idea cannot be more than the dots per attendee."
            )
        token = new_token()
        with self.core.store.transaction() as tx:
            code = tx.workshops.unused_code()
            workshop = Workshop(
                id=0,
                code=code,
                title=title,
                stage=Stage.LOBBY,
                dots=dots,
                max_per_proposal=max_per_proposal,
                groups=[Group(f"g{i}", label) for i, label in enumerate(groups, start=1)],
                place=place,
                held_on=held_on,
                pre_moderation=pre_moderation,
                language=language,
            )
            tx.workshops.insert_workshop(workshop, hash_token(token), self.core.clock())
        return Created(code, token)

    # -- attendees -------------------------------------------------------------

    def find_participant(self, code: str, device_id: str) -> Participant | None:
        """Return the attendee who joined from this device, or None."""
        with self.core.store.transaction() as tx:
            workshop = tx.workshops.find_workshop(code)
            return tx.attendees.find_participant(workshop.id, device_id) if workshop else None

    def join(
        self,
        code: str,
        device_id: str | None,
        name: str | None = None,
        group: str | None = None,
        admit: Callable[[], None] | None = None,
    ) -> tuple[Joined, list[Event]]:
        """Seat an attendee; the same device rejoins as the same attendee.

        `name` and `group` of None keep what the attendee gave before; "" clears them.
        `admit` is asked before a new attendee is seated (the edge's per-address limit),
        after the room's own checks, so a refused join spends nothing.
        """
        device_id = device_id or new_device_id()
        try:
            return self._join(code, device_id, name, group, admit)
        except IntegrityError:
            # Two tabs of one phone joined at the same instant: the other one won.
            return self._join(code, device_id, name, group, admit)

    def _join(
        self,
        code: str,
        device_id: str,
        name: str | None,
        group: str | None,
        admit: Callable[[], None] | None,
    ) -> tuple[Joined, list[Event]]:
        with self.core.store.transaction() as tx:
            # A join writes only the attendee: the snapshot and their own view may share
            # their reads of the ideas, actions and round (Core.read_once).
            tx.shared = {}
            workshop = self.core.workshop_in(tx, code)
            if group and group not in workshop.group_keys():
                raise InvalidInput(
                    "That group is not one of this workshop's groups: "
                    "pick one from the list or skip the question."
                )
            participant = tx.attendees.find_participant(workshop.id, device_id, for_update=True)
            events: list[Event] = []
            if participant is not None:
                require_present(participant)
            else:
                require_open(tx, workshop)
            if participant is None and tx.attendees.count_participants(workshop.id) >= (
                MAX_ATTENDEES_PER_WORKSHOP
            ):
                raise LimitReached(
                    "This workshop is full: {max_attendees_per_workshop} people have joined. "
                    "Ask the facilitator.",
                    max_attendees_per_workshop=MAX_ATTENDEES_PER_WORKSHOP,
                )
            if participant is None:
                if admit is not None:
                    admit()
                pid = tx.attendees.insert_participant(
                    workshop.id, device_id, name or None, group or None, self.core.clock()
                )
                participant = Participant(pid, device_id, name or None, group or None)
                events.append(AttendanceChanged(workshop.id, code))
            else:
                new_name = participant.name if name is None else (name or None)
                new_group = participant.group if group is None else (group or None)
                if (new_name, new_group) != (participant.name, participant.group):
                    tx.attendees.update_participant(participant.id, new_name, new_group)
                    if new_group != participant.group:
                        events.append(AttendanceChanged(workshop.id, code))
                    participant = Participant(participant.id, device_id, new_name, new_group)
            joined = Joined(
                workshop.id,
                participant.id,
                device_id,
                self.audiences.snapshot_in(tx, workshop, "phone"),
                self.audiences.me_in(tx, workshop, participant),
            )
            return joined, events

    def submit_proposal(self, code: str, participant_id: int, text: str, request_id: str) -> Answer:
        """Add an attendee's proposal while the workshop collects them."""

        def command(tx: Tx) -> Answer:
            workshop = self.core.workshop_in(tx, code)
            stages.require_proposals_open(workshop.stage)
            require_present(tx.attendees.lock_participant(participant_id))
            shared = tx.board.count_proposals_by(participant_id)
            if shared + tx.care.count_held_by(participant_id) >= MAX_PROPOSALS_PER_ATTENDEE:
                raise LimitReached(
                    "You have shared {max_proposals_per_attendee} ideas, the most one person "
                    "can: talk to the facilitator to add more.",
                    max_proposals_per_attendee=MAX_PROPOSALS_PER_ATTENDEE,
                )
            now, year = self.core.clock(), self.core.today().year
            held = hold_if_needed(tx, workshop, participant_id, text, now, year)
            if held is not None:  # only the facilitator's queue hears of it until approved
                return held
            proposal_id = tx.board.insert_proposal(
                workshop.id, participant_id, text, self.core.clock()
            )
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return Answer(
                {"ok": True, "proposal_id": proposal_id, "held": False, "held_id": None},
                [
                    StateChanged(workshop.id, code),
                    TallyChanged(workshop.id, code),
                    PersonalChanged(workshop.id, code, (participant_id,)),
                ],
            )

        return self.core.once(f"p:{participant_id}", request_id, command)

    def _dot_round(
        self, tx: Tx, code: str, round_id: int | None
    ) -> tuple[Workshop, Round, dict[int, Proposal]]:
        """Return the workshop, its current round if it is a dot round the attendee may
        vote in, and its ideas (read once per batch of votes: Core.read_once)."""
        core = self.core
        workshop = core.read_once(tx, ("workshop", code), lambda: core.workshop_in(tx, code))
        stages.require_voting_open(workshop.stage)
        round_ = core.round_once(tx, workshop)
        check_round_is(round_, round_id)
        if round_.method is not Method.DOTS:
            raise Conflict(
                "This round is {value}, not dot voting: refresh to see its ballot.",
                value=round_.method.label.lower(),
            )
        proposals = core.proposals_once(tx, workshop.id)
        return workshop, round_, proposals

    def _position_after(self, tx: Tx, workshop_id: int, row_id: int) -> int:
        """Return the tally's position just after this ledger row: the ack's vote_id.

        Not the row's id alone: the position (tally_position) adds the newest ballot and
        paper count to the ledger's newest row, so it compares with tally.version
        whatever else the workshop holds. With one process the row just written is the
        ledger's newest, so this equals tally_position; a batch of votes adds no ballot
        or paper count, so that part is read once per batch (Core.read_once) instead
        of the whole position once per vote. On PostgreSQL another process's vote may
        hold a higher id, committed first: tallies then count past this, and every
        tally after the ack still has a version of at least this (docs/protocol.md,
        `vote_id`).
        """
        rest = self.core.read_once(
            tx,
            ("beside the ledger", workshop_id),
            lambda: tx.rounds.position_beside_ledger(workshop_id),
        )
        return row_id + rest

    def cast_vote(
        self,
        code: str,
        participant_id: int,
        proposal_id: int,
        points: int,
        request_id: str,
        round_id: int | None = None,
    ) -> Answer:
        """Place dots on a proposal, within the attendee's budget, as one ledger row."""

        def command(tx: Tx) -> Answer:
            workshop, round_, proposals = self._dot_round(tx, code, round_id)
            rules = round_.rules
            # Two tabs of one attendee queue here; a removed attendee is refused.
            participant = require_present(tx.attendees.lock_participant(participant_id))
            target = on_ballot(proposal_id, rules, proposals)
            raw = tx.board.points_of(participant_id, round_.id)
            budget = DotBudget.from_votes(rules.dots, rules.max_per_proposal, raw, proposals)
            budget.check_cast(target, points)
            row_id = tx.board.insert_vote(
                workshop.id,
                round_.id,
                participant_id,
                target,
                points,
                self.core.clock(),
                known=(participant.group or "", sum(raw.values())),  # read under the lock
            )
            raw[target] = raw.get(target, 0) + points
            vote_id = self._position_after(tx, workshop.id, row_id)
            return Answer(
                {"ok": True, "dots_left": budget.left - points, "vote_id": vote_id},
                [
                    TallyChanged(workshop.id, code),
                    PersonalChanged(workshop.id, code, (participant_id,)),
                ],
                self.audiences.me_after_vote(tx, workshop, round_, participant, proposals, raw),
            )

        return self.core.once_batched(f"p:{participant_id}", request_id, command)

    def retract_vote(
        self,
        code: str,
        participant_id: int,
        proposal_id: int,
        points: int,
        request_id: str,
        round_id: int | None = None,
    ) -> Answer:
        """Take dots back from a proposal, as ledger rows of negative points."""

        def command(tx: Tx) -> Answer:
            workshop, round_, proposals = self._dot_round(tx, code, round_id)
            rules = round_.rules
            participant = require_present(tx.attendees.lock_participant(participant_id))
            target = votable_target(proposal_id, proposals)
            raw = tx.board.points_of(participant_id, round_.id)
            budget = DotBudget.from_votes(rules.dots, rules.max_per_proposal, raw, proposals)
            budget.check_retract(target, points)
            # Take dots back from the rows they were cast on (the survivor first, then
            # what was merged into it), so an unmerge later never leaves a negative.
            sources = sorted(
                (pid for pid, n in raw.items() if n > 0 and counts_for(pid, proposals) == target),
                key=lambda pid: (pid != target, pid),
            )
            remaining, row_id = points, 0
            for source in sources:
                taken = min(remaining, raw[source])
                row_id = tx.board.insert_vote(
                    workshop.id,
                    round_.id,
                    participant_id,
                    source,
                    -taken,
                    self.core.clock(),
                    known=(participant.group or "", sum(raw.values())),
                )
                raw[source] -= taken
                remaining -= taken
                if remaining == 0:
                    break
            # Not budget.left + points: after an unhide more dots may count than the budget.
            dots_left = max(0, rules.dots - (budget.used - points))
            vote_id = self._position_after(tx, workshop.id, row_id)
            return Answer(
                {"ok": True, "dots_left": dots_left, "vote_id": vote_id},
                [
                    TallyChanged(workshop.id, code),
                    PersonalChanged(workshop.id, code, (participant_id,)),
                ],
                self.audiences.me_after_vote(tx, workshop, round_, participant, proposals, raw),
            )

        return self.core.once_batched(f"p:{participant_id}", request_id, command)
