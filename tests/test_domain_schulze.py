"""Schulze's method and Borda, checked against published worked examples and invariants."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.domain.schulze import (
    borda,
    condorcet_winner,
    pairwise,
    schulze_ranking,
    strongest_paths,
)
from workshop.domain.voting import RankedRow

quick = settings(database=None, deadline=None, max_examples=300)

# -- Wikipedia, "Schulze method", the worked example: 45 voters, 5 candidates ----------

A, B, C, D, E = 1, 2, 3, 4, 5
WIKIPEDIA = [
    ((A, C, B, E, D), 5),
    ((A, D, E, C, B), 5),
    ((B, E, D, A, C), 8),
    ((C, A, B, E, D), 3),
    ((C, A, E, B, D), 7),
    ((C, B, A, D, E), 2),
    ((D, C, E, B, A), 7),
    ((E, B, A, D, C), 8),
]
FIVE = [A, B, C, D, E]
# The article's tables, row = a, column = b (None on the diagonal).
PUBLISHED_D = [
    [None, 20, 26, 30, 22],
    [25, None, 16, 33, 18],
    [19, 29, None, 17, 24],
    [15, 12, 28, None, 14],
    [23, 27, 21, 31, None],
]
PUBLISHED_P = [
    [None, 28, 28, 30, 24],
    [25, None, 28, 33, 24],
    [25, 29, None, 29, 24],
    [25, 28, 28, None, 24],
    [25, 28, 28, 31, None],
]


def table(values: dict[tuple[int, int], object]) -> list[list[object]]:
    """Return a pairwise mapping as the article prints it."""
    return [[values.get((a, b)) for b in FIVE] for a in FIVE]


def test_wikipedia_pairwise_preferences_match_the_published_table() -> None:
    d = pairwise(WIKIPEDIA, FIVE)
    assert (d[A, B], d[B, A]) == (20, 25)
    assert table(d) == PUBLISHED_D
    assert all(d[a, b] + d[b, a] == 45 for a in FIVE for b in FIVE if a != b)


def test_wikipedia_strongest_paths_match_the_published_table() -> None:
    p = strongest_paths(pairwise(WIKIPEDIA, FIVE), FIVE)
    assert (p[A, B], p[B, A]) == (28, 25)
    assert table(p) == PUBLISHED_P


def test_wikipedia_order_is_e_a_c_b_d_with_no_condorcet_winner() -> None:
    d = pairwise(WIKIPEDIA, FIVE)
    assert schulze_ranking(d, FIVE) == [
        RankedRow(E, 4, 1, False),
        RankedRow(A, 3, 2, False),
        RankedRow(C, 2, 3, False),
        RankedRow(B, 1, 4, False),
        RankedRow(D, 0, 5, False),
    ]
    # C beats E head to head (24 to 21), so the winner E is not a Condorcet winner.
    assert condorcet_winner(d, FIVE) is None


# -- Wikipedia, the Tennessee capital example (per 100 voters) -------------------------

MEMPHIS, NASHVILLE, CHATTANOOGA, KNOXVILLE = 1, 2, 3, 4
CITIES = [MEMPHIS, NASHVILLE, CHATTANOOGA, KNOXVILLE]
TENNESSEE = [
    ((MEMPHIS, NASHVILLE, CHATTANOOGA, KNOXVILLE), 42),
    ((NASHVILLE, CHATTANOOGA, KNOXVILLE, MEMPHIS), 26),
    ((CHATTANOOGA, KNOXVILLE, NASHVILLE, MEMPHIS), 15),
    ((KNOXVILLE, CHATTANOOGA, NASHVILLE, MEMPHIS), 17),
]


def test_tennessee_nashville_wins_head_to_head_and_by_schulze() -> None:
    d = pairwise(TENNESSEE, CITIES)
    assert (d[NASHVILLE, MEMPHIS], d[NASHVILLE, CHATTANOOGA], d[NASHVILLE, KNOXVILLE]) == (
        58,
        68,
        68,
    )
    assert (d[CHATTANOOGA, KNOXVILLE], d[MEMPHIS, KNOXVILLE]) == (83, 42)
    assert condorcet_winner(d, CITIES) == NASHVILLE
    # Memphis loses every contest, so no link, and hence no path, leaves it.
    p = strongest_paths(d, CITIES)
    assert [p[MEMPHIS, city] for city in CITIES if city != MEMPHIS] == [0, 0, 0]
    assert p[NASHVILLE, MEMPHIS] == 58
    assert [row.proposal_id for row in schulze_ranking(d, CITIES)] == [
        NASHVILLE,
        CHATTANOOGA,
        KNOXVILLE,
        MEMPHIS,
    ]


def test_tennessee_borda_with_three_two_one_zero_points() -> None:
    # Wikipedia's "Borda count" article: Knoxville gets 26*1 + 15*2 + 17*3 = 107, and
    # the four scores add up to 100 voters * (3+2+1+0) = 600.
    scores = borda(TENNESSEE, CITIES)
    assert scores == {NASHVILLE: 194, CHATTANOOGA: 173, MEMPHIS: 126, KNOXVILLE: 107}
    assert sum(scores.values()) == 600


# -- cycles, ties and partial rankings ----------------------------------------------------

ROCK, PAPER, SCISSORS = 1, 2, 3
RPS = [ROCK, PAPER, SCISSORS]


def test_a_condorcet_cycle_has_no_winner_and_schulze_ties_all_three() -> None:
    ballots = [
        ((ROCK, SCISSORS, PAPER), 1),
        ((PAPER, ROCK, SCISSORS), 1),
        ((SCISSORS, PAPER, ROCK), 1),
    ]
    d = pairwise(ballots, RPS)
    assert (d[ROCK, SCISSORS], d[SCISSORS, PAPER], d[PAPER, ROCK]) == (2, 2, 2)
    assert condorcet_winner(d, RPS) is None
    assert schulze_ranking(d, RPS) == [
        RankedRow(ROCK, 0, 1, True),
        RankedRow(PAPER, 0, 1, True),
        RankedRow(SCISSORS, 0, 1, True),
    ]


def test_candidates_neither_of_which_beats_the_other_share_a_rank() -> None:
    # A beats C; B ties both head to head. Ranking A above B would break a tie silently.
    d = {(A, C): 2, (C, A): 1, (A, B): 1, (B, A): 1, (B, C): 1, (C, B): 1}
    rows = schulze_ranking(d, [A, B, C])
    assert [(row.proposal_id, row.points, row.rank, row.tied) for row in rows] == [
        (A, 1, 1, True),
        (B, 0, 1, True),
        (C, 0, 1, True),
    ]


def test_a_tie_below_a_clear_winner_shares_second_place() -> None:
    ballots = [((A, B, C), 2), ((A, C, B), 2)]
    rows = schulze_ranking(pairwise(ballots, [A, B, C]), [A, B, C])
    assert rows == [RankedRow(A, 2, 1, False), RankedRow(B, 0, 2, True), RankedRow(C, 0, 2, True)]


def test_a_partial_ranking_puts_listed_above_unlisted_and_ignores_strangers() -> None:
    d = pairwise([((C, 99, A, C), 1)], [A, B, C, D])  # 99 is not a candidate; C repeats
    assert (d[C, A], d[C, B], d[C, D], d[A, B], d[A, D]) == (1, 1, 1, 1, 1)
    assert (d[A, C], d[B, D], d[D, B], d[B, A]) == (0, 0, 0, 0)


def test_pairwise_and_borda_take_exact_fraction_weights() -> None:
    third = Fraction(1, 3)
    ballots = [((A, B), third), ((B, A), third), ((B, A), third)]
    d = pairwise(ballots, [A, B])
    assert (d[A, B], d[B, A]) == (third, 2 * third)
    assert borda(ballots, [A, B]) == {A: third, B: 2 * third}
    assert condorcet_winner(d, [A, B]) == B


def test_borda_is_pessimistic_for_partial_rankings() -> None:
    # Four candidates: first place earns 3 even on a short ballot; the unranked earn 0.
    assert borda([((B,), 1), ((C, A), 2)], [A, B, C, D]) == {A: 4, B: 3, C: 6, D: 0}


def test_nothing_to_rank() -> None:
    assert schulze_ranking({}, []) == []
    assert condorcet_winner({}, []) is None
    assert borda([((A,), 1)], []) == {}


# -- invariants ---------------------------------------------------------------------------


@st.composite
def elections(draw: st.DrawFn) -> tuple[list[int], list[tuple[tuple[int, ...], int]]]:
    """Draw 1-6 candidates and up to 12 partial rankings of them with small weights."""
    candidates = list(range(1, draw(st.integers(1, 6)) + 1))
    ranking = st.permutations(candidates).flatmap(
        lambda order: st.integers(0, len(order)).map(lambda k: tuple(order[:k]))
    )
    return candidates, draw(st.lists(st.tuples(ranking, st.integers(1, 4)), max_size=12))


@quick
@given(elections())
def test_a_condorcet_winner_is_ranked_first_alone(
    drawn: tuple[list[int], list[tuple[tuple[int, ...], int]]],
) -> None:
    candidates, ballots = drawn
    d = pairwise(ballots, candidates)
    rows = schulze_ranking(d, candidates)
    assert sorted(row.proposal_id for row in rows) == candidates
    winner = condorcet_winner(d, candidates)
    if winner is not None:
        assert rows[0] == RankedRow(winner, len(candidates) - 1, 1, False)
        assert all(row.rank > 1 for row in rows[1:])


@quick
@given(elections())
def test_schulze_ranks_are_consistent_with_beating(
    drawn: tuple[list[int], list[tuple[tuple[int, ...], int]]],
) -> None:
    candidates, ballots = drawn
    d = pairwise(ballots, candidates)
    p = strongest_paths(d, candidates)
    rows = schulze_ranking(d, candidates)
    place = {row.proposal_id: row.rank for row in rows}
    for a in candidates:
        for b in candidates:
            if a != b and p[a, b] > p[b, a]:
                assert place[a] <= place[b]  # a beaten candidate is never placed above
            if a != b and place[a] < place[b]:
                assert p[a, b] > p[b, a]  # a higher rank is always earned by beating
    sizes = {rank: list(place.values()).count(rank) for rank in place.values()}
    assert all(row.tied == (sizes[row.rank] > 1) for row in rows)


@quick
@given(elections())
def test_borda_hands_out_exactly_the_points_of_each_ranking(
    drawn: tuple[list[int], list[tuple[tuple[int, ...], int]]],
) -> None:
    candidates, ballots = drawn
    n = len(candidates)
    expected = sum(w * sum(n - 1 - i for i in range(len(order))) for order, w in ballots)
    assert sum(borda(ballots, candidates).values()) == expected
