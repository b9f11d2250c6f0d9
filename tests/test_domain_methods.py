"""Voting methods: which proposals are on a round's ballot, and which whole ballots are refused."""

from __future__ import annotations

import pytest

from tests.domain_boards import BOARD, refusal
from workshop.domain.errors import InvalidInput, NotFound, WorkshopError
from workshop.domain.methods import Method, RoundRules, check_ballot, check_paper_counts, eligible

GONE = "That idea is no longer on the list: refresh and pick another."
NOT_IN_ROUND = "That idea is not part of this round: pick one from the shortlist."
TWICE = "You listed the same idea twice: list each idea once."
MERGED_TWICE = "Two of the ideas you picked are now one idea (they were merged): list it once."


DOTS = RoundRules(Method.DOTS)
APPROVAL = RoundRules(Method.APPROVAL)
RANKING = RoundRules(Method.RANKING)
POINTS = RoundRules(Method.POINTS)


def test_each_method_has_a_label_a_person_reads() -> None:
    assert [method.label for method in Method] == [
        "Dot voting",
        "Approval",
        "Ranking",
        "Share 100 points",
    ]
    assert Method("ranking") is Method.RANKING


# -- eligible --------------------------------------------------------------------


def test_eligible_without_a_shortlist_is_every_visible_survivor() -> None:
    assert eligible(DOTS, BOARD) == [1, 2, 3, 4]


def test_eligible_on_a_shortlist_follows_merges_and_drops_hidden() -> None:
    # 5 was shortlisted and then merged into 2: its survivor stands for it.
    rules = RoundRules(Method.RANKING, proposal_ids=frozenset({5, 3, 6, 7, 99}))
    assert eligible(rules, BOARD) == [2, 3]


def test_eligible_on_a_shortlist_leaves_out_what_was_not_shortlisted() -> None:
    rules = RoundRules(Method.APPROVAL, proposal_ids=frozenset({4, 1}))
    assert eligible(rules, BOARD) == [1, 4]


# -- check_ballot: accepted ballots -------------------------------------------------


def test_an_approval_ballot_is_folded_and_sorted() -> None:
    assert check_ballot(APPROVAL, [4, 5, 1], BOARD) == (1, 2, 4)


def test_approving_none_is_a_valid_ballot() -> None:
    assert check_ballot(APPROVAL, [], BOARD) == ()


def test_a_ranking_keeps_its_order_and_folds_merged_ids() -> None:
    assert check_ballot(RANKING, [5, 3, 1], BOARD) == (2, 3, 1)
    assert check_ballot(RANKING, (4,), BOARD) == (4,)


def test_a_points_ballot_folds_and_accepts_the_string_keys_json_sends() -> None:
    assert check_ballot(POINTS, {"5": 60, 3: 40}, BOARD) == {2: 60, 3: 40}


def test_a_points_ballot_may_leave_points_unspent_when_not_exact() -> None:
    rules = RoundRules(Method.POINTS, points_exact=False)
    assert check_ballot(rules, {1: 30, 2: 20}, BOARD) == {1: 30, 2: 20}


def test_a_dot_ballot_within_both_limits_is_accepted() -> None:
    assert check_ballot(DOTS, {1: 3, 5: 2}, BOARD) == {1: 3, 2: 2}
    assert check_ballot(DOTS, {4: 1}, BOARD) == {4: 1}  # spend_all is off by default


def test_a_dot_ballot_with_every_dot_placed_meets_spend_all() -> None:
    rules = RoundRules(Method.DOTS, spend_all=True)
    assert check_ballot(rules, {1: 3, 2: 2}, BOARD) == {1: 3, 2: 2}


# -- check_ballot: refusals -----------------------------------------------------------

SHORTLIST = frozenset({1, 2})


