"""The facilitator's use cases: stages, reveals, hiding, editing, merging, timers, priorities."""

from __future__ import annotations

from typing import Any

from workshop.domain import proposals as proposal_rules
from workshop.domain import stages, timers
from workshop.domain.errors import Conflict, NotFound
from workshop.domain.methods import Method
from workshop.domain.model import Stage, Workshop
from workshop.domain.rounds import round_at
from workshop.domain.voting import DotBudget
from workshop.store.engine import Tx
from workshop.usecases.core import Core
from workshop.usecases.counting import verify_round
from workshop.usecases.events import (
    Answer,
    Event,
    PersonalChanged,
    StateChanged,
    TallyChanged,
    WorkshopClosed,
)


class Facilitation:
    """What only the facilitator may do; each change is one transaction on a locked workshop."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def recount(self, code: str) -> bool:
        """Results are going public: recount the current round from its ledger.

        The running sums must agree; if not, they are rebuilt (counting.verify_round).
        """
        with self.core.store.transaction() as tx:
            round_ = self.core.current_round(tx, self.core.workshop_in(tx, code))
        return verify_round(self.core.store, round_)

    def change_stage(self, code: str, stage: Stage, round_number: int | None = None) -> Answer:
        """Move the workshop to any stage, forward or back; nothing is lost.

        With a round number (vote and results only) that round becomes the current one,
        so Back from round 2's voting returns to round 1's results.
        """

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            if round_number is not None:
                chosen = round_at(tx.rounds.rounds_of(workshop.id), stage, round_number)
                if chosen.id != workshop.current_round_id:
                    tx.rounds.set_current_round(workshop.id, chosen.id)
                    workshop.current_round_id = chosen.id
            workshop.stage = stage
            if stages.reveals_proposals(stage):
                workshop.proposals_revealed = True
            if stages.reveals_results(stage):  # results mean nothing without the proposals
                workshop.results_revealed = workshop.proposals_revealed = True
            tx.workshops.save_workshop(workshop, self.core.clock())
            if stage is Stage.CLOSED:  # private words are for the meeting, not the archive
                tx.care.delete_private_words_of(workshop.id)
            closed = [WorkshopClosed(workshop.id, code)] if stage is Stage.CLOSED else []
            return [TallyChanged(workshop.id, code), *closed]

        answer = self.core.facilitator_change(code, change)
        if stages.reveals_results(stage):  # before the broadcast, which follows the answer
            self.recount(code)
        return Answer({"ok": True, "stage": stage.value}, answer.events)

    def reveal_proposals(self, code: str, revealed: bool) -> Answer:
        """Show or hide the proposal list on the wall and the phones."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            workshop.proposals_revealed = revealed
            tx.workshops.save_workshop(workshop, self.core.clock())
            return []

        return self.core.facilitator_change(code, change)

    def reveal_results(self, code: str, revealed: bool) -> Answer:
        """Show or hide the results on the phones."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            workshop.results_revealed = revealed
            if revealed:  # results without the proposals' words would mean nothing
                workshop.proposals_revealed = True
            tx.workshops.save_workshop(workshop, self.core.clock())
            return [TallyChanged(workshop.id, code)]

        answer = self.core.facilitator_change(code, change)
        if revealed:  # before the broadcast, which follows the answer
            self.recount(code)
        return answer

    def touched_by(self, tx: Tx, workshop: Workshop, proposal_ids: set[int]) -> list[Event]:
        """Return the personal updates owed to authors and voters of these proposals."""
        affected = tx.board.participants_touching(workshop.id, proposal_ids)
        if not affected:
            return []
        return [PersonalChanged(workshop.id, workshop.code, tuple(sorted(affected)))]

    def hide_proposal(self, code: str, proposal_id: int, hidden: bool) -> Answer:
        """Hide a proposal from every screen and phone at once, or show it again."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            proposals = tx.board.proposals(workshop.id)
            if proposal_id not in proposals:
                raise NotFound("That idea does not exist in this workshop.")
            family = {proposal_id} | _descendants(proposal_id, proposals)
            if hidden:  # a hidden proposal stops being a priority; showing it does not restore that
                tx.board.update_proposal(proposal_id, hidden=True, priority_rank=None)
                _close_rank_gaps(tx, workshop.id)
                tx.themes.clear_spotlight_on(workshop.id, family)  # and never stays on the wall
            else:
                tx.board.update_proposal(proposal_id, hidden=False)
                self._trim_overspent(tx, workshop, family)
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return [TallyChanged(workshop.id, code), *self.touched_by(tx, workshop, family)]

        return self.core.facilitator_change(code, change)

    def _trim_overspent(self, tx: Tx, workshop: Workshop, family: set[int]) -> None:
        """Give back dots that would count twice now a hidden proposal is shown again.

        While it was hidden its dots did not count, so its voters could spend them
        elsewhere; shown again, those dots are taken back from it, as few as needed, so
        nobody ever has more dots counting than the workshop gives.
        """
        proposals = tx.board.proposals(workshop.id)
        touching = sorted(tx.board.participants_touching(workshop.id, family))
        for round_ in tx.rounds.rounds_of(workshop.id):
            if round_.method is not Method.DOTS:
                continue  # whole ballots never count more than one ballot's worth
            rules = round_.rules
            for participant_id in touching:
                raw = tx.board.points_of(participant_id, round_.id)
                budget = DotBudget.from_votes(rules.dots, rules.max_per_proposal, raw, proposals)
                excess = budget.used - rules.dots
                for source in sorted(pid for pid in family if raw.get(pid, 0) > 0):
                    if excess <= 0:
                        break
                    taken = min(excess, raw[source])
                    tx.board.insert_vote(
                        workshop.id, round_.id, participant_id, source, -taken, self.core.clock()
                    )
                    excess -= taken

    def edit_proposal(self, code: str, proposal_id: int, text: str) -> Answer:
        """Change a proposal's wording (for example to remove personal details)."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            stages.require_not_closed(workshop.stage)
            if proposal_id not in tx.board.proposals(workshop.id):
                raise NotFound("That idea does not exist in this workshop.")
            tx.board.update_proposal(proposal_id, text=text)
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return self.touched_by(tx, workshop, {proposal_id})

        return self.core.facilitator_change(code, change)

    def merge_proposals(self, code: str, survivor_id: int, absorbed_id: int) -> Answer:
        """Merge a duplicate into a survivor, which keeps the dots of both."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            stages.require_not_closed(workshop.stage)
            proposals = tx.board.proposals(workshop.id)
            proposal_rules.check_merge(survivor_id, absorbed_id, proposals)
            tx.board.update_proposal(absorbed_id, merged_into=survivor_id, priority_rank=None)
            _close_rank_gaps(tx, workshop.id)
            tx.workshops.bump_version(workshop.id, self.core.clock())
            family = {absorbed_id} | _descendants(absorbed_id, proposals)
            return [TallyChanged(workshop.id, code), *self.touched_by(tx, workshop, family)]

        return self.core.facilitator_change(code, change)

    def unmerge_proposal(self, code: str, proposal_id: int) -> Answer:
        """Undo a merge: the proposal stands alone again with the dots cast on it."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            stages.require_not_closed(workshop.stage)
            proposals = tx.board.proposals(workshop.id)
            if proposal_id not in proposals:
                raise NotFound("That idea does not exist in this workshop.")
            if proposals[proposal_id].merged_into is None:
                raise Conflict("That idea is not merged into another one.")
            tx.board.update_proposal(proposal_id, merged_into=None)
            tx.workshops.bump_version(workshop.id, self.core.clock())
            family = {proposal_id} | _descendants(proposal_id, proposals)
            return [TallyChanged(workshop.id, code), *self.touched_by(tx, workshop, family)]

        return self.core.facilitator_change(code, change)

    def add_proposal(self, code: str, text: str, request_id: str) -> Answer:
        """Add a proposal on someone's behalf (a sticky note, a spoken idea), in any open stage."""

        def command(tx: Tx) -> Answer:
            workshop = self.core.workshop_in(tx, code, for_update=True)
            stages.require_not_closed(workshop.stage)
            proposal_id = tx.board.insert_proposal(workshop.id, None, text, self.core.clock())
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return Answer(
                {"ok": True, "proposal_id": proposal_id},
                [StateChanged(workshop.id, code), TallyChanged(workshop.id, code)],
            )

        return self.core.once(f"f:{code}", request_id, command)

    def set_timer(self, code: str, action: str, seconds: int = 0) -> Answer:
        """Start, pause, resume or cancel the countdown on the wall and the phones."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            now = self.core.clock()
            if action == "start":
                workshop.timer = timers.start(now, seconds)
            elif action == "pause":
                workshop.timer = timers.pause(workshop.timer, now)
            elif action == "resume":
                workshop.timer = timers.resume(workshop.timer, now)
            else:
                workshop.timer = timers.cancel(workshop.timer)
            tx.workshops.save_workshop(workshop, self.core.clock())
            return []

        return self.core.facilitator_change(code, change)

    def set_priorities(self, code: str, proposal_ids: list[int]) -> Answer:
        """Mark proposals as the workshop's priorities, in rank order."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            stages.require_not_closed(workshop.stage)  # the plan exported at closing stays true
            proposal_rules.check_priorities(proposal_ids, tx.board.proposals(workshop.id))
            tx.board.clear_priorities(workshop.id)
            for rank_number, proposal_id in enumerate(proposal_ids, start=1):
                tx.board.update_proposal(proposal_id, priority_rank=rank_number)
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return []

        return self.core.facilitator_change(code, change)


def _close_rank_gaps(tx: Tx, workshop_id: int) -> None:
    """Renumber the remaining priorities 1, 2, 3... after one stopped being a priority."""
    ranked = sorted(
        (p for p in tx.board.proposals(workshop_id).values() if p.priority_rank is not None),
        key=lambda p: p.priority_rank or 0,
    )
    for number, proposal in enumerate(ranked, start=1):
        if proposal.priority_rank != number:
            tx.board.update_proposal(proposal.id, priority_rank=number)


def _descendants(proposal_id: int, proposals: dict[int, Any]) -> set[int]:
    """Return every proposal merged, directly or not, into proposal_id."""
    children = proposal_rules.merged_children(proposals)
    found: set[int] = set()
    stack = list(children.get(proposal_id, []))
    while stack:
        child = stack.pop()
        found.add(child)
        stack.extend(children.get(child, []))
    return found
