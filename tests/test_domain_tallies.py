"""Round tallies: worked examples for each method, groups and balance, and their invariants."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from fractions import Fraction as F

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.domain_boards import BOARD, proposals
from workshop.domain.errors import InvalidInput
from workshop.domain.methods import Method, RoundRules, eligible
from workshop.domain.model import Proposal
from workshop.domain.tallies import (
    BalancedRow,
    Ballot,
    PaperCount,
    RoundResult,
    rank_exact,
    tally_round,
)
from workshop.domain.voting import RankedRow, counts_for

quick = settings(database=None, deadline=None, max_examples=200)


def order(rows: Sequence[RankedRow | BalancedRow]) -> list[tuple[int, object, int, bool]]:
    """Return ranking rows as (id, points, rank, tied) for a compact comparison."""
    return [(row.proposal_id, row.points, row.rank, row.tied) for row in rows]


# -- worked examples ----------------------------------------------------------------------


def dots_example() -> RoundResult:
    ballots = [
        Ballot("staff", {1: 3, 2: 2}),
        Ballot("staff", {5: 2, 1: 1, 6: 2}),  # 5 counts for 2; 6 is hidden
        Ballot("users", {3: 3, 4: 2}, "assisted"),
        Ballot(None, {2: 1}),
    ]
    paper = [PaperCount("users", 2, {3: 4, 5: 1}, "wall_chart")]
    return tally_round(RoundRules(Method.DOTS), ballots, paper, BOARD)


def test_dots_follow_merges_drop_hidden_and_add_paper_and_assisted() -> None:
    result = dots_example()
    assert result.eligible == [1, 2, 3, 4]
    assert result.totals == {1: 4, 2: 6, 3: 7, 4: 2}
    assert order(result.ranking) == [
        (3, 7, 1, False),
        (2, 6, 2, False),
        (1, 4, 3, False),
        (4, 2, 4, False),
    ]
    assert (result.voters, result.incomplete) == (6, 0)
    assert result.from_paper == {1: 0, 2: 1, 3: 4, 4: 0}
    assert result.from_assisted == {1: 0, 2: 0, 3: 3, 4: 2}
    assert (result.paper_voters, result.assisted_ballots) == (2, 1)
    assert result.merged == {1: [], 2: [5], 3: [], 4: []}
    assert result.ties == []
    assert (result.schulze, result.condorcet_winner, result.balanced_schulze) == (None, None, None)


def test_dots_split_by_group_and_balanced_across_groups() -> None:
    result = dots_example()
    assert result.voters_by_group == {"": 1, "staff": 2, "users": 3}
    assert result.by_group == {
        "": {1: 0, 2: 1, 3: 0, 4: 0},
        "staff": {1: 4, 2: 4, 3: 0, 4: 0},
        "users": {1: 0, 2: 1, 3: 7, 4: 2},
    }
    # Average dots per person in each group, the three groups weighted equally.
    assert result.balanced == {1: F(2, 3), 2: F(10, 9), 3: F(7, 9), 4: F(2, 9)}
    assert order(result.balanced_ranking) == [
        (2, F(10, 9), 1, False),
        (3, F(7, 9), 2, False),
        (1, F(2, 3), 3, False),
        (4, F(2, 9), 4, False),
    ]


def test_spend_all_leaves_out_ballots_that_do_not_place_every_dot() -> None:
    ballots = [
        Ballot("staff", {1: 3, 2: 2}),
        Ballot("staff", {1: 3, 6: 2}),  # 6 was hidden after voting: only 3 dots count now
        Ballot(None, {1: 1}),
    ]
    result = tally_round(RoundRules(Method.DOTS, spend_all=True), ballots, [], BOARD)
    assert (result.voters, result.incomplete) == (1, 2)
    assert result.totals == {1: 3, 2: 2, 3: 0, 4: 0}
    assert result.voters_by_group == {"staff": 1}


def test_dots_ties_are_listed_for_a_run_off() -> None:
    ballots = [Ballot(None, {1: 2, 2: 2, 3: 1}), Ballot(None, {3: 1})]
    result = tally_round(RoundRules(Method.DOTS), ballots, [], BOARD)
    assert order(result.ranking) == [
        (1, 2, 1, True),
        (2, 2, 1, True),
        (3, 2, 1, True),
        (4, 0, 4, False),
    ]
    assert result.ties == [[1, 2, 3]]


def test_approval_counts_a_ballot_once_per_survivor() -> None:
    ballots = [
        Ballot("staff", (2, 5, 1)),  # 5 was merged into 2 after the ballot: one approval
        Ballot("staff", (5,)),
        Ballot("users", (6,)),  # only a hidden proposal: a voter who supports nothing here
        Ballot(None, ()),  # "I approve none"
    ]
    paper = [PaperCount(None, 10, {1: 4, 2: 7}, "hands")]
    result = tally_round(RoundRules(Method.APPROVAL), ballots, paper, BOARD)
    assert result.totals == {1: 5, 2: 9, 3: 0, 4: 0}
    assert result.voters == 14
    assert result.voters_by_group == {"": 11, "staff": 2, "users": 1}
    assert result.merged[2] == [5]
    assert result.from_paper == {1: 4, 2: 7, 3: 0, 4: 0}


def test_approval_paper_columns_merged_later_never_exceed_the_people_counted() -> None:
    paper = [PaperCount(None, 5, {2: 4, 5: 3}, "hands")]  # the same hands may be in both
    result = tally_round(RoundRules(Method.APPROVAL), [], paper, BOARD)
    assert result.totals[2] == 5


def test_a_large_group_wins_overall_but_ties_once_groups_are_balanced() -> None:
    board = proposals((1, None, False), (2, None, False))
    ballots = [Ballot("staff", (1,))] * 8 + [Ballot("service_users", (2,))] * 2
    result = tally_round(RoundRules(Method.APPROVAL), ballots, [], board)
    assert order(result.ranking) == [(1, 8, 1, False), (2, 2, 2, False)]
    assert result.balanced == {1: F(1, 2), 2: F(1, 2)}
    assert order(result.balanced_ranking) == [(1, F(1, 2), 1, True), (2, F(1, 2), 1, True)]


def test_points_add_up_through_merges() -> None:
    ballots = [
        Ballot("staff", {1: 60, 2: 40}),
        Ballot("users", {5: 50, 3: 50}, "assisted"),
        Ballot("users", {7: 100}),  # merged into a hidden proposal: counts for nothing
    ]
    paper = [PaperCount("staff", 3, {4: 300}, "wall_chart")]
    result = tally_round(RoundRules(Method.POINTS), ballots, paper, BOARD)
    assert result.totals == {1: 60, 2: 90, 3: 50, 4: 300}
    assert result.from_assisted == {1: 0, 2: 50, 3: 50, 4: 0}
    assert result.voters_by_group == {"staff": 4, "users": 2}
    assert result.balanced[4] == F(300, 4) / 2
    assert result.merged == {1: [], 2: [5], 3: [], 4: []}


def ranking_example() -> RoundResult:
    rules = RoundRules(Method.RANKING, proposal_ids=frozenset({1, 2, 3}))
    ballots = [
        Ballot("staff", (1, 2, 3)),
        Ballot("staff", (5, 1, 2)),  # 5 now counts for 2; the later 2 is the duplicate
        Ballot("users", (3,)),
        Ballot(None, (4, 1), "assisted"),  # 4 is not in this round
    ]
    return tally_round(rules, ballots, [], BOARD)


def test_ranking_scores_borda_on_the_round_and_keeps_the_higher_place_of_a_merge() -> None:
    result = ranking_example()
    assert result.eligible == [1, 2, 3]
    # Three on the ballot: 2 points for first, 1 for second.
    assert result.totals == {1: 2 + 1 + 2, 2: 1 + 2, 3: 2}
    assert result.from_assisted == {1: 2, 2: 0, 3: 0}
    assert result.merged == {1: [], 2: [5], 3: []}
    assert result.voters == 4


def test_ranking_gets_schulze_overall_and_balanced() -> None:
    result = ranking_example()
    assert result.condorcet_winner == 1
    assert result.schulze == [
        RankedRow(1, 2, 1, False),
        RankedRow(2, 1, 2, False),
        RankedRow(3, 0, 3, False),
    ]
    # Weighted 1/6 per staff ballot and 1/3 per other ballot, 2 and 3 tie head to head.
    assert result.balanced_schulze == [
        RankedRow(1, 2, 1, False),
        RankedRow(2, 0, 2, True),
        RankedRow(3, 0, 2, True),
    ]


def test_a_ranking_round_refuses_paper_counts() -> None:
    paper = [PaperCount(None, 3, {1: 2}, "hands")]
    with pytest.raises(InvalidInput) as caught:
        tally_round(RoundRules(Method.RANKING), [], paper, BOARD)
    assert "enter each paper ballot as an assisted ballot" in caught.value.message


def test_a_round_with_no_votes_ranks_everything_level_but_offers_no_tie_to_settle() -> None:
    result = tally_round(RoundRules(Method.APPROVAL), [], [], BOARD)
    assert (result.voters, result.totals) == (0, {1: 0, 2: 0, 3: 0, 4: 0})
    assert result.balanced == {1: 0, 2: 0, 3: 0, 4: 0}
    assert all(row.tied for row in result.ranking) and result.ties == []


def test_as_dict_is_json_safe_with_rounded_fractions_and_exact_ties() -> None:
    data = dots_example().as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["totals"] == {"1": 4, "2": 6, "3": 7, "4": 2}
    assert data["balanced"] == {"1": 0.667, "2": 1.111, "3": 0.778, "4": 0.222}
    assert data["by_group"]["staff"] == {"1": 4, "2": 4, "3": 0, "4": 0}
    assert data["merged"] == {"1": [], "2": [5], "3": [], "4": []}
    assert data["balanced_ranking"][0] == {
        "proposal_id": 2,
        "points": 1.111,
        "rank": 1,
        "tied": False,
    }
    assert data["method"] == "dots"
    ranking = ranking_example().as_dict()
    assert json.loads(json.dumps(ranking)) == ranking
    assert ranking["schulze"][0] == {"proposal_id": 1, "points": 2, "rank": 1, "tied": False}


def test_scores_that_round_alike_are_not_tied() -> None:
    rows = rank_exact({1: F(1, 3), 2: F(333, 1000), 3: F(1, 3)})
    assert [row.as_dict() for row in rows] == [
        {"proposal_id": 1, "points": 0.333, "rank": 1, "tied": True},
        {"proposal_id": 3, "points": 0.333, "rank": 1, "tied": True},
        {"proposal_id": 2, "points": 0.333, "rank": 3, "tied": False},
    ]


# -- invariants -----------------------------------------------------------------------------

GROUPS = st.sampled_from([None, "staff", "users", "residents"])


@st.composite
def boards(draw: st.DrawFn) -> dict[int, Proposal]:
    """Draw 1-6 proposals, some merged into later ones, a few hidden."""
    count = draw(st.integers(1, 6))
    board = {}
    for pid in range(1, count + 1):
        merged = draw(st.one_of(st.none(), st.integers(pid + 1, count))) if pid < count else None
        hidden = draw(st.sampled_from([False, False, False, True]))
        board[pid] = Proposal(pid, f"proposal {pid}", None, hidden, merged)
    return board


def choices_for(method: Method, ids: list[int]) -> st.SearchStrategy[object]:
    """Return ballots as stored for a method; 99 is a proposal that no longer exists."""
    known = st.sampled_from([*ids, 99])
    if method in (Method.DOTS, Method.POINTS):
        return st.dictionaries(known, st.integers(1, 5), max_size=len(ids) + 1)
    if method is Method.APPROVAL:
        return st.lists(known, unique=True).map(tuple)
    return st.permutations([*ids, 99]).flatmap(
        lambda full: st.integers(0, len(full)).map(lambda k: tuple(full[:k]))
    )


@st.composite
def scenarios(
    draw: st.DrawFn, methods: Sequence[Method] = tuple(Method)
) -> tuple[RoundRules, list[Ballot], list[PaperCount], dict[int, Proposal]]:
    """Draw a round's rules, a board, ballots and (except for a ranking) paper counts."""
    board = draw(boards())
    ids = sorted(board)
    method = draw(st.sampled_from(methods))
    shortlist = draw(st.one_of(st.none(), st.frozensets(st.sampled_from(ids), min_size=1)))
    rules = RoundRules(
        method, spend_all=draw(st.booleans()), top_k=len(ids), proposal_ids=shortlist
    )
    ballot = st.builds(
        Ballot, GROUPS, choices_for(method, ids), st.sampled_from(["phone", "assisted"])
    )
    ballots = draw(st.lists(ballot, max_size=12))
    paper: list[PaperCount] = []
    if method is not Method.RANKING:
        for _ in range(draw(st.integers(0, 3))):
            voters = draw(st.integers(1, 4))
            most = voters if method is Method.APPROVAL else 10
            counts = draw(st.dictionaries(st.sampled_from(ids), st.integers(0, most)))
            source = draw(st.sampled_from(["wall_chart", "hands"]))
            paper.append(PaperCount(draw(GROUPS), voters, counts, source))
    return rules, ballots, paper, board


