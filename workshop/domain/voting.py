"""Dot-voting rules and tallies: pure functions over plain numbers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from workshop.domain.errors import N_, Conflict, LimitReached, NoDotsLeft, NotFound
from workshop.domain.model import Proposal


def survivor_of(proposal_id: int, proposals: Mapping[int, Proposal]) -> int:
    """Follow merges from proposal_id to the proposal its support now counts for."""
    seen = set()
    current = proposal_id
    while (merged_into := proposals[current].merged_into) is not None:
        if current in seen:  # a cycle is impossible through the services; stop rather than spin
            break
        seen.add(current)
        current = merged_into
    return current


def counts_for(proposal_id: int, proposals: Mapping[int, Proposal]) -> int | None:
    """Return the survivor a vote on proposal_id counts for, or None if it counts for nothing.

    A vote stops counting while the proposal it was cast on, or any proposal it was
    merged into on the way to its survivor, is hidden.
    """
    seen: set[int] = set()
    current = proposal_id
    while current not in seen:
        proposal = proposals.get(current)
        if proposal is None or proposal.hidden:
            return None
        if proposal.merged_into is None:
            return current
        seen.add(current)
        current = proposal.merged_into
    return None  # a cycle is impossible through the services; count nothing rather than spin


def fold_totals(raw: Mapping[int, int], proposals: Mapping[int, Proposal]) -> dict[int, int]:
    """Fold points cast per proposal into points per visible survivor (zero for none)."""
    totals = {p.id: 0 for p in proposals.values() if counts_for(p.id, proposals) == p.id}
    for proposal_id, points in raw.items():
        target = counts_for(proposal_id, proposals)
        if target is not None and points:
            totals[target] += points
    return totals


@dataclass(frozen=True)
class RankedRow:
    """One line of the results: ties share a rank and are marked, never broken silently."""

    proposal_id: int
    points: int
    rank: int
    tied: bool

    def as_dict(self) -> dict[str, object]:
        """Return the row as the wire carries it."""
        return {
            "proposal_id": self.proposal_id,
            "points": self.points,
            "rank": self.rank,
            "tied": self.tied,
        }


def rank(totals: Mapping[int, int]) -> list[RankedRow]:
    """Rank by points, most first; equal points share a rank (1, 2, 2, 4).

    Tied proposals are listed in arrival order (lower id first): a stated display
    rule, not a result, which is why they are marked as tied.
    """
    ordered = sorted(totals.items(), key=lambda item: (-item[1], item[0]))
    counts: dict[int, int] = {}
    for _, points in ordered:
        counts[points] = counts.get(points, 0) + 1
    rows: list[RankedRow] = []
    for index, (proposal_id, points) in enumerate(ordered):
        shared_rank = rows[-1].rank if rows and rows[-1].points == points else index + 1
        rows.append(RankedRow(proposal_id, points, shared_rank, counts[points] > 1))
    return rows


@dataclass(frozen=True)
class DotBudget:
    """What one attendee has spent, folded through merges and hides."""

    dots: int
    max_per_proposal: int
    by_proposal: dict[int, int]

    @classmethod
    def from_votes(
        cls,
        dots: int,
        max_per_proposal: int,
        raw: Mapping[int, int],
        proposals: Mapping[int, Proposal],
    ) -> DotBudget:
        """Build the budget from one attendee's points per proposal as cast."""
        folded: dict[int, int] = {}
        for proposal_id, points in raw.items():
            target = counts_for(proposal_id, proposals)
            if target is not None and points:
                folded[target] = folded.get(target, 0) + points
        return cls(dots, max_per_proposal, folded)

    @property
    def used(self) -> int:
        """Return the dots currently counting."""
        return sum(self.by_proposal.values())

    @property
    def left(self) -> int:
        """Return the dots still free; never negative, even after an unhide."""
        return max(0, self.dots - self.used)

    def check_cast(self, target: int, points: int) -> None:
        """Refuse a placement that would overspend the budget or the per-proposal limit."""
        if points > self.left:
            if self.left == 0:
                raise NoDotsLeft("You have no dots left: take one back from another idea first.")
            if self.left == 1:
                raise NoDotsLeft("You only have 1 dot left.")
            raise NoDotsLeft("You only have {left} dots left.", left=self.left)
        if self.by_proposal.get(target, 0) + points > self.max_per_proposal:
            if self.max_per_proposal == 1:
                raise LimitReached(
                    "You can put at most 1 dot on one idea: spread the rest across others."
                )
            raise LimitReached(
                "You can put at most {most} dots on one idea: spread the rest across others.",
                most=self.max_per_proposal,
            )

    def check_retract(self, target: int, points: int) -> None:
        """Refuse taking back more dots than the attendee has on that proposal."""
        have = self.by_proposal.get(target, 0)
        if have == 0:
            raise Conflict("You have no dot on that idea to take back.")
        if have < points:
            raise Conflict(
                N_("You have only {have} dots on that idea: take back that many or fewer.")
                if have != 1
                else N_("You have only 1 dot on that idea: take back that many or fewer."),
                have=have,
            )


def votable_target(proposal_id: int, proposals: Mapping[int, Proposal]) -> int:
    """Return the survivor a new dot on proposal_id would count for, or refuse."""
    target = counts_for(proposal_id, proposals)
    if target is None:
        raise NotFound("That idea is no longer on the list: refresh and pick another.")
    return target


def sum_points(rows: Iterable[tuple[int, int]]) -> dict[int, int]:
    """Add up (proposal_id, points) pairs into points per proposal."""
    totals: dict[int, int] = {}
    for proposal_id, points in rows:
        totals[proposal_id] = totals.get(proposal_id, 0) + points
    return totals
