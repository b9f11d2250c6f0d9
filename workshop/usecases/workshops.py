"""Use cases: load, apply a rule from the domain, save in one transaction, return events.

Callers (the HTTP and socket edges) pass validated values and the identity bound to
the connection; they broadcast the returned events after the commit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError

from workshop.domain import stages
from workshop.domain.errors import (
    UNKNOWN_WORKSHOP,
    Conflict,
    Forbidden,
    InvalidInput,
    LimitReached,
    NotFound,
)
from workshop.domain.limits import MAX_ATTENDEES_PER_WORKSHOP, MAX_PROPOSALS_PER_ATTENDEE
from workshop.domain.methods import Method
from workshop.domain.model import Group, Participant, Proposal, Stage, Workshop
from workshop.domain.rounds import Round, check_round_is, on_ballot
from workshop.domain.tokens import hash_token, new_device_id, new_token, token_matches
from workshop.domain.voting import DotBudget, counts_for, votable_target
from workshop.store.engine import Store, Tx
from workshop.usecases.counting import count_round
from workshop.usecases.events import (
    Answer,
    AttendanceChanged,
    Event,
    PersonalChanged,
    StateChanged,
    TallyChanged,
)
from workshop.usecases.facilitation import Facilitation
from workshop.usecases.rounds import VoteRounds
from workshop.usecases.snapshots import Loaded, snapshot, tallies_by_audience, tally
from workshop.usecases.snapshots import me as me_view


def now_ms() -> int:
    """Return the wall-clock time in epoch milliseconds."""
    return int(time.time() * 1000)


@dataclass(frozen=True)
class Created:
    """What the organiser needs after creating a workshop; the token is shown only once."""

    code: str
    token: str


@dataclass(frozen=True)
class Joined:
    """An attendee's seat in a workshop."""

    workshop_id: int
    participant_id: int
    device_id: str
    state: dict[str, Any]
    me: dict[str, Any]