Scenario = tuple[RoundRules, list[Ballot], list[PaperCount], dict[int, Proposal]]


def cast(choices: tuple[int, ...] | Mapping[int, int]) -> int:
    """Return the dots or points a stored ballot holds."""
    assert isinstance(choices, Mapping)
    return sum(choices.values())


@quick
@given(scenarios())
def test_totals_never_exceed_what_was_cast(drawn: Scenario) -> None:
    rules, ballots, paper, board = drawn
    result = tally_round(rules, ballots, paper, board)
    assert result.voters + result.incomplete == len(ballots) + sum(p.voters for p in paper)
    assert set(result.totals) == set(result.eligible) == set(eligible(rules, board))
    n = len(result.eligible)
    if rules.method in (Method.DOTS, Method.POINTS):
        on_paper = sum(sum(p.counts.values()) for p in paper)
        assert sum(result.totals.values()) <= sum(cast(b.choices) for b in ballots) + on_paper
    elif rules.method is Method.APPROVAL:
        assert all(t <= len(ballots) + result.paper_voters for t in result.totals.values())
    else:
        assert all(t <= len(ballots) * (n - 1) for t in result.totals.values())
    # Everything counted is in exactly one group, and paper and assisted are part of it.
    for pid, total in result.totals.items():
        assert sum(scores[pid] for scores in result.by_group.values()) == total
        assert result.from_paper[pid] + result.from_assisted[pid] <= total
    assert sum(result.voters_by_group.values()) == result.voters


