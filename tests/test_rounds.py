"""Vote rounds through the use cases: methods, rounds, groups, paper and assisted votes, ties."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from tests.flows import workshop_with_proposals
from workshop.domain.errors import Conflict, InvalidInput, NotFound, WorkshopError, WrongStage
from workshop.domain.methods import Method
from workshop.domain.model import Stage
from workshop.exports import formats as export
from workshop.usecases import UseCases

TEXTS = ["Reach the villages", "Better communication", "More training", "Peer mentors"]


def full(service: UseCases, code: str) -> dict[str, Any]:
    """Return the facilitator's tally of the current round."""
    tally = service.audiences.tally(code)["facilitator"]
    assert tally is not None
    return tally


def nonzero(scores: dict[str, int]) -> dict[str, int]:
    return {pid: n for pid, n in scores.items() if n}


def rows_in(service: UseCases, table: str) -> int:
    with service.core.store.transaction() as tx:
        return int(tx.conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one())


@pytest.fixture
def room(service: UseCases) -> tuple[str, list[int], list[int]]:
    """A workshop voting on 4 proposals: 4 attendees, alternately in groups g2 and g1."""
    return workshop_with_proposals(service, TEXTS, attendees=4)


def new_round(service: UseCases, code: str, method: Method, **options: Any) -> int:
    answer = service.rounds.start_round(code, method, f"round-{method}-{len(options)}", **options)
    return int(answer.ack["round_id"])


# -- each method, counted on the server ------------------------------------------------