@pytest.mark.parametrize(
    ("rules", "choices", "error", "sentence"),
    [
        # Gone, hidden, merged into a hidden one, never existed.
        (APPROVAL, [1, 6], NotFound, GONE),
        (APPROVAL, [7], NotFound, GONE),
        (RANKING, [99], NotFound, GONE),
        (POINTS, {6: 100}, NotFound, GONE),
        (DOTS, {7: 1}, NotFound, GONE),
        # Not on this round's shortlist.
        (RoundRules(Method.APPROVAL, proposal_ids=SHORTLIST), [1, 3], InvalidInput, NOT_IN_ROUND),
        (RoundRules(Method.RANKING, proposal_ids=SHORTLIST), [4], InvalidInput, NOT_IN_ROUND),
        (RoundRules(Method.POINTS, proposal_ids=SHORTLIST), {3: 100}, InvalidInput, NOT_IN_ROUND),
        # Repeats, plain and through a merge.
        (APPROVAL, [1, 1], InvalidInput, TWICE),
        (RANKING, [1, 2, 1], InvalidInput, TWICE),
        (APPROVAL, [2, 5], InvalidInput, MERGED_TWICE),
        (RANKING, [5, 2], InvalidInput, MERGED_TWICE),
        (POINTS, {2: 50, 5: 50}, InvalidInput, MERGED_TWICE),
        (POINTS, {"1": 50, 1: 50}, InvalidInput, TWICE),
        (DOTS, {2: 1, 5: 1}, InvalidInput, MERGED_TWICE),
        # Too many or too few ranked.
        (
            RANKING,
            [1, 2, 3, 4],
            InvalidInput,
            "You can rank at most 3 ideas: you ranked 4, so leave the rest out.",
        ),
        (
            RoundRules(Method.RANKING, top_k=1),
            [1, 2],
            InvalidInput,
            "You can rank at most 1 idea: you ranked 2, so leave the rest out.",
        ),
        (RANKING, [], InvalidInput, "Rank at least 1 idea, your favourite first."),
        # Sums off.
        (POINTS, {1: 50, 2: 40}, InvalidInput, "Your points add up to 90: share exactly 100."),
        (POINTS, {1: 60, 2: 50}, InvalidInput, "Your points add up to 110: share exactly 100."),
        (
            RoundRules(Method.POINTS, points_exact=False),
            {1: 60, 2: 50},
            InvalidInput,
            "Your points add up to 110: share at most 100.",
        ),
        (
            DOTS,
            {1: 4},
            InvalidInput,
            "You can put at most 3 dots on one idea, not 4: spread the rest across others.",
        ),
        (
            DOTS,
            {1: 3, 2: 2, 3: 1},
            InvalidInput,
            "This ballot places 6 dots: each person has 5, so take 1 off.",
        ),
        (
            RoundRules(Method.DOTS, spend_all=True),
            {1: 3, 2: 1},
            InvalidInput,
            "This ballot places 4 dots: place all 5 for it to count.",
        ),
        (
            RoundRules(Method.DOTS, spend_all=True),
            {},
            InvalidInput,
            "This ballot places 0 dots: place all 5 for it to count.",
        ),
    ],
)
def test_check_ballot_refuses_with_a_sentence(
    rules: RoundRules, choices: object, error: type[WorkshopError], sentence: str
) -> None:
    with pytest.raises(error) as caught:
        check_ballot(rules, choices, BOARD)
    assert refusal(error, caught) == sentence


