"""Tallies of one vote round: ballots and paper counts folded, scored, split by group and balanced.

Ballots are kept as cast and folded through merges and hides only here, at tally
time, so a merge or an unhide after voting is reflected without touching a ballot.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from workshop.domain import schulze
from workshop.domain.errors import InvalidInput
from workshop.domain.methods import PAPER_RANKING, Method, RoundRules, eligible
from workshop.domain.model import Proposal
from workshop.domain.voting import RankedRow, counts_for, rank

NO_GROUP = ""  # the group key of people who did not say which group they belong to


@dataclass(frozen=True)
class Ballot:
    """One person's ballot as cast: ids as stored, folded at tally time."""

    group: str | None  # stakeholder group key; None = not given
    choices: tuple[int, ...] | Mapping[int, int]  # APPROVAL/RANKING: ids; DOTS/POINTS: id -> n
    source: str = "phone"  # "phone" | "assisted"
    # How many people's dots this ballot adds up (DOTS without spend_all only, where
    # scores simply add): a large room is counted from one sum per group, not per person.
    people: int = 1


@dataclass(frozen=True)
class PaperCount:
    """A wall chart or a show of hands: counts in the method's unit, standing for `voters`."""

    group: str | None
    voters: int
    counts: Mapping[int, int]
    source: str  # "wall_chart" | "hands"


@dataclass(frozen=True)
class BalancedRow:
    """One line of a group-balanced ranking: like RankedRow, with an exact fractional score."""

    proposal_id: int
    points: Fraction
    rank: int
    tied: bool

    def as_dict(self) -> dict[str, object]:
        """Return the row as the wire carries it (the score rounded, the tie flag exact)."""
        return {
            "proposal_id": self.proposal_id,
            "points": as_number(self.points),
            "rank": self.rank,
            "tied": self.tied,
        }


def as_number(value: int | Fraction) -> int | float:
    """Return a score JSON can carry: ints as they are, fractions rounded to 3 places."""
    return value if isinstance(value, int) else round(float(value), 3)


def rank_exact(scores: Mapping[int, Fraction]) -> list[BalancedRow]:
    """Rank exact scores, most first; equal scores share a rank and are marked tied."""
    # Ties are decided on the exact Fractions: two scores that round alike are not tied.
    ordered = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    sizes: dict[Fraction, int] = {}
    for _, score in ordered:
        sizes[score] = sizes.get(score, 0) + 1
    rows: list[BalancedRow] = []
    for index, (pid, score) in enumerate(ordered):
        shared_rank = rows[-1].rank if rows and rows[-1].points == score else index + 1
        rows.append(BalancedRow(pid, score, shared_rank, sizes[score] > 1))
    return rows


def keyed(values: Mapping[int, object]) -> dict[str, object]:
    """Return a per-proposal mapping with str keys, scores made JSON-safe."""
    return {
        str(pid): as_number(value) if isinstance(value, int | Fraction) else value
        for pid, value in sorted(values.items())
    }


@dataclass(frozen=True)
class RoundResult:
    """Everything the results screens show of one round, exact until as_dict()."""

    method: Method
    eligible: list[int]
    totals: dict[int, int]
    ranking: list[RankedRow]
    voters: int
    incomplete: int
    voters_by_group: dict[str, int]
    by_group: dict[str, dict[int, int]]
    balanced: dict[int, Fraction]
    balanced_ranking: list[BalancedRow]
    from_paper: dict[int, int]
    from_assisted: dict[int, int]
    paper_voters: int
    assisted_ballots: int
    merged: dict[int, list[int]]
    ties: list[list[int]]
    schulze: list[RankedRow] | None = None
    condorcet_winner: int | None = None
    balanced_schulze: list[RankedRow] | None = None

    def as_dict(self) -> dict[str, object]:
        """Return the result as JSON carries it: str keys, fractions rounded to 3 places."""
        return {
            "method": self.method.value,
            "eligible": list(self.eligible),
            "totals": keyed(self.totals),
            "ranking": [row.as_dict() for row in self.ranking],
            "voters": self.voters,
            "incomplete": self.incomplete,
            "voters_by_group": dict(sorted(self.voters_by_group.items())),
            "by_group": {g: keyed(scores) for g, scores in sorted(self.by_group.items())},
            "balanced": keyed(self.balanced),
            "balanced_ranking": [row.as_dict() for row in self.balanced_ranking],
            "from_paper": keyed(self.from_paper),
            "from_assisted": keyed(self.from_assisted),
            "paper_voters": self.paper_voters,
            "assisted_ballots": self.assisted_ballots,
            "merged": keyed(self.merged),
            "ties": [list(group) for group in self.ties],
            "schulze": None if self.schulze is None else [r.as_dict() for r in self.schulze],
            "condorcet_winner": self.condorcet_winner,
            "balanced_schulze": (
                None
                if self.balanced_schulze is None
                else [r.as_dict() for r in self.balanced_schulze]
            ),
        }