class WorkshopService(Facilitation, VoteRounds):
    """The use cases of running a workshop, over one Store (facilitation.py adds the console's)."""

    def __init__(
        self,
        store: Store,
        join_url_for: Callable[[str], str],
        clock: Callable[[], int] = now_ms,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.store = store
        self.join_url_for = join_url_for
        self.clock = clock
        self.today = today

    # -- lookups ---------------------------------------------------------------

    def workshop_in(self, tx: Tx, code: str, for_update: bool = False) -> Workshop:
        """Return the workshop with this code inside tx, or refuse with a sentence."""
        workshop = tx.workshops.find_workshop(code, for_update=for_update)
        if workshop is None:
            raise NotFound(UNKNOWN_WORKSHOP)
        return workshop

    def find_workshop(self, code: str) -> Workshop | None:
        """Return the workshop with this code, or None."""
        with self.store.transaction() as tx:
            return tx.workshops.find_workshop(code)

    def snapshot(self, code: str, audience: str) -> dict[str, Any]:
        """Return the snapshot one audience may see."""
        with self.store.transaction() as tx:
            return self._snapshot(tx, self.workshop_in(tx, code), audience)

    def snapshots(self, code: str) -> dict[str, dict[str, Any]]:
        """Return every audience's snapshot from one consistent read."""
        with self.store.transaction() as tx:
            loaded = self._load(tx, self.workshop_in(tx, code), earlier_rounds=True)
            return {
                audience: self._render(loaded, audience)
                for audience in ("phone", "screen", "facilitator")
            }

    def current_round(self, tx: Tx, workshop: Workshop) -> Round:
        """Return the round the workshop is voting in (or last voted in)."""
        assert workshop.current_round_id is not None  # every workshop is made with round 1
        return tx.rounds.round_by_id(workshop.current_round_id)

    def _load(
        self, tx: Tx, workshop: Workshop, earlier_rounds: bool = False, count: bool = True
    ) -> Loaded:
        proposals = tx.board.proposals(workshop.id)
        actions = tx.plans.actions(workshop.id)
        helpers = {
            pid for action in actions.values() for pid, show in action.volunteers.items() if show
        }
        rounds = tx.rounds.rounds_of(workshop.id)  # the current round is among them: one read
        current = next(round_ for round_ in rounds if round_.id == workshop.current_round_id)
        earlier = [
            count_round(tx, round_, proposals) if earlier_rounds else None
            for round_ in rounds
            if round_.id != current.id
        ]
        return Loaded(
            workshop,
            proposals,
            current,
            count_round(tx, current, proposals) if count else None,
            tx.rounds.tally_position(workshop.id) if count else 0,
            tx.attendees.attendance(workshop.id),
            actions,
            tx.attendees.first_names(helpers),
            self._series(tx, workshop),
            rounds,
            earlier,
        )

    def _series(self, tx: Tx, workshop: Workshop) -> dict[str, Any] | None:
        root_id = workshop.series_root_id or workshop.id
        members = tx.workshops.series_members(root_id)
        if len(members) < 2:
            return None
        root = members[0]
        follows = tx.workshops.find_workshop_by_id(workshop.follows_id) if workshop.follows_id else None
        return {
            "root_code": root.code,
            "series_url": f"/s/{root.code}",
            "follows_code": follows.code if follows else None,
        }

    def _snapshot(self, tx: Tx, workshop: Workshop, audience: str) -> dict[str, Any]:
        # A phone kept from results needs no count: joining stays cheap however many voted.
        count = audience != "phone" or workshop.results_revealed
        loaded = self._load(tx, workshop, audience == "facilitator", count)
        return self._render(loaded, audience)

    def _render(self, loaded: Loaded, audience: str) -> dict[str, Any]:
        return snapshot(
            loaded, audience, self.join_url_for(loaded.workshop.code), self.clock(), self.today()
        )

    def tally(self, code: str) -> dict[str, dict[str, Any] | None]:
        """Return the live tally as each audience may see it (None: not to phones yet)."""
        with self.store.transaction() as tx:
            workshop = self.workshop_in(tx, code)
            round_ = self.current_round(tx, workshop)
            counted = count_round(tx, round_, tx.board.proposals(workshop.id))
            full = tally(
                counted, tx.rounds.tally_position(workshop.id), tx.attendees.attendance(workshop.id), notes=True
            )
            return tallies_by_audience(full, round_, workshop.results_revealed)

    def attendance(self, code: str) -> dict[str, Any]:
        """Return the head count, overall and per group."""
        with self.store.transaction() as tx:
            by_group = tx.attendees.attendance(self.workshop_in(tx, code).id)
            return {"joined": sum(by_group.values()), "by_group": by_group}

    def me(self, code: str, participant_id: int) -> dict[str, Any]:
        """Return one attendee's own view."""
        with self.store.transaction() as tx:
            workshop = self.workshop_in(tx, code)
            return self._me(tx, workshop, tx.attendees.get_participant(participant_id))

    def _me_after_vote(
        self,
        tx: Tx,
        workshop: Workshop,
        round_: Round,
        participant: Participant,
        proposals: dict[int, Proposal],
        raw: dict[int, int],
        ballot: tuple[int, ...] | dict[int, int] | None = None,
    ) -> dict[str, Any]:
        """Return the voter's own view from what the vote's transaction already loaded."""
        mine = {pid: n for pid, n in raw.items() if n}
        return me_view(
            participant,
            round_,
            proposals,
            mine,
            ballot,
            tx.board.my_proposals(participant.id),
            tx.plans.actions(workshop.id),
        )

    def _me(self, tx: Tx, workshop: Workshop, participant: Participant) -> dict[str, Any]:
        round_ = self.current_round(tx, workshop)
        return me_view(
            participant,
            round_,
            tx.board.proposals(workshop.id),
            tx.board.points_of(participant.id, round_.id),
            # Dot rounds keep a ledger, not whole ballots: no ballot to look for.
            None if round_.method is Method.DOTS else tx.rounds.my_ballot(participant.id, round_.id),
            tx.board.my_proposals(participant.id),
            tx.plans.actions(workshop.id),
        )

    # -- organiser -------------------------------------------------------------

    def create_workshop(
        self,
        title: str,
        dots: int,
        max_per_proposal: int,
        groups: list[str],
        place: str = "",
        held_on: date | None = None,
    ) -> Created:
        """Create a workshop in the lobby and return its code and facilitator token."""
        if max_per_proposal > dots:
            raise InvalidInput(
                "The most dots on one idea cannot be more than the dots per attendee."
            )
        token = new_token()
        with self.store.transaction() as tx:
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
            )
            tx.workshops.insert_workshop(workshop, hash_token(token), self.clock())
        return Created(code, token)

    def check_facilitator(self, code: str, token: str) -> int:
        """Return the workshop id if the token is this workshop's, or refuse."""
        with self.store.transaction() as tx:
            workshop = tx.workshops.find_workshop(code)
            if workshop is None or not token_matches(token, tx.workshops.token_hash(workshop.id)):
                raise Forbidden(
                    "That facilitator link is not valid for this workshop: "
                    "use the link you were given when you created it."
                )
            return workshop.id

    # -- attendees -------------------------------------------------------------

    def find_participant(self, code: str, device_id: str) -> Participant | None:
        """Return the attendee who joined from this device, or None."""
        with self.store.transaction() as tx:
            workshop = tx.workshops.find_workshop(code)
            return tx.attendees.find_participant(workshop.id, device_id) if workshop else None

    def join(
        self,
        code: str,
        device_id: str | None,
        name: str | None = None,
        group: str | None = None,
    ) -> tuple[Joined, list[Event]]:
        """Seat an attendee; the same device rejoins as the same attendee.

        `name` and `group` of None keep what the attendee gave before; "" clears them.
        """
        device_id = device_id or new_device_id()
        try:
            return self._join(code, device_id, name, group)
        except IntegrityError:
            # Two tabs of one phone joined at the same instant: the other one won.
            return self._join(code, device_id, name, group)

    def _join(
        self, code: str, device_id: str, name: str | None, group: str | None
    ) -> tuple[Joined, list[Event]]:
        with self.store.transaction() as tx:
            workshop = self.workshop_in(tx, code)
            if group and group not in workshop.group_keys():
                raise InvalidInput(
                    "That group is not one of this workshop's groups: "
                    "pick one from the list or skip the question."
                )
            participant = tx.attendees.find_participant(workshop.id, device_id, for_update=True)
            events: list[Event] = []
            if participant is None and tx.attendees.count_participants(workshop.id) >= (
                MAX_ATTENDEES_PER_WORKSHOP
            ):
                raise LimitReached(
                    f"This workshop is full: {MAX_ATTENDEES_PER_WORKSHOP} people have joined. "
                    "Ask the facilitator."
                )
            if participant is None:
                pid = tx.attendees.insert_participant(
                    workshop.id, device_id, name or None, group or None, self.clock()
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
                self._snapshot(tx, workshop, "phone"),
                self._me(tx, workshop, participant),
            )
            return joined, events

    def once(self, actor: str, request_id: str, command: Callable[[Tx], Answer]) -> Answer:
        """Run command in one transaction unless this request was already answered."""
        for _attempt in range(2):
            try:
                with self.store.transaction() as tx:
                    previous = tx.commands.find_answer(actor, request_id)
                    if previous is not None:
                        return Answer(previous, [])
                    answer = command(tx)
                    tx.commands.record_answer(actor, request_id, answer.ack, self.clock())
                    return answer
            except IntegrityError:
                continue  # the same request won a race on another connection: replay it
        raise Conflict("That request was already handled: refresh to see the result.")

    def submit_proposal(self, code: str, participant_id: int, text: str, request_id: str) -> Answer:
        """Add an attendee's proposal while the workshop collects them."""

        def command(tx: Tx) -> Answer:
            workshop = self.workshop_in(tx, code)
            stages.require_proposals_open(workshop.stage)
            tx.attendees.lock_participant(participant_id)
            if tx.board.count_proposals_by(participant_id) >= MAX_PROPOSALS_PER_ATTENDEE:
                raise LimitReached(
                    f"You have shared {MAX_PROPOSALS_PER_ATTENDEE} ideas, the most "
                    "one person can: talk to the facilitator to add more."
                )
            proposal_id = tx.board.insert_proposal(workshop.id, participant_id, text, self.clock())
            tx.workshops.bump_version(workshop.id, self.clock())
            return Answer(
                {"ok": True, "proposal_id": proposal_id},
                [
                    StateChanged(workshop.id, code),
                    TallyChanged(workshop.id, code),
                    PersonalChanged(workshop.id, code, (participant_id,)),
                ],
            )

        return self.once(f"p:{participant_id}", request_id, command)

    def _dot_round(self, tx: Tx, workshop: Workshop, round_id: int | None) -> Round:
        """Return the current round if it is a dot round the attendee may vote in."""
        stages.require_voting_open(workshop.stage)
        round_ = self.current_round(tx, workshop)
        check_round_is(round_, round_id)
        if round_.method is not Method.DOTS:
            raise Conflict(
                f"This round is {round_.method.label.lower()}, not dot voting: "
                "refresh to see its ballot."
            )
        return round_

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
            workshop = self.workshop_in(tx, code)
            round_ = self._dot_round(tx, workshop, round_id)
            rules = round_.rules
            participant = tx.attendees.lock_participant(participant_id)  # two tabs of one attendee queue
            proposals = tx.board.proposals(workshop.id)
            target = on_ballot(proposal_id, rules, proposals)
            raw = tx.board.points_of(participant_id, round_.id)
            budget = DotBudget.from_votes(rules.dots, rules.max_per_proposal, raw, proposals)
            budget.check_cast(target, points)
            vote_id = tx.board.insert_vote(
                workshop.id, round_.id, participant_id, target, points, self.clock()
            )
            raw[target] = raw.get(target, 0) + points
            return Answer(
                {"ok": True, "dots_left": budget.left - points, "vote_id": vote_id},
                [
                    TallyChanged(workshop.id, code),
                    PersonalChanged(workshop.id, code, (participant_id,)),
                ],
                self._me_after_vote(tx, workshop, round_, participant, proposals, raw),
            )

        return self.once(f"p:{participant_id}", request_id, command)

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
            workshop = self.workshop_in(tx, code)
            round_ = self._dot_round(tx, workshop, round_id)
            rules = round_.rules
            participant = tx.attendees.lock_participant(participant_id)
            proposals = tx.board.proposals(workshop.id)
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
            remaining = points
            for source in sources:
                taken = min(remaining, raw[source])
                tx.board.insert_vote(workshop.id, round_.id, participant_id, source, -taken, self.clock())
                raw[source] -= taken
                remaining -= taken
                if remaining == 0:
                    break
            # Not budget.left + points: after an unhide more dots may count than the budget.
            dots_left = max(0, rules.dots - (budget.used - points))
            return Answer(
                {"ok": True, "dots_left": dots_left},
                [
                    TallyChanged(workshop.id, code),
                    PersonalChanged(workshop.id, code, (participant_id,)),
                ],
                self._me_after_vote(tx, workshop, round_, participant, proposals, raw),
            )

        return self.once(f"p:{participant_id}", request_id, command)