@pytest.mark.parametrize(
    ("rules", "choices", "sentence"),
    [
        (APPROVAL, {1: 1}, "An approval ballot is a list of the ideas you approve"),
        (APPROVAL, "1,2", "An approval ballot is a list"),
        (APPROVAL, [1, "2"], "An approval ballot is a list"),
        (APPROVAL, [True], "An approval ballot is a list"),
        (RANKING, None, "A ranking is a list of ideas, your favourite first"),
        (RANKING, [1.0], "A ranking is a list"),
        (POINTS, [1, 2], "A points ballot says how many points go on each idea"),
        (POINTS, {"one": 100}, "A points ballot says"),
        (POINTS, {"-1": 100}, "A points ballot says"),
        (POINTS, {1: 100.0}, "Each point count must be a whole number, at least 1"),
        (POINTS, {1: 100, 2: 0}, "Each point count must be a whole number, at least 1"),
        (DOTS, {1: True}, "Each dot count must be a whole number, at least 1"),
        (DOTS, {1: -1, 2: 3}, "Each dot count must be a whole number, at least 1"),
        (DOTS, (1, 2), "A dot ballot says how many dots go on each idea"),
    ],
)
def test_check_ballot_refuses_the_wrong_shape(
    rules: RoundRules, choices: object, sentence: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_ballot(rules, choices, BOARD)
    message = refusal(InvalidInput, caught)
    assert message.startswith(sentence)
    assert message.endswith("try again.")


def test_a_refused_ballot_is_refused_whole_and_left_as_sent() -> None:
    sent = {1: 50, 5: 30, 2: 20}  # the last entry repeats 5's survivor
    with pytest.raises(InvalidInput):
        check_ballot(POINTS, sent, BOARD)
    assert sent == {1: 50, 5: 30, 2: 20}


# -- check_paper_counts ---------------------------------------------------------------


def test_paper_counts_are_folded_with_zeros_dropped() -> None:
    counts = {1: 7, 5: 4, 3: 0, "4": 2}
    assert check_paper_counts(DOTS, 3, counts, BOARD) == {1: 7, 2: 4, 4: 2}
    assert check_paper_counts(APPROVAL, 12, {1: 12, 2: 0}, BOARD) == {1: 12}
    assert check_paper_counts(POINTS, 2, {1: 150, 2: 50}, BOARD) == {1: 150, 2: 50}


def test_a_zero_on_a_merged_proposal_is_not_a_repeat() -> None:
    # A chart drawn before the merge still lists 5; with 0 against it nothing is doubled.
    assert check_paper_counts(APPROVAL, 4, {2: 3, 5: 0}, BOARD) == {2: 3}


def test_paper_counts_at_the_limits_are_accepted() -> None:
    # 2 people: at most 6 dots on one proposal and 10 dots in all.
    assert check_paper_counts(DOTS, 2, {1: 6, 2: 4}, BOARD) == {1: 6, 2: 4}


@pytest.mark.parametrize(
    ("rules", "voters", "counts", "error", "sentence"),
    [
        (
            RANKING,
            5,
            {1: 3},
            InvalidInput,
            "A ranking cannot be counted from a chart or a show of hands: "
            "enter each paper ballot as an assisted ballot.",
        ),
        (DOTS, 0, {1: 1}, InvalidInput, "Say how many people the count stands for: 1 or more."),
        (DOTS, "3", {1: 1}, InvalidInput, "Say how many people the count stands for: 1 or more."),
        (
            APPROVAL,
            True,
            {1: 1},
            InvalidInput,
            "Say how many people the count stands for: 1 or more.",
        ),
        (
            DOTS,
            3,
            {1: -1},
            InvalidInput,
            "Each dot count must be a whole number, 0 or more: check the numbers and try again.",
        ),
        (
            APPROVAL,
            3,
            [1, 2],
            InvalidInput,
            "An approval ballot is a list of the ideas you "
            "approve: refresh the page and try again.",
        ),
        (APPROVAL, 3, {6: 2}, NotFound, GONE),
        (APPROVAL, 3, {6: 0}, NotFound, GONE),
        (DOTS, 3, {99: 1}, NotFound, GONE),
        (RoundRules(Method.DOTS, proposal_ids=SHORTLIST), 3, {3: 1}, InvalidInput, NOT_IN_ROUND),
        (DOTS, 3, {2: 1, 5: 2}, InvalidInput, MERGED_TWICE),
        (
            DOTS,
            2,
            {1: 7},
            InvalidInput,
            "7 dots on one idea is more than 2 people can place there (at most 6): "
            "check the count.",
        ),
        (
            DOTS,
            2,
            {1: 6, 2: 5},
            InvalidInput,
            "These counts add up to 11 dots, but 2 people have only 10: "
            "check the counts or the number of people.",
        ),
        (
            DOTS,
            1,
            {1: 3, 2: 3},
            InvalidInput,
            "These counts add up to 6 dots, but 1 person has only 5: "
            "check the counts or the number of people.",
        ),
        (
            APPROVAL,
            10,
            {1: 11},
            InvalidInput,
            "11 votes for one idea is more than the 10 people voting: check the count.",
        ),
        (
            POINTS,
            2,
            {1: 150, 2: 51},
            InvalidInput,
            "These counts add up to 201 points, but 2 people have only 200: "
            "check the counts or the number of people.",
        ),
    ],
)
def test_check_paper_counts_refuses_with_a_sentence(
    rules: RoundRules,
    voters: object,
    counts: object,
    error: type[WorkshopError],
    sentence: str,
) -> None:
    with pytest.raises(error) as caught:
        check_paper_counts(rules, voters, counts, BOARD)
    assert refusal(error, caught) == sentence