@dataclass
class Folded:
    """One ballot or paper count after folding: its score per survivor and what it carried."""

    score: dict[int, int] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)  # RANKING: survivors, best first
    carried: set[tuple[int, int]] = field(default_factory=set)  # (survivor, merged id)


def fold_ballot(
    method: Method,
    choices: tuple[int, ...] | Mapping[int, int],
    allowed: set[int],
    proposals: Mapping[int, Proposal],
) -> Folded:
    """Fold one ballot's choices onto this round's survivors and score it in the method's unit."""
    folded = Folded()
    if isinstance(choices, Mapping):
        for pid, amount in choices.items():
            survivor = counts_for(pid, proposals)
            # Stored ballots were checked when cast; a non-positive amount carries nothing.
            if survivor in allowed and amount > 0:
                folded.score[survivor] = folded.score.get(survivor, 0) + amount
                if pid != survivor:
                    folded.carried.add((survivor, pid))
        return folded
    n = len(allowed)
    for pid in choices:
        survivor = counts_for(pid, proposals)
        if survivor not in allowed:
            continue
        if pid != survivor:
            folded.carried.add((survivor, pid))
        if survivor in folded.score:
            continue  # a merged duplicate: approval counts once, a ranking keeps the higher place
        if method is Method.RANKING:
            folded.score[survivor] = n - 1 - len(folded.order)  # Borda, as schulze.borda
            folded.order.append(survivor)
        else:
            folded.score[survivor] = 1
    return folded


def group_key(group: str | None) -> str:
    """Return the key a group is tallied under ("" for "not given")."""
    return NO_GROUP if group is None else group


def add(into: dict[int, int], score: Mapping[int, int]) -> None:
    """Add a score per proposal into a running total."""
    for pid, amount in score.items():
        into[pid] = into.get(pid, 0) + amount