def test_approval_counts_each_ballot_once_and_a_new_ballot_replaces_the_old(
    service: UseCases, room: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = room
    round_id = new_round(service, code, Method.APPROVAL)
    service.rounds.cast_ballot(code, people[0], round_id, [ids[0], ids[1]], "b1")
    service.rounds.cast_ballot(code, people[1], round_id, [ids[1]], "b1")
    again = service.rounds.cast_ballot(code, people[1], round_id, [ids[1]], "b1")  # a retry
    assert again.events == [] and rows_in(service, "ballots") == 2
    service.rounds.cast_ballot(code, people[0], round_id, [ids[2]], "b2")  # changes their mind
    tally = full(service, code)
    assert tally["totals"] == {str(ids[0]): 0, str(ids[1]): 1, str(ids[2]): 1, str(ids[3]): 0}
    assert tally["voters"] == 2 and tally["participation"]["voted"] == 2
    assert service.audiences.me(code, people[0])["my_ballot"] == [ids[2]]


def test_ranking_gives_borda_points_schulze_order_and_the_condorcet_winner(
    service: UseCases, room: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = room
    round_id = new_round(service, code, Method.RANKING, settings={"top_k": 2})
    service.rounds.cast_ballot(code, people[0], round_id, [ids[2], ids[0]], "r")
    service.rounds.cast_ballot(code, people[1], round_id, [ids[2], ids[1]], "r")
    service.rounds.cast_ballot(code, people[2], round_id, [ids[0], ids[2]], "r")
    tally = full(service, code)
    # Four proposals on the ballot: first place 3 points, second 2, unranked 0.
    assert tally["totals"] == {str(ids[0]): 5, str(ids[1]): 2, str(ids[2]): 8, str(ids[3]): 0}
    assert tally["condorcet_winner"] == ids[2]
    assert tally["schulze"][0] == {"proposal_id": ids[2], "points": 3, "rank": 1, "tied": False}


def test_points_must_add_up_to_the_total_when_exact(
    service: UseCases, room: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = room
    round_id = new_round(service, code, Method.POINTS)
    with pytest.raises(InvalidInput, match="90"):
        service.rounds.cast_ballot(
            code, people[0], round_id, {str(ids[0]): 60, str(ids[1]): 30}, "p"
        )
    service.rounds.cast_ballot(code, people[0], round_id, {str(ids[0]): 70, str(ids[1]): 30}, "p2")
    assert full(service, code)["totals"][str(ids[0])] == 70


BAD_BALLOTS = [
    ("an unknown proposal", Method.APPROVAL, lambda ids: [999], NotFound, "no longer"),
    ("a duplicate", Method.RANKING, lambda ids: [ids[0], ids[0]], InvalidInput, "twice"),
    ("too many ranked", Method.RANKING, lambda ids: ids[:4], InvalidInput, "3"),
    ("points over 100", Method.POINTS, lambda ids: {str(ids[0]): 101}, InvalidInput, "101"),
    ("not a list", Method.APPROVAL, lambda ids: "everything", InvalidInput, "list"),
]


@pytest.mark.parametrize(("what", "method", "choices", "error", "words"), BAD_BALLOTS)
def test_a_bad_ballot_is_refused_with_a_sentence_and_changes_nothing(
    service: UseCases,
    room: tuple[str, list[int], list[int]],
    what: str,
    method: Method,
    choices: Any,
    error: type[WorkshopError],
    words: str,
) -> None:
    code, people, ids = room
    round_id = new_round(service, code, method)
    before = full(service, code)
    with pytest.raises(error) as caught:
        service.rounds.cast_ballot(code, people[0], round_id, choices(ids), "bad")
    assert words in caught.value.message and caught.value.message.endswith("."), what
    assert full(service, code) == before and rows_in(service, "ballots") == 0


def test_a_hidden_proposal_the_wrong_round_and_the_wrong_method_are_refused(
    service: UseCases, room: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = room
    first = service.audiences.snapshot(code, "facilitator")["round"]["id"]
    round_id = new_round(service, code, Method.APPROVAL)
    service.facilitation.hide_proposal(code, ids[3], True)
    with pytest.raises(NotFound, match="no longer on the list"):
        service.rounds.cast_ballot(code, people[0], round_id, [ids[3]], "h")
    with pytest.raises(Conflict, match="round 2 is open now"):
        service.rounds.cast_ballot(code, people[0], first, [ids[0]], "w")
    with pytest.raises(Conflict, match="not dot voting"):
        service.workshops.cast_vote(code, people[0], ids[0], 1, "d")
    service.facilitation.change_stage(code, Stage.RESULTS)
    with pytest.raises(WrongStage):
        service.rounds.cast_ballot(code, people[0], round_id, [ids[0]], "late")
    assert rows_in(service, "ballots") == 0


# -- rounds, shortlists and run-offs ------------------------------------------------------


def test_each_round_keeps_its_own_results_and_a_new_round_hides_results_again(
    service: UseCases, room: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = room
    for n, (person, proposal) in enumerate([(0, 0), (1, 0), (2, 1), (3, 2), (0, 3)]):
        service.workshops.cast_vote(code, people[person], ids[proposal], 1, f"v{n}")
    service.facilitation.reveal_results(code, True)
    round_one = full(service, code)
    second = new_round(service, code, Method.RANKING, from_round=1, top=2)
    state = service.audiences.snapshot(code, "facilitator")
    assert state["stage"] == "vote" and state["results_revealed"] is False
    assert service.audiences.snapshot(code, "phone")["tally"] is None
    assert state["round"]["id"] == second and state["round"]["number"] == 2
    # Round 1's ranking: ids[0] 2 dots, then ids[1..3] tied on 1: the tie at the cut goes through.
    assert state["round"]["proposal_ids"] == ids
    assert state["rounds"][0]["result"]["totals"] == round_one["totals"]
    service.rounds.cast_ballot(code, people[0], second, [ids[1]], "r")
    assert (
        service.audiences.snapshot(code, "facilitator")["rounds"][0]["result"]["totals"]
        == (round_one["totals"])
    )
    with pytest.raises(InvalidInput, match="at least two ideas"):
        new_round(service, code, Method.DOTS, from_round=2, top=1)  # only ids[1] has support


def test_a_tie_goes_to_a_run_off_between_the_tied_proposals_only(
    service: UseCases, room: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = room
    service.workshops.cast_vote(code, people[0], ids[0], 2, "a")
    service.workshops.cast_vote(code, people[1], ids[1], 2, "b")
    service.workshops.cast_vote(code, people[2], ids[2], 1, "c")
    assert full(service, code)["ties"] == [[ids[0], ids[1]]]
    with pytest.raises(InvalidInput, match="tied with each other"):
        service.rounds.start_round(
            code, Method.DOTS, "x", runoff_of=1, proposal_ids=[ids[0], ids[2]]
        )
    runoff = new_round(service, code, Method.DOTS, runoff_of=1)
    state = service.audiences.snapshot(code, "screen")
    assert state["round"]["proposal_ids"] == [ids[0], ids[1]]
    assert state["round"]["runoff_of"] == 1 == state["rounds"][1]["runoff_of"]  # by number
    assert full(service, code)["ties"] == []  # nobody has voted in the run-off yet
    with pytest.raises(InvalidInput, match="not part of this round"):
        service.workshops.cast_vote(code, people[0], ids[2], 1, "off-ballot", runoff)
    service.workshops.cast_vote(code, people[0], ids[1], 1, "on-ballot", runoff)
    assert full(service, code)["totals"] == {str(ids[0]): 0, str(ids[1]): 1}
    with pytest.raises(Conflict, match="no tie"):
        service.rounds.start_round(code, Method.DOTS, "y", runoff_of=2)


# -- stakeholder groups -------------------------------------------------------------------


def test_the_balanced_result_weighs_every_group_equally_whatever_its_size(
    service: UseCases,
) -> None:
    created = service.workshops.create_workshop("Review", 1, 1, ["Staff", "Service users"])
    staff = [
        service.workshops.join(created.code, f"staff-device-{i:08d}", None, "g1")[0]
        for i in range(3)
    ]
    user = service.workshops.join(created.code, "user-device-0000001", None, "g2")[0]
    service.facilitation.change_stage(created.code, Stage.PROPOSE)
    a = service.workshops.submit_proposal(created.code, user.participant_id, "Drop-in", "a").ack
    b = service.workshops.submit_proposal(created.code, user.participant_id, "Leaflet", "b").ack
    service.facilitation.change_stage(created.code, Stage.VOTE)
    for n, seat in enumerate(staff):
        service.workshops.cast_vote(created.code, seat.participant_id, a["proposal_id"], 1, f"s{n}")
    service.workshops.cast_vote(created.code, user.participant_id, b["proposal_id"], 1, "u")
    tally = full(service, created.code)
    one, two = str(a["proposal_id"]), str(b["proposal_id"])
    assert tally["ranking"][0] == {
        "proposal_id": a["proposal_id"],
        "points": 3,
        "rank": 1,
        "tied": False,
    }
    assert tally["by_group"] == {"g1": {one: 3, two: 0}, "g2": {one: 0, two: 1}}
    assert tally["balanced"] == {one: 0.5, two: 0.5}
    assert all(row["tied"] for row in tally["balanced_ranking"])
    assert tally["participation"]["by_group"] == {
        "g1": {"joined": 3, "offline": 0, "voted": 3},
        "g2": {"joined": 1, "offline": 0, "voted": 1},
    }


# -- paper and assisted votes -----------------------------------------------------------


def test_paper_and_assisted_votes_count_live_and_are_listed_apart(
    service: UseCases, room: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = room
    service.workshops.cast_vote(code, people[0], ids[0], 2, "v")
    paper = service.rounds.enter_paper(
        code, "wall_chart", "g1", 4, {str(ids[0]): 5, str(ids[1]): 3}, "by the door", "chart"
    )
    service.rounds.enter_assisted_ballot(
        code, "g2", {str(ids[1]): 3, str(ids[2]): 2}, "for J.", "help"
    )
    tally = full(service, code)
    assert tally["totals"][str(ids[0])] == 7 and tally["totals"][str(ids[1])] == 6
    assert nonzero(tally["from_paper"]) == {str(ids[0]): 5, str(ids[1]): 3}
    assert nonzero(tally["from_assisted"]) == {str(ids[1]): 3, str(ids[2]): 2}
    assert tally["voters"] == 1 + 4 + 1 and tally["paper_voters"] == 4
    # Four phones joined; five more people voted without one: "6 of 9 have voted".
    assert (tally["participation"]["joined"], tally["participation"]["offline"]) == (4, 5)
    assert tally["participation"]["by_group"]["g1"]["offline"] == 4
    assert [(e["source_label"], e["note"]) for e in tally["paper"]] == [
        ("Paper wall chart", "by the door")
    ]
    service.facilitation.reveal_results(code, True)
    screen = service.audiences.tally(code)["screen"]
    assert screen is not None and screen["paper"][0]["note"] == "" == screen["assisted"][0]["note"]
    # The wall gets paper and help as one pool (5 people), never the assisted ballot alone.
    assert nonzero(screen["from_paper"]) == {str(ids[0]): 5, str(ids[1]): 6, str(ids[2]): 2}
    assert screen["from_assisted"] == {} and screen["assisted"][0]["counts"] == {}
    service.rounds.withdraw_entry(code, "paper", paper.ack["paper_id"])
    assert full(service, code)["totals"][str(ids[0])] == 2
    with pytest.raises(NotFound):
        service.rounds.withdraw_entry(code, "paper", paper.ack["paper_id"])


@pytest.mark.parametrize(
    ("method", "voters", "counts", "words"),
    [
        (Method.DOTS, 2, {0: 7}, "at most 6"),  # 2 people x 3 dots on one proposal
        (Method.APPROVAL, 2, {0: 3}, "2"),
        (Method.RANKING, 2, {0: 1}, "assisted ballot"),
    ],
)
def test_paper_counts_beyond_what_the_people_could_give_are_refused(
    service: UseCases,
    room: tuple[str, list[int], list[int]],
    method: Method,
    voters: int,
    counts: dict[int, int],
    words: str,
) -> None:
    code, _people, ids = room
    if method is not Method.DOTS:
        new_round(service, code, method)
    before = full(service, code)
    with pytest.raises(InvalidInput) as caught:
        service.rounds.enter_paper(
            code, "hands", "", voters, {str(ids[k]): n for k, n in counts.items()}, "", "p"
        )
    assert words in caught.value.message
    assert full(service, code) == before and rows_in(service, "paper_counts") == 0


def test_paper_votes_wait_for_voting_or_results(
    service: UseCases, room: tuple[str, list[int], list[int]]
) -> None:
    code, _people, ids = room
    service.facilitation.change_stage(code, Stage.PLAN)
    with pytest.raises(WrongStage, match="during voting or results"):
        service.rounds.enter_paper(code, "hands", "", 3, {str(ids[0]): 2}, "", "p")


# -- what the wall and phones see ---------------------------------------------------------


def test_participation_only_keeps_results_off_the_wall_until_revealed(
    service: UseCases, room: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = room
    service.workshops.cast_vote(code, people[0], ids[0], 1, "v")
    service.rounds.set_display(code, wall_mode="participation", results_view="balanced")
    views = service.audiences.tally(code)
    assert views["screen"] is not None and views["screen"]["results_hidden"] is True
    assert "totals" not in views["screen"] and views["screen"]["voters"] == 1
    assert views["phone"] is None and views["facilitator"]["totals"][str(ids[0])] == 1  # type: ignore[index]
    assert service.audiences.snapshot(code, "screen")["results_view"] == "balanced"
    service.facilitation.reveal_results(code, True)
    views = service.audiences.tally(code)
    assert views["screen"]["totals"] == views["phone"]["totals"]  # type: ignore[index]
    with pytest.raises(InvalidInput):
        service.rounds.set_display(code, wall_mode="everything")


# -- merges --------------------------------------------------------------------------------


def test_a_merge_carries_support_in_every_method_and_the_result_says_so(
    service: UseCases, room: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = room
    approval = new_round(service, code, Method.APPROVAL)
    service.rounds.cast_ballot(code, people[0], approval, [ids[0], ids[1]], "a0")
    service.rounds.cast_ballot(code, people[1], approval, [ids[1]], "a1")
    service.facilitation.merge_proposals(code, ids[0], ids[1])
    tally = full(service, code)
    assert tally["totals"] == {str(ids[0]): 2, str(ids[2]): 0, str(ids[3]): 0}  # once each
    assert tally["merged"][str(ids[0])] == [ids[1]]
    ranking = new_round(service, code, Method.RANKING, settings={"top_k": 2})
    service.facilitation.unmerge_proposal(code, ids[1])
    service.rounds.cast_ballot(code, people[0], ranking, [ids[2], ids[1]], "r0")
    service.facilitation.merge_proposals(code, ids[0], ids[1])
    # Three proposals on the ballot now: ids[1]'s second place (1 point) goes to ids[0].
    assert full(service, code)["totals"] == {str(ids[0]): 1, str(ids[2]): 2, str(ids[3]): 0}


def test_spend_all_counts_a_dot_ballot_only_once_every_dot_is_placed(
    service: UseCases, room: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = room
    round_id = new_round(
        service, code, Method.DOTS, settings={"dots": 2, "max_per_proposal": 1, "spend_all": True}
    )
    service.workshops.cast_vote(code, people[0], ids[0], 1, "first", round_id)
    assert full(service, code)["incomplete"] == 1 and full(service, code)["votes"] == 0
    answer = service.workshops.cast_vote(code, people[0], ids[1], 1, "second", round_id)
    assert answer.ack["dots_left"] == 0
    assert full(service, code)["incomplete"] == 0 and full(service, code)["votes"] == 2


# -- the export --------------------------------------------------------------------------


def test_the_plan_exports_every_round_and_reimports_to_the_same_markdown(
    app: Flask, service: UseCases, room: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = room
    service.workshops.cast_vote(code, people[0], ids[0], 2, "v")
    service.rounds.enter_paper(code, "hands", "g1", 3, {str(ids[2]): 3}, "", "hands")
    ranking = new_round(service, code, Method.RANKING, settings={"top_k": 2})
    service.rounds.cast_ballot(code, people[1], ranking, [ids[1], ids[0]], "r")
    service.rounds.enter_assisted_ballot(code, "g2", [ids[0], ids[1]], "for Jo", "assisted")
    documents = app.extensions["workshop.documents"]
    text_ = export.markdown(documents.workshop(code))
    assert "### Round 1: Dot voting" in text_ and "### Round 2: Ranking" in text_
    pool = "Counted on paper or with help (already in the table above): "
    assert pool + "3 people. Their support: More training: 3." in text_
    assert pool + "1 person.\n" in text_  # one person's ballot is never listed
    assert "Reach the villages: 3;" not in text_
    assert "Rank, groups equal" in text_
    assert "No idea is ranked first by most people when compared two at a time." in text_
    assert "for Jo" not in text_  # notes never leave the console
    client = app.test_client()
    copy = client.post("/api/workshops/import", json=documents.workshop(code)).get_json()
    again = export.markdown(documents.workshop(copy["code"]))
    assert again.split("## Vote rounds")[1] == text_.split("## Vote rounds")[1]
