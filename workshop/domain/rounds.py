"""Vote rounds: a workshop votes once or several times, each round with its own method.

A round keeps its rules and its ballots for good, so a shortlist round by dots and a
final ranking round on the top eight both stay in the record with their own results.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from workshop.domain.errors import Conflict, InvalidInput, NotFound, WrongStage
from workshop.domain.how_counted import how_counted
from workshop.domain.methods import Method, RoundRules, eligible
from workshop.domain.model import Proposal, Stage
from workshop.domain.numbering import numbers as printed_numbers
from workshop.domain.voting import RankedRow, votable_target

WALL_MODES = ("results", "participation")
RESULTS_VIEWS = ("overall", "groups", "balanced")
MAX_DOTS = 20
MAX_POINTS_TOTAL = 1000


@dataclass(frozen=True)
class Round:
    """One vote round of a workshop."""

    id: int
    number: int
    rules: RoundRules
    # Until results are revealed the wall shows only who has voted: a first-time
    # facilitator must not show one person's dots to the room by default.
    wall_mode: str = "participation"
    runoff_of: int | None = None  # the round whose tie this round settles

    @property
    def method(self) -> Method:
        """Return the round's voting method."""
        return self.rules.method

    def header(self, numbers: Mapping[int, int]) -> dict[str, Any]:
        """Return how every listing names the round: number, method, and whose run-off it is.

        `numbers` gives each round id its number: a run-off names its round by number,
        as start_round takes it.
        """
        return {
            "number": self.number,
            "method": self.rules.method.value,
            "method_label": self.rules.method.label,
            "runoff_of": numbers.get(self.runoff_of) if self.runoff_of else None,
        }

    def candidates(self, items: Mapping[int, Proposal]) -> list[dict[str, object]] | None:
        """Return the themes on a round on themes' ballot, each with its number on paper
        (as ideas have); None for a round on ideas, whose items are the proposals."""
        return _candidates(self.rules, items) if self.rules.on_themes else None

    def as_dict(
        self, proposals: Mapping[int, Proposal], numbers: Mapping[int, int]
    ) -> dict[str, object]:
        """Return the round as snapshots carry it, with the proposals on its ballot.

        `numbers` gives each round id its number: a run-off names its round by number,
        as start_round takes it.
        """
        rules = self.rules
        return {
            "id": self.id,
            **self.header(numbers),
            **settings(rules),
            "shortlist": rules.proposal_ids is not None,
            "proposal_ids": eligible(rules, proposals),
            "on_themes": rules.on_themes,
            # A round on themes names its items here: phones and screens cannot look a
            # theme up among the ideas. Rounds on ideas have null.
            "candidates": self.candidates(proposals),
            "wall_mode": self.wall_mode,
            "how_counted": how_counted(rules.method.value),
        }


def _candidates(rules: RoundRules, items: Mapping[int, Proposal]) -> list[dict[str, object]]:
    number_of = printed_numbers(items)
    return [
        {"id": pid, "number": number_of[pid], "text": items[pid].text}
        for pid in eligible(rules, items)
    ]


def settings(rules: RoundRules) -> dict[str, object]:
    """Return a round's settings (what its ballot allows), as snapshots and exports show them."""
    return {
        "dots": rules.dots,
        "max_per_proposal": rules.max_per_proposal,
        "spend_all": rules.spend_all,
        "top_k": rules.top_k,
        "points_total": rules.points_total,
        "points_exact": rules.points_exact,
    }


def rules_to_json(rules: RoundRules) -> str:
    """Return the rules as stored in a round's row."""
    data = asdict(rules)
    data["method"] = rules.method.value
    ids = rules.proposal_ids
    data["proposal_ids"] = sorted(ids) if ids is not None else None
    return json.dumps(data, sort_keys=True)


def rules_from_json(method: str, text: str) -> RoundRules:
    """Return the rules a round's row holds (older rows hold only the dot settings)."""
    data = json.loads(text)
    data["method"] = Method(method)
    ids = data.get("proposal_ids")
    data["proposal_ids"] = frozenset(ids) if ids is not None else None
    return RoundRules(**data)


