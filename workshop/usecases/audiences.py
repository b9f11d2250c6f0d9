"""What each audience (phones, the wall, the console) sees of a workshop, read in one transaction.

The rendering itself is pure (usecases/snapshots.py); this module loads what it needs.
"""

from __future__ import annotations

import logging
from typing import Any

from workshop.domain.methods import Method
from workshop.domain.model import Participant, Proposal, Workshop
from workshop.domain.rounds import Round
from workshop.exports.priority_tables import meeting_name
from workshop.store.engine import Tx
from workshop.usecases.core import Core
from workshop.usecases.counting import ballot_items, carried_from, count_round, verify_round
from workshop.usecases.room import room_view
from workshop.usecases.snapshots import Loaded, head_count, snapshot, tallies_by_audience, tally
from workshop.usecases.snapshots import me as me_view

log = logging.getLogger(__name__)


class Audiences:
    """Snapshots, tallies, head counts and each attendee's own view."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def snapshot(self, code: str, audience: str) -> dict[str, Any]:
        """Return the snapshot one audience may see."""
        with self.core.store.transaction() as tx:
            return self.snapshot_in(tx, self.core.workshop_in(tx, code), audience)

    def snapshots(
        self, code: str, which: tuple[str, ...] = ("phone", "screen", "facilitator")
    ) -> dict[str, dict[str, Any]]:
        """Return these audiences' snapshots from one consistent read."""
        if which == ("phone",):  # a phone kept from results needs no count
            return {"phone": self.snapshot(code, "phone")}
        with self.core.store.transaction() as tx:
            console = "facilitator" in which
            loaded = self.load(tx, self.core.workshop_in(tx, code), earlier_rounds=console)
            found = {audience: self.render(loaded, audience) for audience in which}
            if console:
                self._add_room(tx, loaded.workshop, found["facilitator"])
            return found

    def _add_room(self, tx: Tx, workshop: Workshop, state: dict[str, Any]) -> None:
        """Give the console its room panel (lock, head count, join rate, removals)."""
        state["room"] = room_view(tx, workshop, state["joined"], self.core.clock())

    def load(
        self, tx: Tx, workshop: Workshop, earlier_rounds: bool = False, count: bool = True
    ) -> Loaded:
        # The position before the count (see tally): a version never claims a vote it lacks.
        position = tx.rounds.tally_position(workshop.id) if count else 0
        # Shared with the attendee's own view when a join reads both (Core.read_once).
        proposals = self.core.proposals_once(tx, workshop.id)
        actions = self.core.actions_once(tx, workshop.id)
        helpers = {
            pid for action in actions.values() for pid, show in action.volunteers.items() if show
        }
        rounds = tx.rounds.rounds_of(workshop.id)  # the current round is among them: one read
        current = self.core.round_once(tx, workshop, among=rounds)
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
            position,
            tx.attendees.attendance(workshop.id),
            actions,
            tx.attendees.first_names(helpers),
            self.series(tx, workshop),
            rounds,
            earlier,
            # The review queue is the console's, like earlier rounds' results.
            tx.care.held_of(workshop.id) if earlier_rounds else [],
            tx.themes.for_snapshot(workshop.id),
        )

    def series(self, tx: Tx, workshop: Workshop) -> dict[str, Any] | None:
        root_id = workshop.series_root_id or workshop.id
        members = tx.workshops.series_members(root_id)
        if len(members) < 2:
            return None
        root = members[0]
        follows = (
            tx.workshops.find_workshop_by_id(workshop.follows_id) if workshop.follows_id else None
        )
        # Where carried dots were counted, so screens can say "in round 1 at Maidstone".
        sources = carried_from(tx, workshop) if follows else []
        return {
            "root_code": root.code,
            "series_url": f"/s/{root.code}",
            "follows_code": follows.code if follows else None,
            "carried_from": [
                {"name": meeting_name(source), "round": source["round"]} for source in sources
            ],
        }

    def snapshot_in(self, tx: Tx, workshop: Workshop, audience: str) -> dict[str, Any]:
        # A phone kept from results needs no count: joining stays cheap however many voted.
        count = audience != "phone" or workshop.results_revealed
        loaded = self.load(tx, workshop, audience == "facilitator", count)
        state = self.render(loaded, audience)
        if audience == "facilitator":
            self._add_room(tx, workshop, state)
        return state

    def render(self, loaded: Loaded, audience: str) -> dict[str, Any]:
        return snapshot(
            loaded,
            audience,
            self.core.join_url_for(loaded.workshop.code),
            self.core.clock(),
            self.core.today(),
        )

    def tally(self, code: str, phones_only: bool = False) -> dict[str, dict[str, Any] | None]:
        """Return the live tally as each audience may see it (None: not to phones yet).

        phones_only: the phones' broadcast lane asks, and counts nothing while phones
        may not see results.
        """
        with self.core.store.transaction() as tx:
            workshop = self.core.workshop_in(tx, code)
            if phones_only and not workshop.results_revealed:
                return {"phone": None}
            round_ = self.core.current_round(tx, workshop)
            # The position first: a vote committed between the two reads is then counted
            # under a version that does not yet claim it, never the other way round.
            position = tx.rounds.tally_position(workshop.id)
            counted = count_round(tx, round_, tx.board.proposals(workshop.id))
            attendance = tx.attendees.attendance(workshop.id)
            full = tally(counted, position, attendance, notes=True)
            public = tally(counted, position, attendance, published=True)
            return tallies_by_audience(full, public, round_, workshop.results_revealed)

    def verify_open_rounds(self) -> int:
        """Recount every open workshop's dot round from its ledger (at start); return mismatches.

        A ledger row and its sums commit together, so they should always agree; this is
        the check that they do, and it puts the sums right (from the ledger) if not.
        """
        with self.core.store.transaction() as tx:
            rounds = tx.tallies.open_rounds()
        return sum(not verify_round(self.core.store, round_) for round_ in rounds)

    def verify_head_counts(self) -> int:
        """Recount every open workshop's head count (at start); return how many disagreed.

        Like the running sums (verify_round), each seat and its count commit together;
        this checks they do, in one snapshot, and a disagreement (a bug) is logged
        loudly and the count rebuilt from the attendees in a transaction of its own.
        """
        with self.core.store.transaction() as tx:
            tx.one_snapshot()
            wrong = tx.heads.disagreeing()
        for workshop_id in wrong:
            log.error("workshop %s: head count disagreed with a recount; rebuilt", workshop_id)
            with self.core.store.transaction() as tx:
                tx.heads.rebuild(workshop_id)
        return len(wrong)

    def attendance(self, code: str) -> dict[str, Any]:
        """Return the head count, overall and per group."""
        with self.core.store.transaction() as tx:
            by_group = tx.attendees.attendance(self.core.workshop_in(tx, code).id)
            return head_count(by_group)

    def me(self, code: str, participant_id: int) -> dict[str, Any]:
        """Return one attendee's own view."""
        with self.core.store.transaction() as tx:
            workshop = self.core.workshop_in(tx, code)
            return self.me_in(tx, workshop, tx.attendees.get_participant(participant_id))

    def me_after_vote(
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
            self.core.actions_once(tx, workshop.id),
            tx.care.my_held(participant.id),
        )

    def views_of(self, code: str, participant_ids: list[int]) -> dict[int, dict[str, Any]]:
        """Return several attendees' own views, read in one transaction.

        A hide or a merge can touch hundreds of voters at once; the phones' lane then
        reads all their views together, the workshop, round, ideas and actions once.
        """
        with self.core.store.transaction() as tx:
            tx.shared = {}  # nothing is written here: every view may share those reads
            workshop = self.core.workshop_in(tx, code)
            return {
                pid: self.me_in(tx, workshop, tx.attendees.get_participant(pid))
                for pid in participant_ids
            }

    def me_in(self, tx: Tx, workshop: Workshop, participant: Participant) -> dict[str, Any]:
        core = self.core
        round_ = core.round_once(tx, workshop)
        proposals = core.proposals_once(tx, workshop.id)
        return me_view(
            participant,
            round_,
            ballot_items(tx, round_, proposals),
            tx.board.points_of(participant.id, round_.id),
            # Dot rounds keep a ledger, not whole ballots: no ballot to look for.
            None
            if round_.method is Method.DOTS
            else tx.rounds.my_ballot(participant.id, round_.id),
            tx.board.my_proposals(participant.id),
            core.actions_once(tx, workshop.id),
            tx.care.my_held(participant.id),
        )