@quick
@given(scenarios(methods=(Method.DOTS, Method.POINTS, Method.APPROVAL)), st.data())
def test_merging_two_proposals_conserves_their_support(
    drawn: Scenario, data: st.DataObject
) -> None:
    rules, ballots, paper, board = drawn
    rules = dataclasses.replace(rules, spend_all=False)
    if rules.method is Method.APPROVAL:
        paper = []  # the same hands may be counted under both columns: checked separately
    before = tally_round(rules, ballots, paper, board)
    assume(len(before.eligible) >= 2)
    survivor, absorbed = data.draw(st.permutations(before.eligible))[:2]
    merged_board = dict(board)
    merged_board[absorbed] = dataclasses.replace(board[absorbed], merged_into=survivor)
    after = tally_round(rules, ballots, paper, merged_board)
    a, b = before.totals[survivor], before.totals[absorbed]
    assert absorbed not in after.totals
    if rules.method is Method.APPROVAL:
        assert max(a, b) <= after.totals[survivor] <= a + b
        either = sum(
            1
            for ballot in ballots
            if any(counts_for(pid, board) in (survivor, absorbed) for pid in ballot.choices)
        )
        assert after.totals[survivor] == either
    else:
        assert after.totals[survivor] == a + b
    assert after.voters == before.voters