def check_rules(rules: RoundRules, proposals: Mapping[int, Proposal]) -> None:
    """Refuse settings no ballot could meet, with a sentence saying what to change."""
    if not 1 <= rules.dots <= MAX_DOTS:
        raise InvalidInput("Give each person between 1 and {max_dots} dots.", max_dots=MAX_DOTS)
    if not 1 <= rules.max_per_proposal <= rules.dots:
        raise InvalidInput(
            "The most dots on one idea must be at least 1 and no more than the dots "
            "each person has."
        )
    if not 10 <= rules.points_total <= MAX_POINTS_TOTAL:
        raise InvalidInput(
            "Share between 10 and {max_points_total} points.", max_points_total=MAX_POINTS_TOTAL
        )
    on_ballot = eligible(rules, proposals)
    if rules.on_themes and rules.method is Method.DOTS:
        raise InvalidInput(
            "Dots go on single ideas: for a vote on themes choose approval, ranking "
            "or sharing points."
        )
    if rules.on_themes and len(on_ballot) < 2:
        raise InvalidInput("A vote on themes needs at least two themes: make them first.")
    if rules.proposal_ids is not None and len(on_ballot) < 2:
        raise InvalidInput("A round needs at least two ideas still on the list.")
    if not on_ballot:
        raise InvalidInput("There is nothing to vote on yet: add or show an idea first.")
    if rules.method is Method.RANKING and not 1 <= rules.top_k <= len(on_ballot):
        raise InvalidInput(
            "People can rank between 1 and {count} ideas in this round (the number on the "
            "ballot): you asked for {top_k}.",
            count=len(on_ballot),
            top_k=rules.top_k,
        )
    if (
        rules.method is Method.DOTS
        and rules.spend_all
        and rules.dots > (rules.max_per_proposal * len(on_ballot))
    ):
        raise InvalidInput(
            "Nobody could place every dot: allow more dots on one idea, give fewer "
            "dots or put more ideas on the ballot."
        )


def shortlist(ranking: Sequence[RankedRow], top: int) -> list[int]:
    """Return the proposals ranked in the top `top`, with every proposal tied at the cut.

    A tie across the cut is never broken silently: all of it goes through, so the
    shortlist may be longer than asked, and the console says so.
    """
    if top < 1:
        raise InvalidInput("Take at least one idea into the next round.")
    return [row.proposal_id for row in ranking if row.rank <= top]


def support_round(rounds: Sequence[Round], priorities: Collection[int] = ()) -> Round:
    """Return the dot round whose dots are a plan's support: the last that held every priority.

    A run-off or a shortlist holds only some proposals, so counting support from one
    that left a priority out would give that priority nothing. Round 1 is always a dot
    round on every proposal, so there is always one to fall back on.
    """
    dots = [r for r in rounds if r.method is Method.DOTS]
    held = [
        r
        for r in dots
        if r.runoff_of is None
        and (r.rules.proposal_ids is None or set(priorities) <= r.rules.proposal_ids)
    ]
    return (held or dots)[-1]


def round_at(rounds: Sequence[Round], stage: Stage, number: int) -> Round:
    """Return the round a stage change names, or refuse in words."""
    if stage not in (Stage.VOTE, Stage.RESULTS):
        raise InvalidInput("Name a round only when moving to voting or to results.")
    for round_ in rounds:
        if round_.number == number:
            return round_
    raise NotFound("There is no round {number} in this workshop.", number=number)


def check_round_is(round_: Round, round_id: int | None) -> None:
    """Refuse a vote meant for another round (a phone that has not caught up yet)."""
    if round_id is not None and round_id != round_.id:
        raise Conflict(
            "That vote was for an earlier round: round {number} is open now. Refresh to see "
            "its ballot.",
            number=round_.number,
        )


def on_ballot(proposal_id: int, rules: RoundRules, proposals: Mapping[int, Proposal]) -> int:
    """Return the survivor a vote on proposal_id counts for in this round, or refuse."""
    target = votable_target(proposal_id, proposals)
    if target not in eligible(rules, proposals):
        raise InvalidInput("That idea is not part of this round: pick one on the ballot.")
    return target


def require_counting(stage: Stage) -> None:
    """Refuse a paper count or assisted ballot outside voting and results."""
    if stage not in (Stage.VOTE, Stage.RESULTS):
        raise WrongStage(
            "Paper and assisted votes are counted during voting or results: "
            "move the workshop to one of those stages first."
        )
