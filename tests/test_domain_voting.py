"""Dot-voting rules: budgets, folding through merges and hides, ranking, and their invariants."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain_boards import proposals, refusal
from workshop.domain.errors import Conflict, LimitReached, NoDotsLeft, NotFound, WorkshopError
from workshop.domain.model import Proposal
from workshop.domain.proposals import check_merge
from workshop.domain.voting import (
    DotBudget,
    RankedRow,
    counts_for,
    fold_totals,
    rank,
    sum_points,
    survivor_of,
    votable_target,
)

# No example database on disk: these tests must leave the working tree as they found it.
quick = settings(database=None, deadline=None, max_examples=300)

NO_DOTS = "You have no dots left: take one back from another idea first."
NOTHING_TO_TAKE_BACK = "You have no dot on that idea to take back."
GONE = "That idea is no longer on the list: refresh and pick another."


# -- DotBudget -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("by_proposal", "target", "points", "error", "sentence"),
    [
        ({1: 3, 2: 2}, 3, 1, NoDotsLeft, NO_DOTS),
        ({1: 3}, 2, 3, NoDotsLeft, "You only have 2 dots left."),
        ({1: 3, 2: 1}, 3, 2, NoDotsLeft, "You only have 1 dot left."),
        (
            {1: 2},
            1,
            2,
            LimitReached,
            "You can put at most 3 dots on one idea: spread the rest across others.",
        ),
        (
            {1: 3},
            1,
            1,
            LimitReached,
            "You can put at most 3 dots on one idea: spread the rest across others.",
        ),
    ],
)
def test_check_cast_refuses_with_the_exact_sentence(
    by_proposal: dict[int, int],
    target: int,
    points: int,
    error: type[WorkshopError],
    sentence: str,
) -> None:
    budget = DotBudget(5, 3, by_proposal)
    with pytest.raises(error) as caught:
        budget.check_cast(target, points)
    assert refusal(error, caught) == sentence


def test_the_per_proposal_limit_of_one_dot_is_worded_in_the_singular() -> None:
    budget = DotBudget(5, 1, {4: 1})
    with pytest.raises(LimitReached) as caught:
        budget.check_cast(4, 1)
    assert refusal(LimitReached, caught) == (
        "You can put at most 1 dot on one idea: spread the rest across others."
    )


def test_running_out_of_dots_is_reported_before_the_per_proposal_limit() -> None:
    budget = DotBudget(3, 2, {1: 2, 2: 1})
    with pytest.raises(NoDotsLeft) as caught:
        budget.check_cast(1, 1)
    assert refusal(NoDotsLeft, caught) == NO_DOTS


@pytest.mark.parametrize(
    ("by_proposal", "target", "points"),
    [
        ({}, 1, 3),  # the whole per-proposal limit at once
        ({1: 2}, 1, 1),  # up to the limit exactly
        ({1: 3, 2: 1}, 3, 1),  # the very last dot
        ({}, 7, 1),  # a proposal the attendee never touched
    ],
)
def test_check_cast_allows_placements_within_both_limits(
    by_proposal: dict[int, int], target: int, points: int
) -> None:
    budget = DotBudget(5, 3, by_proposal)
    budget.check_cast(target, points)  # raises if refused
    assert budget.left >= points


@pytest.mark.parametrize(
    ("by_proposal", "target", "points", "sentence"),
    [
        ({}, 1, 1, NOTHING_TO_TAKE_BACK),
        ({2: 3}, 1, 1, NOTHING_TO_TAKE_BACK),
        ({1: 1}, 1, 2, "You have only 1 dot on that idea: take back that many or fewer."),
        ({1: 2}, 1, 3, "You have only 2 dots on that idea: take back that many or fewer."),
    ],
)
def test_check_retract_refuses_taking_back_more_than_was_placed(
    by_proposal: dict[int, int], target: int, points: int, sentence: str
) -> None:
    budget = DotBudget(5, 3, by_proposal)
    with pytest.raises(Conflict) as caught:
        budget.check_retract(target, points)
    assert refusal(Conflict, caught) == sentence


def test_check_retract_allows_taking_back_what_is_there() -> None:
    budget = DotBudget(5, 3, {1: 2})
    budget.check_retract(1, 2)
    budget.check_retract(1, 1)
    assert budget.by_proposal == {1: 2}  # checking never changes the budget


def test_used_and_left_count_the_dots() -> None:
    budget = DotBudget(5, 3, {1: 2, 2: 1})
    assert (budget.used, budget.left) == (3, 2)


def test_left_is_never_negative_when_more_counts_than_the_budget() -> None:
    # An unhide can bring back dots the attendee already spent elsewhere.
    budget = DotBudget(5, 3, {1: 3, 2: 3, 3: 1})
    assert budget.used == 7
    assert budget.left == 0
    with pytest.raises(NoDotsLeft) as caught:
        budget.check_cast(4, 1)
    assert refusal(NoDotsLeft, caught) == NO_DOTS


def test_from_votes_folds_through_merges_and_drops_hidden() -> None:
    props = proposals((1, None, False), (2, 1, False), (3, None, True), (4, None, False))
    budget = DotBudget.from_votes(5, 3, {1: 1, 2: 2, 3: 2, 4: 0}, props)
    assert budget.by_proposal == {1: 3}
    assert (budget.used, budget.left) == (3, 2)


# -- survivor_of, counts_for, votable_target -------------------------------------


def test_survivor_of_follows_a_chain_of_merges() -> None:
    props = proposals((1, None, False), (2, 1, False), (3, 2, False), (4, None, False))
    assert [survivor_of(pid, props) for pid in (1, 2, 3, 4)] == [1, 1, 1, 4]


def test_survivor_of_stops_on_a_cycle_instead_of_spinning() -> None:
    props = proposals((1, 2, False), (2, 1, False))
    assert survivor_of(1, props) == 1
    assert survivor_of(2, props) == 2


@pytest.mark.parametrize(
    ("specs", "cast_on", "expected"),
    [
        ([(1, None, False)], 1, 1),
        ([(1, None, True)], 1, None),  # hidden
        ([(1, None, False), (2, 1, False)], 2, 1),  # absorbed: counts for the survivor
        ([(1, None, True), (2, 1, False)], 2, None),  # merged into a hidden one
        ([(1, None, False), (2, 1, True)], 2, None),  # hidden, though its survivor is not
        ([(1, None, True), (2, 1, False), (3, 2, False)], 3, None),  # hidden at the end
        ([(1, None, False), (2, 1, False), (3, 2, False)], 3, 1),  # a chain
        ([(1, None, False)], 99, None),  # not in this workshop
    ],
)
def test_counts_for(
    specs: list[tuple[int, int | None, bool]], cast_on: int, expected: int | None
) -> None:
    assert counts_for(cast_on, proposals(*specs)) == expected


def test_votable_target_redirects_to_the_survivor() -> None:
    props = proposals((1, None, False), (2, 1, False))
    assert votable_target(2, props) == 1
    assert votable_target(1, props) == 1


@pytest.mark.parametrize(
    ("specs", "target"),
    [
        ([(1, None, True)], 1),  # hidden
        ([(1, None, True), (2, 1, False)], 2),  # merged into a hidden one
        ([(1, None, False), (2, 1, True)], 2),  # hidden absorbed proposal
        ([(1, None, False)], 2),  # another workshop's, or gone
    ],
)
def test_votable_target_refuses_what_cannot_be_seen(
    specs: list[tuple[int, int | None, bool]], target: int
) -> None:
    with pytest.raises(NotFound) as caught:
        votable_target(target, proposals(*specs))
    assert refusal(NotFound, caught) == GONE


# -- fold_totals -------------------------------------------------------------------


def test_fold_totals_lists_every_visible_survivor_with_zero_for_none() -> None:
    props = proposals((1, None, False), (2, None, False), (3, None, False))
    assert fold_totals({2: 4}, props) == {1: 0, 2: 4, 3: 0}


def test_fold_totals_adds_absorbed_points_to_the_survivor() -> None:
    props = proposals((1, None, False), (2, 1, False), (3, 2, False), (4, None, False))
    assert fold_totals({1: 2, 2: 3, 3: 1, 4: 5}, props) == {1: 6, 4: 5}


def test_fold_totals_ignores_hidden_proposals_and_what_was_merged_into_them() -> None:
    props = proposals(
        (1, None, True),  # hidden survivor
        (2, 1, False),  # merged into the hidden one
        (3, None, False),
        (4, 3, True),  # hidden, merged into a visible one
    )
    assert fold_totals({1: 5, 2: 4, 3: 1, 4: 2}, props) == {3: 1}


def test_fold_totals_ignores_points_on_unknown_proposals() -> None:
    props = proposals((1, None, False))
    assert fold_totals({1: 2, 42: 7}, props) == {1: 2}


def test_sum_points_adds_rows_per_proposal() -> None:
    assert sum_points([(1, 2), (2, 1), (1, 1), (1, -2)]) == {1: 1, 2: 1}
    assert sum_points([]) == {}


# -- rank --------------------------------------------------------------------------


def test_rank_uses_competition_ranking_and_marks_ties() -> None:
    rows = rank({1: 9, 2: 5, 3: 5, 4: 2})
    assert rows == [
        RankedRow(1, 9, 1, False),
        RankedRow(2, 5, 2, True),
        RankedRow(3, 5, 2, True),
        RankedRow(4, 2, 4, False),
    ]


def test_rank_lists_ties_by_id_whatever_the_input_order() -> None:
    rows = rank({9: 3, 4: 3, 7: 3, 2: 1})
    assert [(r.proposal_id, r.rank, r.tied) for r in rows] == [
        (4, 1, True),
        (7, 1, True),
        (9, 1, True),
        (2, 4, False),
    ]


def test_rank_of_nothing_and_of_all_zero() -> None:
    assert rank({}) == []
    assert [(r.rank, r.tied) for r in rank({3: 0, 1: 0})] == [(1, True), (1, True)]
    assert [r.proposal_id for r in rank({3: 0, 1: 0})] == [1, 3]


def test_ranked_row_as_dict() -> None:
    assert RankedRow(4, 12, 1, False).as_dict() == {
        "proposal_id": 4,
        "points": 12,
        "rank": 1,
        "tied": False,
    }


# -- properties ------------------------------------------------------------------


@st.composite
def ballots(
    draw: st.DrawFn, allow_hidden: bool = True
) -> tuple[dict[int, Proposal], list[tuple[int, int]]]:
    """Draw proposals with merges (always acyclic) and hides, and rows of dots cast on them."""
    count = draw(st.integers(1, 8))
    props: dict[int, Proposal] = {}
    for pid in range(1, count + 1):
        merged_into = (
            draw(st.one_of(st.none(), st.integers(pid + 1, count))) if pid < count else None
        )
        hidden = draw(st.booleans()) if allow_hidden else False
        props[pid] = Proposal(pid, f"p{pid}", None, hidden, merged_into)
    rows = draw(st.lists(st.tuples(st.integers(1, count), st.integers(1, 5)), max_size=30))
    return props, rows


@quick
@given(ballots(allow_hidden=False))
def test_folding_conserves_points_when_nothing_is_hidden(
    drawn: tuple[dict[int, Proposal], list[tuple[int, int]]],
) -> None:
    props, rows = drawn
    totals = fold_totals(sum_points(rows), props)
    assert sum(totals.values()) == sum(points for _, points in rows)
    assert set(totals) == {pid for pid, p in props.items() if p.merged_into is None}


@quick
@given(ballots(), st.data())
def test_merging_never_changes_the_total(
    drawn: tuple[dict[int, Proposal], list[tuple[int, int]]], data: st.DataObject
) -> None:
    props, rows = drawn
    standing = [pid for pid in props if counts_for(pid, props) == pid]
    if len(standing) < 2:
        props = {**props, 100: Proposal(100, "extra", None), 101: Proposal(101, "more", None)}
        standing = [pid for pid in props if counts_for(pid, props) == pid]
    survivor, absorbed = data.draw(st.permutations(standing))[:2]
    check_merge(survivor, absorbed, props)  # the merge is one the services would allow
    merged = {**props, absorbed: dataclasses.replace(props[absorbed], merged_into=survivor)}
    raw = sum_points(rows)
    before, after = fold_totals(raw, props), fold_totals(raw, merged)
    assert sum(after.values()) == sum(before.values())
    assert after[survivor] == before[survivor] + before[absorbed]
    assert absorbed not in after


@quick
@given(ballots(), st.data())
def test_the_order_of_rows_never_changes_the_result(
    drawn: tuple[dict[int, Proposal], list[tuple[int, int]]], data: st.DataObject
) -> None:
    props, rows = drawn
    shuffled = data.draw(st.permutations(rows))
    expected = fold_totals(sum_points(rows), props)
    compared = 0
    for other in (shuffled, rows[::-1]):
        assert fold_totals(sum_points(other), props) == expected
        assert rank(fold_totals(sum_points(other), props)) == rank(expected)
        compared += 1
    assert compared == 2


@quick
@given(ballots())
def test_totals_never_exceed_what_was_cast(
    drawn: tuple[dict[int, Proposal], list[tuple[int, int]]],
) -> None:
    props, rows = drawn
    raw = sum_points(rows)
    totals = fold_totals(raw, props)
    assert sum(totals.values()) <= sum(raw.values())
    for survivor, points in totals.items():
        family_cast = sum(n for pid, n in raw.items() if survivor_of(pid, props) == survivor)
        assert 0 <= points <= family_cast
    # Nothing counts for a hidden proposal.
    assert all(not props[pid].hidden for pid in totals)


@quick
@given(ballots())
def test_ranking_is_competition_ranking_of_the_totals(
    drawn: tuple[dict[int, Proposal], list[tuple[int, int]]],
) -> None:
    props, rows = drawn
    totals = fold_totals(sum_points(rows), props)
    rows_ranked = rank(totals)
    assert [r.proposal_id for r in rows_ranked] == sorted(totals, key=lambda p: (-totals[p], p))
    for row in rows_ranked:
        assert row.rank == 1 + sum(1 for points in totals.values() if points > row.points)
        assert row.tied == (sum(1 for p in totals.values() if p == row.points) > 1)


@quick
@given(
    st.integers(1, 20),
    st.integers(1, 20),
    st.lists(st.tuples(st.booleans(), st.integers(1, 4), st.integers(1, 5)), max_size=40),
)
def test_a_budget_that_only_accepts_checked_moves_never_overspends(
    dots: int, limit: int, moves: list[tuple[bool, int, int]]
) -> None:
    limit = min(limit, dots)
    spent: dict[int, int] = {}
    for is_cast, target, points in moves:
        budget = DotBudget(dots, limit, dict(spent))
        try:
            if is_cast:
                budget.check_cast(target, points)
                spent[target] = spent.get(target, 0) + points
            else:
                budget.check_retract(target, points)
                spent[target] -= points
        except (NoDotsLeft, LimitReached, Conflict):
            continue
        after = DotBudget(dots, limit, spent)
        assert 0 <= after.left == dots - after.used
        assert all(0 <= n <= limit for n in spent.values())
    final = DotBudget(dots, limit, spent)
    assert final.used <= dots
    assert final.used == sum(spent.values())


@quick
@given(st.integers(1, 20), st.dictionaries(st.integers(1, 9), st.integers(0, 30)))
def test_left_is_never_negative(dots: int, by_proposal: dict[int, int]) -> None:
    budget = DotBudget(dots, dots, by_proposal)
    assert budget.left == max(0, dots - sum(by_proposal.values()))
    assert budget.left >= 0


def test_a_vote_merged_through_a_hidden_proposal_counts_for_nothing() -> None:
    proposals = {
        1: Proposal(1, "a", merged_into=2),
        2: Proposal(2, "b", hidden=True, merged_into=3),
        3: Proposal(3, "c"),
    }
    assert counts_for(1, proposals) is None
    assert counts_for(3, proposals) == 3
    assert fold_totals({1: 2, 3: 1}, proposals) == {3: 1}