def tally_round(
    rules: RoundRules,
    ballots: Sequence[Ballot],
    paper: Sequence[PaperCount],
    proposals: Mapping[int, Proposal],
) -> RoundResult:
    """Tally one round: fold every ballot and paper count, score, split by group and balance.

    Scores are in the method's unit: dots, approving ballots, points, or Borda points
    for a ranking (which also gets Schulze's order). Paper counts are already in that
    unit and their voters count as voters.

    Long because it is one pass over the ballots that folds, scores and splits by group
    together; the scoring rules it calls are separate functions.
    """
    method = rules.method
    on_ballot = eligible(rules, proposals)
    allowed = set(on_ballot)
    zeros = dict.fromkeys(on_ballot, 0)
    totals, from_paper, from_assisted = dict(zeros), dict(zeros), dict(zeros)
    by_group: dict[str, dict[int, int]] = {}
    voters_by_group: dict[str, int] = {}
    carried: set[tuple[int, int]] = set()
    rankings: list[tuple[list[int], str]] = []
    counted = incomplete = assisted = paper_voters = 0

    def count(folded: Folded, group: str, people: int) -> None:
        add(totals, folded.score)
        add(by_group.setdefault(group, dict(zeros)), folded.score)
        voters_by_group[group] = voters_by_group.get(group, 0) + people
        carried.update(folded.carried)

    for ballot in ballots:
        folded = fold_ballot(method, ballot.choices, allowed, proposals)
        if method is Method.DOTS and rules.spend_all and sum(folded.score.values()) < rules.dots:
            incomplete += 1  # not every dot placed (or some now hidden): it does not count yet
            continue
        group = group_key(ballot.group)
        count(folded, group, ballot.people)
        counted += ballot.people
        if ballot.source == "assisted":
            assisted += 1
            add(from_assisted, folded.score)
        if method is Method.RANKING:
            rankings.append((folded.order, group))

    for sheet in paper:
        if method is Method.RANKING:
            raise InvalidInput(PAPER_RANKING)
        folded = fold_ballot(method, dict(sheet.counts), allowed, proposals)
        if method is Method.APPROVAL:
            # Two columns merged after the count may hold the same raised hands: a
            # proposal can never have more approvals than the people in the room.
            folded.score = {pid: min(n, sheet.voters) for pid, n in folded.score.items()}
        count(folded, group_key(sheet.group), sheet.voters)
        paper_voters += sheet.voters
        add(from_paper, folded.score)

    weights = {g: people for g, people in voters_by_group.items() if people > 0}
    balanced = balance(by_group, weights, on_ballot)
    ranking = rank(totals)
    merged: dict[int, list[int]] = {pid: [] for pid in on_ballot}
    for survivor, pid in sorted(carried):
        merged[survivor].append(pid)

    schulze_rows = balanced_schulze = None
    winner = None
    if method is Method.RANKING:
        d = schulze.pairwise([(order, 1) for order, _ in rankings], on_ballot)
        # Each group's ballots share one equal slice of the weight, as in `balanced`.
        share = {g: Fraction(1, len(weights) * people) for g, people in weights.items()}
        even = schulze.pairwise([(order, share[g]) for order, g in rankings], on_ballot)
        schulze_rows = schulze.schulze_ranking(d, on_ballot)
        winner = schulze.condorcet_winner(d, on_ballot)
        balanced_schulze = schulze.schulze_ranking(even, on_ballot)

    return RoundResult(
        method=method,
        eligible=on_ballot,
        totals=totals,
        ranking=ranking,
        voters=counted + paper_voters,
        incomplete=incomplete,
        voters_by_group=dict(sorted(voters_by_group.items())),
        by_group={g: by_group[g] for g in sorted(by_group)},
        balanced=balanced,
        balanced_ranking=rank_exact(balanced),
        from_paper=from_paper,
        from_assisted=from_assisted,
        paper_voters=paper_voters,
        assisted_ballots=assisted,
        merged=merged,
        # Before anyone votes everything is level at 0: that is no tie to settle.
        ties=tie_groups(ranking) if counted + paper_voters else [],
        schulze=schulze_rows,
        condorcet_winner=winner,
        balanced_schulze=balanced_schulze,
    )


def balance(
    by_group: Mapping[str, Mapping[int, int]], voters: Mapping[str, int], on_ballot: list[int]
) -> dict[int, Fraction]:
    """Return each proposal's score per voter, averaged over the groups that voted.

    Every group carries the same weight whatever its size, so for dots this reads
    "average dots per person if every group were the same size".
    """
    if not voters:
        return dict.fromkeys(on_ballot, Fraction(0))
    return {
        pid: sum((Fraction(by_group[g][pid], people) for g, people in voters.items()), Fraction(0))
        / len(voters)
        for pid in on_ballot
    }


def tie_groups(ranking: Sequence[RankedRow]) -> list[list[int]]:
    """Return the groups of proposals sharing a rank, best first: candidates for a run-off."""
    groups: dict[int, list[int]] = {}
    for row in ranking:
        groups.setdefault(row.rank, []).append(row.proposal_id)
    return [ids for _, ids in sorted(groups.items()) if len(ids) > 1]
