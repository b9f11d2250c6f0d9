"""Use cases of vote rounds: new rounds and run-offs, whole ballots, paper and assisted votes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from workshop.domain import stages, themes
from workshop.domain.counted import PAPER_SOURCES
from workshop.domain.errors import Conflict, InvalidInput, NotFound
from workshop.domain.methods import Method, RoundRules, check_ballot, check_paper_counts, eligible
from workshop.domain.model import Proposal, Stage, Workshop
from workshop.domain.numbering import from_numbers
from workshop.domain.rounds import (
    RESULTS_VIEWS,
    WALL_MODES,
    Round,
    check_round_is,
    check_rules,
    require_counting,
    shortlist,
)
from workshop.domain.voting import votable_target
from workshop.store.engine import Tx
from workshop.usecases.audiences import Audiences
from workshop.usecases.core import Core
from workshop.usecases.counting import ballot_items, count_round
from workshop.usecases.events import Answer, Event, PersonalChanged, StateChanged, TallyChanged
from workshop.usecases.room import require_present

MAX_ENTRIES_PER_ROUND = 500  # paper counts and assisted ballots the facilitator types in
MAX_ROUNDS = 20


class VoteRounds:
    """Rounds and the ways a vote reaches the tally besides a phone's dots."""

    def __init__(self, core: Core, audiences: Audiences) -> None:
        self.core = core
        self.audiences = audiences

    def start_round(
        self,
        code: str,
        method: Method,
        request_id: str,
        *,
        settings: Mapping[str, Any] | None = None,
        proposal_ids: list[int] | None = None,
        from_round: int | None = None,
        top: int | None = None,
        runoff_of: int | None = None,
        wall_mode: str = "participation",
        theme_id: int | None = None,
        on_themes: bool = False,
    ) -> Answer:
        """Open a new vote round: on every proposal, a shortlist, the top of a round, a tie,
        the proposals of one theme, or (on_themes) the themes themselves.

        Long because each of those ballots is drawn here, in the round's one transaction.

        The results of earlier rounds stay as they were. The new round opens in the
        vote stage with its results hidden from phones until revealed.
        """
        if wall_mode not in WALL_MODES:
            raise InvalidInput("The wall shows either results or participation only.")
        if on_themes and (theme_id is not None or proposal_ids or from_round is not None):
            raise InvalidInput(
                "A vote on themes puts every theme on the ballot: leave out the ideas, "
                "the theme and the earlier round."
            )

        def command(tx: Tx) -> Answer:
            workshop = self.core.workshop_in(tx, code, for_update=True)
            stages.require_not_closed(workshop.stage)
            earlier = tx.rounds.rounds_of(workshop.id)
            if len(earlier) >= MAX_ROUNDS:
                raise InvalidInput(
                    "A workshop can hold at most {max_rounds} rounds.", max_rounds=MAX_ROUNDS
                )
            proposals: Mapping[int, Proposal] = tx.board.proposals(workshop.id)
            # A second vote is on what tied: themes after a vote on themes, else ideas.
            tied_themes = bool(runoff_of and _round_by_number(earlier, runoff_of).rules.on_themes)
            if runoff_of and on_themes and not tied_themes:
                raise InvalidInput(
                    "Round {number} was a vote on ideas: its second vote is on the tied ideas.",
                    number=runoff_of,
                )
            on = on_themes or tied_themes
            if on:  # the themes are the ballot's items
                proposals = themes.as_candidates(tx.themes.themes(workshop.id))
            ids: frozenset[int] | None
            if on and runoff_of is None:
                ids = frozenset(pid for pid, item in proposals.items() if not item.hidden)
            elif theme_id is not None:  # the theme's proposals as they stand now
                board = tx.themes.themes(workshop.id)
                themes.get_theme(theme_id, board)
                ids = frozenset(themes.members(board, proposals).get(theme_id, []))
            else:
                ids = self._ballot_ids(
                    tx, earlier, proposals, proposal_ids, from_round, top, runoff_of
                )
            rules = replace(
                self._rules(method, workshop, settings or {}, ids, proposals), on_themes=on
            )
            check_rules(rules, proposals)
            runoff_id = _round_by_number(earlier, runoff_of).id if runoff_of else None
            round_id = tx.rounds.insert_round(
                workshop.id, Round(0, 0, rules, wall_mode, runoff_id), self.core.clock()
            )
            workshop.current_round_id = round_id
            workshop.stage = Stage.VOTE
            workshop.proposals_revealed = True
            workshop.results_revealed = False  # a new round must not show the last one's
            tx.workshops.save_workshop(workshop, self.core.clock())
            number = len(earlier) + 1
            return Answer(
                {"ok": True, "round_id": round_id, "number": number},
                [StateChanged(workshop.id, code), TallyChanged(workshop.id, code)],
            )

        return self.core.once(f"f:{code}", request_id, command)

    def _ballot_ids(
        self,
        tx: Tx,
        earlier: list[Round],
        proposals: Mapping[int, Proposal],
        proposal_ids: list[int] | None,
        from_round: int | None,
        top: int | None,
        runoff_of: int | None,
    ) -> frozenset[int] | None:
        """Return the proposals a new round is on (None: every proposal on the list)."""
        if runoff_of is not None:
            ties = count_round(tx, _round_by_number(earlier, runoff_of), proposals).result.ties
            if not ties:
                raise Conflict("Round {runoff_of} has no tie to settle.", runoff_of=runoff_of)
            chosen = set(proposal_ids) if proposal_ids else set(ties[0])
            if not any(chosen == set(group) for group in ties):
                raise InvalidInput(
                    "A second vote is between ideas tied with each other in round {runoff_of}.",
                    runoff_of=runoff_of,
                )
            return frozenset(chosen)
        if from_round is not None:
            if _round_by_number(earlier, from_round).rules.on_themes:
                raise InvalidInput(
                    "Round {number} was a vote on themes: take the top of a round on ideas.",
                    number=from_round,
                )
            ranking = count_round(tx, _round_by_number(earlier, from_round), proposals).result
            return frozenset(shortlist(ranking.ranking, top or 8))
        if proposal_ids:
            for pid in proposal_ids:
                votable_target(pid, proposals)
            return frozenset(proposal_ids)
        return None

    def _rules(
        self,
        method: Method,
        workshop: Workshop,
        settings: Mapping[str, Any],
        ids: frozenset[int] | None,
        proposals: Mapping[int, Proposal],
    ) -> RoundRules:
        on_list = eligible(RoundRules(method, proposal_ids=ids), proposals)
        dots = settings.get("dots", workshop.dots)
        return RoundRules(
            method,
            dots=dots,
            # As at creation, the default follows the dots: never more than each person has.
            max_per_proposal=settings.get("max_per_proposal", min(workshop.max_per_proposal, dots)),
            spend_all=settings.get("spend_all", False),
            top_k=settings.get("top_k", min(3, max(1, len(on_list)))),
            points_total=settings.get("points_total", 100),
            points_exact=settings.get("points_exact", True),
            proposal_ids=ids,
        )

    def cast_ballot(
        self,
        code: str,
        participant_id: int,
        round_id: int | None,
        choices: object,
        request_id: str,
    ) -> Answer:
        """Cast or replace an attendee's whole ballot (approval, ranking or points)."""

        def command(tx: Tx) -> Answer:
            workshop = self.core.workshop_in(tx, code)
            stages.require_voting_open(workshop.stage)
            round_ = self.core.current_round(tx, workshop)
            check_round_is(round_, round_id)
            if round_.method is Method.DOTS:
                raise Conflict("This round is dot voting: place your dots one at a time.")
            voter = require_present(tx.attendees.lock_participant(participant_id))  # tabs queue
            proposals = ballot_items(tx, round_, tx.board.proposals(workshop.id))
            ballot = check_ballot(round_.rules, choices, proposals)
            ballot_id = tx.rounds.insert_ballot(
                workshop.id, round_.id, voter.id, None, "phone", ballot, "", self.core.clock()
            )
            return Answer(
                {
                    "ok": True,
                    "ballot_id": ballot_id,
                    "vote_id": tx.rounds.tally_position(workshop.id),
                },
                [
                    TallyChanged(workshop.id, code),
                    PersonalChanged(workshop.id, code, (voter.id,)),
                ],
                self.audiences.me_after_vote(
                    tx, workshop, round_, voter, dict(proposals), {}, ballot
                ),
            )

        return self.core.once(f"p:{participant_id}", request_id, command)

    def enter_paper(
        self,
        code: str,
        source: str,
        group: str,
        voters: int,
        counts: object,
        note: str,
        request_id: str,
        by_number: bool = False,
    ) -> Answer:
        """Count a paper wall chart or a show of hands into the current round.

        With by_number, counts are keyed by the numbers printed on the chart.
        """
        if source not in PAPER_SOURCES:
            raise InvalidInput(
                "Say where the count came from: a paper wall chart or a show of hands."
            )

        def command(tx: Tx) -> Answer:
            workshop, round_ = self._counting(tx, code, group)
            proposals = ballot_items(tx, round_, tx.board.proposals(workshop.id))
            counts_by_id = from_numbers(counts, proposals) if by_number else counts
            checked = check_paper_counts(round_.rules, voters, counts_by_id, proposals)
            paper_id = tx.rounds.insert_paper(
                workshop.id,
                round_.id,
                source,
                group or None,
                voters,
                checked,
                note,
                self.core.clock(),
            )
            position = tx.rounds.tally_position(workshop.id)
            return Answer(
                {"ok": True, "paper_id": paper_id, "vote_id": position},
                [TallyChanged(workshop.id, code)],
            )

        return self.core.once(f"f:{code}", request_id, command)

    def enter_assisted_ballot(
        self,
        code: str,
        group: str,
        choices: object,
        note: str,
        request_id: str,
        by_number: bool = False,
    ) -> Answer:
        """Count one ballot filled in for a person (with by_number, as printed numbers)."""

        def command(tx: Tx) -> Answer:
            workshop, round_ = self._counting(tx, code, group)
            proposals = ballot_items(tx, round_, tx.board.proposals(workshop.id))
            sent = from_numbers(choices, proposals) if by_number else choices
            ballot = check_ballot(round_.rules, sent, proposals)
            ballot_id = tx.rounds.insert_ballot(
                workshop.id,
                round_.id,
                None,
                group or None,
                "assisted",
                ballot,
                note,
                self.core.clock(),
            )
            position = tx.rounds.tally_position(workshop.id)
            return Answer(
                {"ok": True, "ballot_id": ballot_id, "vote_id": position},
                [TallyChanged(workshop.id, code)],
            )

        return self.core.once(f"f:{code}", request_id, command)

    def _counting(self, tx: Tx, code: str, group: str) -> tuple[Workshop, Round]:
        workshop = self.core.workshop_in(tx, code, for_update=True)
        require_counting(workshop.stage)
        if group and group not in workshop.group_keys():
            raise InvalidInput("That group is not one of this workshop's groups.")
        round_ = self.core.current_round(tx, workshop)
        if tx.rounds.count_entries(round_.id) >= MAX_ENTRIES_PER_ROUND:
            raise InvalidInput(
                "This round already holds {max_entries_per_round} paper and assisted entries.",
                max_entries_per_round=MAX_ENTRIES_PER_ROUND,
            )
        return workshop, round_

    def withdraw_entry(self, code: str, kind: str, entry_id: int) -> Answer:
        """Take back a paper count or an assisted ballot typed in by mistake."""

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            require_counting(workshop.stage)
            round_ = self.core.current_round(tx, workshop)
            if not tx.rounds.withdraw_entry(kind, entry_id, round_.id):
                raise NotFound("That entry is not in this round, or was already taken back.")
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return [TallyChanged(workshop.id, code)]

        return self.core.facilitator_change(code, change)

    def set_display(
        self, code: str, wall_mode: str | None = None, results_view: str | None = None
    ) -> Answer:
        """Choose whether the wall shows results or turnout, and overall, by group or balanced."""
        if wall_mode is not None and wall_mode not in WALL_MODES:
            raise InvalidInput("The wall shows either results or participation only.")
        if results_view is not None and results_view not in RESULTS_VIEWS:
            raise InvalidInput("Show results overall, by group or group-balanced.")

        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            if wall_mode is not None:
                tx.rounds.set_wall_mode(self.core.current_round(tx, workshop).id, wall_mode)
            if results_view is not None:
                tx.workshops.set_results_view(workshop.id, results_view)
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return [TallyChanged(workshop.id, code)]

        return self.core.facilitator_change(code, change)


def _round_by_number(rounds: list[Round], number: int | None) -> Round:
    for round_ in rounds:
        if round_.number == number:
            return round_
    raise NotFound("There is no round {number} in this workshop.", number=number)