@quick
@given(scenarios(), st.randoms(use_true_random=False))
def test_the_order_of_ballots_and_paper_never_changes_the_result(
    drawn: Scenario, random: object
) -> None:
    rules, ballots, paper, board = drawn
    shuffled_ballots, shuffled_paper = list(ballots), list(paper)
    random.shuffle(shuffled_ballots)  # type: ignore[attr-defined]
    random.shuffle(shuffled_paper)  # type: ignore[attr-defined]
    expected = tally_round(rules, ballots, paper, board).as_dict()
    assert tally_round(rules, shuffled_ballots, shuffled_paper, board).as_dict() == expected


@quick
@given(scenarios(), GROUPS, st.integers(2, 4))
def test_group_size_does_not_move_the_balanced_score(
    drawn: Scenario, group: str | None, times: int
) -> None:
    rules, ballots, paper, board = drawn
    grown = [copy for b in ballots for copy in [b] * (times if b.group == group else 1)]
    grown_paper = [copy for p in paper for copy in [p] * (times if p.group == group else 1)]
    before = tally_round(rules, ballots, paper, board)
    after = tally_round(rules, grown, grown_paper, board)
    assert after.balanced == before.balanced
    assert after.balanced_ranking == before.balanced_ranking
    if rules.method is Method.RANKING:
        assert after.balanced_schulze == before.balanced_schulze
    # The overall tally does feel the bigger group, which is why the balanced view exists.
    key = "" if group is None else group
    assert after.voters_by_group.get(key, 0) == times * before.voters_by_group.get(key, 0)


@quick
@given(scenarios(methods=(Method.DOTS,)))
def test_a_dot_round_counts_the_same_from_one_summed_ballot_per_group(drawn: Scenario) -> None:
    rules, ballots, paper, board = drawn
    rules = RoundRules(Method.DOTS, proposal_ids=rules.proposal_ids)  # sums need no spend-all
    phones = [b for b in ballots if b.source == "phone"]
    summed: dict[str | None, dict[int, int]] = {}
    people: dict[str | None, int] = {}
    for ballot in phones:
        assert isinstance(ballot.choices, Mapping)
        slot = summed.setdefault(ballot.group, {})
        for pid, dots in ballot.choices.items():
            slot[pid] = slot.get(pid, 0) + dots
        people[ballot.group] = people.get(ballot.group, 0) + 1
    per_group = [Ballot(group, summed[group], people=n) for group, n in people.items()]
    one_each = tally_round(rules, ballots, paper, board).as_dict()
    by_group = tally_round(rules, per_group + [b for b in ballots if b not in phones], paper, board)
    assert by_group.as_dict() == one_each
