"""Use cases on a real SQLite file: joins, stage guards, budgets, idempotency, housekeeping."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import make_app
from tests.flows import workshop_with_proposals
from workshop.domain.errors import (
    UNKNOWN_WORKSHOP,
    Conflict,
    Forbidden,
    InvalidInput,
    LimitReached,
    NoDotsLeft,
    NotFound,
    WorkshopError,
    WrongStage,
)
from workshop.domain.model import Stage
from workshop.usecases import UseCases
from workshop.usecases.events import Answer, AttendanceChanged

CLOSED_EDIT = "This workshop is closed: move it back to an earlier stage to change it."
NO_DOTS = "You have no dots left: take one back from another idea first."
LIMIT = "You can put at most 3 dots on one idea: spread the rest across others."
GONE = "That idea is no longer on the list: refresh and pick another."
BAD_LINK = (
    "That facilitator link is not valid for this workshop: "
    "use the link you were given when you created it."
)
TEXTS = ["A stronger community focus", "Better communication", "More training"]


def refused(
    error: type[WorkshopError], sentence: str, call: Callable[..., Any], *args: Any
) -> None:
    """Assert that call(*args) is refused with exactly this error and sentence."""
    with pytest.raises(error) as caught:
        call(*args)
    assert type(caught.value) is error
    assert caught.value.message == sentence


def dots_left(answer: Answer) -> int:
    """Return the dots_left of an accepted vote or retraction."""
    assert answer.ack["ok"] is True, answer.ack
    return int(answer.ack["dots_left"])


def totals(service: UseCases, code: str) -> dict[str, int]:
    """Return the live totals per visible survivor, keyed as on the wire."""
    return dict(service.audiences.tally(code)["facilitator"]["totals"])


def listed(state: dict[str, Any]) -> list[int]:
    """Return the ids of the proposals a snapshot lists at top level."""
    return [p["id"] for p in state["proposals"]]


def entry(state: dict[str, Any], proposal_id: int) -> dict[str, Any]:
    """Return one proposal's entry in a snapshot."""
    found = [p for p in state["proposals"] if p["id"] == proposal_id]
    assert len(found) == 1, f"{proposal_id} is listed {len(found)} times"
    return found[0]


@pytest.fixture
def voting(service: UseCases) -> tuple[str, list[int], list[int]]:
    """A workshop in the vote stage: 3 attendees, each the author of one of 3 proposals."""
    return workshop_with_proposals(service, TEXTS)


# -- creating and joining ------------------------------------------------------------


def test_create_workshop_starts_in_the_lobby_with_its_groups(service: UseCases) -> None:
    created = service.workshops.create_workshop(
        "Partnership review", 5, 3, ["Service users", "Staff"]
    )
    state = service.audiences.snapshot(created.code, "screen")
    assert state["stage"] == "lobby"
    assert (state["title"], state["dots"], state["max_per_proposal"]) == (
        "Partnership review",
        5,
        3,
    )
    assert state["groups"] == [
        {"key": "g1", "label": "Service users"},
        {"key": "g2", "label": "Staff"},
    ]
    assert state["join_url"] == f"http://testserver/w/{created.code}"


def test_create_workshop_refuses_a_per_proposal_limit_above_the_budget(
    service: UseCases,
) -> None:
    refused(
        InvalidInput,
        "The most dots on one idea cannot be more than the dots per attendee.",
        service.workshops.create_workshop,
        "Review",
        3,
        4,
        [],
    )


def test_the_same_device_rejoins_as_the_same_attendee(service: UseCases) -> None:
    code = service.workshops.create_workshop("Review", 5, 3, ["A", "B"]).code
    first, events = service.workshops.join(code, "device-sam-0000001", "Sam", "g1")
    assert events == [AttendanceChanged(first.workshop_id, code)]
    assert (first.me["name"], first.me["group"]) == ("Sam", "g1")

    again, events = service.workshops.join(code, "device-sam-0000001", None, None)
    assert again.participant_id == first.participant_id
    assert (again.me["name"], again.me["group"]) == ("Sam", "g1")  # None keeps them
    assert events == []
    assert service.audiences.attendance(code) == {"joined": 1, "by_group": {"g1": 1}}

    renamed, events = service.workshops.join(code, "device-sam-0000001", "Samira", "g2")
    assert renamed.participant_id == first.participant_id
    assert (renamed.me["name"], renamed.me["group"]) == ("Samira", "g2")
    assert events == [AttendanceChanged(first.workshop_id, code)]

    cleared, _ = service.workshops.join(code, "device-sam-0000001", "", "")
    assert (cleared.me["name"], cleared.me["group"]) == (None, None)
    found = service.workshops.find_participant(code, "device-sam-0000001")
    assert found is not None
    assert (found.id, found.name, found.group) == (first.participant_id, None, None)
    assert service.audiences.attendance(code) == {"joined": 1, "by_group": {"": 1}}


def test_a_join_reads_the_ideas_actions_and_round_once_for_its_snapshot_and_own_view(
    service: UseCases, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workshop.store.board import BoardStatements
    from workshop.store.plans import PlanStatements
    from workshop.store.rounds import RoundStatements

    code, _people, ids = workshop_with_proposals(service, ["One", "Two"])
    reads: list[str] = []
    for cls, name in (
        (BoardStatements, "proposals"),
        (PlanStatements, "actions"),
        (RoundStatements, "round_by_id"),
    ):
        real = getattr(cls, name)
        monkeypatch.setattr(
            cls, name, lambda *a, real=real, name=name, **k: reads.append(name) or real(*a, **k)
        )
    joined, _ = service.workshops.join(code, "device-newcomer-01", None, "g1")
    assert sorted(reads) == ["actions", "proposals"]  # the round comes with the snapshot's
    assert [p["id"] for p in joined.state["proposals"]] == ids
    assert joined.me["dots_left"] == 5 and joined.me["round_id"] == joined.state["round"]["id"]
    reads.clear()
    service.audiences.snapshot(code, "phone")  # another transaction reads afresh
    assert sorted(reads) == ["actions", "proposals"]


def test_a_join_without_a_device_id_gets_a_fresh_one(service: UseCases) -> None:
    code = service.workshops.create_workshop("Review", 5, 3, []).code
    one, _ = service.workshops.join(code, None)
    two, _ = service.workshops.join(code, None)
    assert one.device_id != two.device_id
    assert one.participant_id != two.participant_id
    assert len(one.device_id) >= 16


def test_join_refuses_an_unknown_group_and_seats_nobody(service: UseCases) -> None:
    code = service.workshops.create_workshop("Review", 5, 3, ["A", "B"]).code
    refused(
        InvalidInput,
        "That group is not one of this workshop's groups: "
        "pick one from the list or skip the question.",
        service.workshops.join,
        code,
        "device-new-00000001",
        "Sam",
        "g9",
    )
    assert service.workshops.find_participant(code, "device-new-00000001") is None
    assert service.audiences.attendance(code) == {"joined": 0, "by_group": {}}


def test_join_refuses_an_unknown_workshop(service: UseCases) -> None:
    refused(NotFound, UNKNOWN_WORKSHOP, service.workshops.join, "ZZZZZZ", "device-x-000000001")
    assert UNKNOWN_WORKSHOP == (
        "There is no workshop with that code: check the code on the screen and try again."
    )


# -- stage guards --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "sentence"),
    [
        (Stage.LOBBY, "Sharing ideas has not started yet: wait for the facilitator to start."),
        (Stage.GROUP, "Sharing ideas has closed: the workshop has moved on to grouping ideas."),
        (Stage.VOTE, "Sharing ideas has closed: the workshop has moved on to voting."),
        (Stage.CLOSED, "This workshop has closed: thank you for taking part."),
    ],
)
def test_proposals_are_accepted_only_in_propose(
    service: UseCases, stage: Stage, sentence: str
) -> None:
    code, people, ids = workshop_with_proposals(service, ["Existing"], stage=stage)
    refused(
        WrongStage,
        sentence,
        service.workshops.submit_proposal,
        code,
        people[0],
        "Late idea",
        "late-1",
    )
    assert len(service.audiences.snapshot(code, "facilitator")["proposals"]) == 1
    service.facilitation.change_stage(code, Stage.PROPOSE)  # the refused request id was not spent
    answer = service.workshops.submit_proposal(code, people[0], "Late idea", "late-1")
    assert answer.ack["proposal_id"] not in ids


@pytest.mark.parametrize(
    ("stage", "sentence"),
    [
        (Stage.PROPOSE, "Voting has not started yet: wait for the facilitator."),
        (Stage.GROUP, "Voting has not started yet: wait for the facilitator."),
        (Stage.RESULTS, "Voting has closed: the results are being shared."),
        (Stage.PLAN, "Voting has closed: the results are being shared."),
        (Stage.CLOSED, "This workshop has closed: thank you for taking part."),
    ],
)
def test_votes_are_accepted_only_in_vote(service: UseCases, stage: Stage, sentence: str) -> None:
    code, people, ids = workshop_with_proposals(service, TEXTS, stage=stage)
    refused(WrongStage, sentence, service.workshops.cast_vote, code, people[0], ids[0], 1, "v1")
    refused(WrongStage, sentence, service.workshops.retract_vote, code, people[0], ids[0], 1, "v2")
    assert service.audiences.me(code, people[0])["dots_left"] == 5
    assert set(totals(service, code).values()) == {0}


def test_a_proposal_is_accepted_in_propose(service: UseCases) -> None:
    code, people, _ = workshop_with_proposals(service, [], stage=Stage.PROPOSE)
    answer = service.workshops.submit_proposal(code, people[1], "Peer mentors", "idea-1")
    assert answer.ack["ok"] is True
    assert isinstance(answer.ack["proposal_id"], int)
    me = service.audiences.me(code, people[1])
    assert me["my_proposals"] == [
        {
            "id": answer.ack["proposal_id"],
            "text": "Peer mentors",
            "merged_into": None,
            "hidden": False,
        },
    ]


def test_an_attendee_may_share_at_most_fifty_proposals(service: UseCases) -> None:
    code, people, _ = workshop_with_proposals(service, [], stage=Stage.PROPOSE)
    for number in range(50):
        service.workshops.submit_proposal(code, people[0], f"idea {number}", f"idea-{number}")
    refused(
        LimitReached,
        "You have shared 50 ideas, the most one person can: talk to the facilitator to add more.",
        service.workshops.submit_proposal,
        code,
        people[0],
        "one too many",
        "idea-50",
    )
    assert len(service.audiences.me(code, people[0])["my_proposals"]) == 50


def test_facilitator_edits_are_refused_while_closed(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, _, ids = voting
    service.facilitation.merge_proposals(code, ids[0], ids[2])
    service.facilitation.change_stage(code, Stage.CLOSED)
    refused(WrongStage, CLOSED_EDIT, service.facilitation.edit_proposal, code, ids[0], "New words")
    refused(WrongStage, CLOSED_EDIT, service.facilitation.merge_proposals, code, ids[0], ids[1])
    refused(WrongStage, CLOSED_EDIT, service.facilitation.unmerge_proposal, code, ids[2])
    refused(
        WrongStage, CLOSED_EDIT, service.facilitation.add_proposal, code, "Sticky note", "note-1"
    )
    state = service.audiences.snapshot(code, "facilitator")
    assert listed(state) == [ids[0], ids[1]]
    assert entry(state, ids[0])["text"] == TEXTS[0]
    assert [m["id"] for m in entry(state, ids[0])["merged"]] == [ids[2]]
    # Moving back reopens editing, and nothing was lost on the way.
    service.facilitation.change_stage(code, Stage.PLAN)
    service.facilitation.edit_proposal(code, ids[0], "New words")
    assert entry(service.audiences.snapshot(code, "facilitator"), ids[0])["text"] == "New words"


def test_the_facilitator_may_move_to_any_stage_forward_or_back(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    service.workshops.cast_vote(code, people[0], ids[0], 2, "v1")
    visited = []
    for stage in [Stage.CLOSED, Stage.LOBBY, Stage.RESULTS, Stage.PROPOSE, Stage.VOTE]:
        answer = service.facilitation.change_stage(code, stage)
        assert answer.ack == {"ok": True, "stage": stage.value}
        assert service.audiences.snapshot(code, "screen")["stage"] == stage.value
        visited.append(stage)
    assert len(visited) == 5
    assert totals(service, code)[str(ids[0])] == 2
    assert service.audiences.me(code, people[0])["dots_left"] == 3


# -- votes: budget, idempotency, retract -----------------------------------------------


def test_cast_vote_spends_dots_and_counts_them(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    assert dots_left(service.workshops.cast_vote(code, people[0], ids[0], 2, "v1")) == 3
    assert dots_left(service.workshops.cast_vote(code, people[1], ids[0], 1, "v1")) == 4
    assert totals(service, code) == {str(ids[0]): 3, str(ids[1]): 0, str(ids[2]): 0}
    me = service.audiences.me(code, people[0])
    assert (me["dots_left"], me["my_votes"]) == (3, {str(ids[0]): 2})


def test_a_vote_id_tells_which_tally_includes_the_vote(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    first = service.workshops.cast_vote(code, people[0], ids[0], 1, "v1")
    assert service.audiences.tally(code)["facilitator"]["version"] >= first.ack["vote_id"]
    second = service.workshops.cast_vote(code, people[1], ids[1], 1, "v1")
    assert second.ack["vote_id"] > first.ack["vote_id"]
    assert service.audiences.tally(code)["facilitator"]["version"] >= second.ack["vote_id"]
    assert (
        service.workshops.cast_vote(code, people[0], ids[0], 1, "v1").ack["vote_id"]
        == first.ack["vote_id"]
    )


@pytest.mark.parametrize(
    ("placed", "attempt", "error", "sentence"),
    [
        ([(0, 3), (1, 2)], (2, 1), NoDotsLeft, NO_DOTS),
        ([(0, 3), (1, 1)], (2, 2), NoDotsLeft, "You only have 1 dot left."),
        ([(0, 2)], (0, 2), LimitReached, LIMIT),
        ([], (0, 4), LimitReached, LIMIT),
    ],
)
def test_the_budget_is_enforced_and_a_refusal_writes_nothing(
    service: UseCases,
    voting: tuple[str, list[int], list[int]],
    placed: list[tuple[int, int]],
    attempt: tuple[int, int],
    error: type[WorkshopError],
    sentence: str,
) -> None:
    code, people, ids = voting
    for number, (index, points) in enumerate(placed):
        service.workshops.cast_vote(code, people[0], ids[index], points, f"ok-{number}")
    before = (service.audiences.tally(code)["facilitator"], service.audiences.me(code, people[0]))
    index, points = attempt
    refused(
        error, sentence, service.workshops.cast_vote, code, people[0], ids[index], points, "refused"
    )
    assert (
        service.audiences.tally(code)["facilitator"],
        service.audiences.me(code, people[0]),
    ) == before
    # The refused request id was not recorded: once dots are free, it goes through.
    if placed:
        first_index, first_points = placed[0]
        service.workshops.retract_vote(code, people[0], ids[first_index], first_points, "free-up")
    answer = service.workshops.cast_vote(code, people[0], ids[2], 1, "refused")
    assert answer.ack["ok"] is True
    assert service.audiences.me(code, people[0])["my_votes"][str(ids[2])] >= 1


def test_the_same_request_id_counts_once(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    first = service.workshops.cast_vote(code, people[0], ids[1], 1, "tap-1")
    tally_after_first = service.audiences.tally(code)["facilitator"]
    replay = service.workshops.cast_vote(code, people[0], ids[1], 1, "tap-1")
    assert replay.ack == first.ack
    assert dots_left(first) == 4
    assert replay.events == []
    assert service.audiences.tally(code)["facilitator"] == tally_after_first
    assert service.audiences.me(code, people[0])["dots_left"] == 4
    # A later change does not alter the answer the retry gets back.
    service.workshops.cast_vote(code, people[0], ids[2], 1, "tap-2")
    assert service.workshops.cast_vote(code, people[0], ids[1], 1, "tap-1").ack == first.ack
    assert totals(service, code)[str(ids[1])] == 1
    assert service.audiences.me(code, people[0])["dots_left"] == 3


def test_request_ids_belong_to_one_attendee(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    service.workshops.cast_vote(code, people[0], ids[0], 1, "same")
    service.workshops.cast_vote(code, people[1], ids[0], 1, "same")
    assert totals(service, code)[str(ids[0])] == 2


def test_a_replayed_proposal_is_added_once(service: UseCases) -> None:
    code, people, _ = workshop_with_proposals(service, [], stage=Stage.PROPOSE)
    first = service.workshops.submit_proposal(code, people[0], "Peer mentors", "idea-1")
    again = service.workshops.submit_proposal(code, people[0], "Peer mentors", "idea-1")
    assert again.ack == first.ack
    assert again.events == []
    assert listed(service.audiences.snapshot(code, "facilitator")) == [first.ack["proposal_id"]]
    note = service.facilitation.add_proposal(code, "Sticky note", "note-1")
    assert service.facilitation.add_proposal(code, "Sticky note", "note-1").ack == note.ack
    assert len(service.audiences.snapshot(code, "facilitator")["proposals"]) == 2


def test_retract_gives_dots_back(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    service.workshops.cast_vote(code, people[0], ids[0], 3, "v1")
    answer = service.workshops.retract_vote(code, people[0], ids[0], 2, "r1")
    assert dots_left(answer) == 4
    assert totals(service, code)[str(ids[0])] == 1
    assert service.audiences.me(code, people[0])["my_votes"] == {str(ids[0]): 1}
    assert (
        service.workshops.retract_vote(code, people[0], ids[0], 2, "r1").ack == answer.ack
    )  # replay
    assert totals(service, code)[str(ids[0])] == 1


def test_retract_refuses_more_than_was_placed(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    service.workshops.cast_vote(code, people[0], ids[0], 1, "v1")
    sentence = "You have no dot on that idea to take back."
    only_one = "You have only 1 dot on that idea: take back that many or fewer."
    refused(Conflict, only_one, service.workshops.retract_vote, code, people[0], ids[0], 2, "r1")
    refused(Conflict, sentence, service.workshops.retract_vote, code, people[0], ids[1], 1, "r2")
    refused(Conflict, sentence, service.workshops.retract_vote, code, people[1], ids[0], 1, "r3")
    assert totals(service, code)[str(ids[0])] == 1
    assert service.audiences.me(code, people[0])["dots_left"] == 4


def test_votes_on_an_unknown_proposal_are_refused(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    other_code, _, other_ids = workshop_with_proposals(service, ["Elsewhere"])
    refused(NotFound, GONE, service.workshops.cast_vote, code, people[0], other_ids[0], 1, "v1")
    refused(NotFound, GONE, service.workshops.cast_vote, code, people[0], max(ids) + 100, 1, "v2")
    assert totals(service, other_code) == {str(other_ids[0]): 0}


# -- hiding --------------------------------------------------------------------------


def test_hiding_a_proposal_removes_it_everywhere_but_the_facilitator_console(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    author, voter = people[0], people[1]  # people[0] wrote ids[0]
    service.workshops.cast_vote(code, voter, ids[0], 3, "v1")
    service.workshops.cast_vote(code, voter, ids[1], 1, "v2")
    assert service.audiences.me(code, voter)["dots_left"] == 1

    service.facilitation.hide_proposal(code, ids[0], True)

    assert totals(service, code) == {str(ids[1]): 1, str(ids[2]): 0}
    assert service.audiences.me(code, voter)["dots_left"] == 4  # the dots came back
    assert service.audiences.me(code, voter)["my_votes"] == {str(ids[1]): 1}
    # Its author still sees it, marked, so it does not vanish without a word.
    assert service.audiences.me(code, author)["my_proposals"] == [
        {"id": ids[0], "text": TEXTS[0], "merged_into": None, "hidden": True}
    ]
    for audience in ("phone", "screen"):
        state = service.audiences.snapshot(code, audience)
        assert listed(state) == [ids[1], ids[2]], audience
        assert state["proposal_count"] == 2
        assert TEXTS[0] not in str(state)
    facilitator = service.audiences.snapshot(code, "facilitator")
    assert listed(facilitator) == ids
    assert entry(facilitator, ids[0])["hidden"] is True
    assert entry(facilitator, ids[1])["hidden"] is False
    assert [r["proposal_id"] for r in facilitator["tally"]["ranking"]] == [ids[1], ids[2]]
    refused(NotFound, GONE, service.workshops.cast_vote, code, people[2], ids[0], 1, "v3")
    # The freed dots can be placed elsewhere.
    assert dots_left(service.workshops.cast_vote(code, voter, ids[2], 3, "v4")) == 1


def test_unhiding_restores_the_proposal_and_its_dots(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    service.workshops.cast_vote(code, people[1], ids[0], 2, "v1")
    before = (service.audiences.snapshot(code, "phone")["proposals"], totals(service, code))
    service.facilitation.hide_proposal(code, ids[0], True)
    service.facilitation.hide_proposal(code, ids[0], False)
    assert (service.audiences.snapshot(code, "phone")["proposals"], totals(service, code)) == before
    assert service.audiences.me(code, people[1])["dots_left"] == 3
    assert [p["id"] for p in service.audiences.me(code, people[0])["my_proposals"]] == [ids[0]]
    assert entry(service.audiences.snapshot(code, "facilitator"), ids[0])["hidden"] is False


def test_hiding_the_survivor_hides_what_was_merged_into_it(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    service.workshops.cast_vote(code, people[0], ids[1], 2, "v1")
    service.facilitation.merge_proposals(code, ids[0], ids[1])
    service.facilitation.hide_proposal(code, ids[0], True)
    assert totals(service, code) == {str(ids[2]): 0}
    assert service.audiences.me(code, people[0])["dots_left"] == 5
    assert listed(service.audiences.snapshot(code, "screen")) == [ids[2]]
    refused(NotFound, GONE, service.workshops.cast_vote, code, people[0], ids[1], 1, "v2")


def test_hiding_an_unknown_proposal_is_refused(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, _, ids = voting
    refused(
        NotFound,
        "That idea does not exist in this workshop.",
        service.facilitation.hide_proposal,
        code,
        max(ids) + 100,
        True,
    )


def test_hiding_clears_a_priority(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, _, ids = voting
    service.facilitation.set_priorities(code, [ids[0], ids[1]])
    service.facilitation.hide_proposal(code, ids[0], True)
    state = service.audiences.snapshot(code, "facilitator")
    assert entry(state, ids[0])["priority_rank"] is None
    assert entry(state, ids[1])["priority_rank"] == 1  # the ranks close up: no gap at 1


def test_showing_a_visible_proposal_keeps_its_priority(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, _, ids = voting
    service.facilitation.set_priorities(code, [ids[1], ids[0]])
    service.facilitation.hide_proposal(code, ids[0], False)  # a no-op: it was never hidden
    state = service.audiences.snapshot(code, "facilitator")
    assert [entry(state, pid)["priority_rank"] for pid in ids[:2]] == [2, 1]


def test_an_unhide_never_lets_one_attendee_count_more_dots_than_the_budget(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    voter = people[1]
    service.workshops.cast_vote(code, voter, ids[0], 3, "v1")
    service.workshops.cast_vote(code, voter, ids[1], 2, "v2")
    service.facilitation.hide_proposal(code, ids[0], True)
    service.workshops.cast_vote(code, voter, ids[2], 3, "v3")  # spends the 3 dots that came back
    service.facilitation.hide_proposal(code, ids[0], False)  # 8 would count on a budget of 5...
    mine = service.audiences.me(code, voter)
    assert sum(mine["my_votes"].values()) == 5 and mine["dots_left"] == 0  # ...so 3 go back
    assert mine["my_votes"] == {str(ids[1]): 2, str(ids[2]): 3}
    assert service.audiences.tally(code)["facilitator"]["votes"] == 5
    answer = service.workshops.retract_vote(code, voter, ids[2], 1, "r1")
    assert dots_left(answer) == 1 == service.audiences.me(code, voter)["dots_left"]


# -- merging -------------------------------------------------------------------------


def test_a_merge_keeps_both_proposals_dots_on_the_survivor(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    survivor, absorbed = ids[0], ids[1]
    service.workshops.cast_vote(code, people[0], survivor, 2, "v1")
    service.workshops.cast_vote(code, people[1], absorbed, 3, "v2")
    service.facilitation.merge_proposals(code, survivor, absorbed)

    assert totals(service, code) == {str(survivor): 5, str(ids[2]): 0}
    assert service.audiences.me(code, people[1])["my_votes"] == {str(survivor): 3}
    assert service.audiences.me(code, people[1])["dots_left"] == 2
    for audience in ("phone", "screen", "facilitator"):
        state = service.audiences.snapshot(code, audience)
        assert listed(state) == [survivor, ids[2]], audience
        merged = entry(state, survivor)["merged"]
        assert [(m["id"], m["text"]) for m in merged] == [(absorbed, TEXTS[1])], audience
    assert (
        entry(service.audiences.snapshot(code, "facilitator"), survivor)["merged"][0]["hidden"]
        is False
    )
    # A new dot on the absorbed proposal counts for the survivor.
    service.workshops.cast_vote(code, people[2], absorbed, 1, "v3")
    assert totals(service, code)[str(survivor)] == 6
    assert service.audiences.me(code, people[2])["my_votes"] == {str(survivor): 1}


def test_a_merge_over_the_per_proposal_limit_stands_but_allows_no_more_there(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    service.workshops.cast_vote(code, people[0], ids[0], 2, "v1")
    service.workshops.cast_vote(code, people[0], ids[1], 2, "v2")
    service.facilitation.merge_proposals(code, ids[0], ids[1])
    assert service.audiences.me(code, people[0])["my_votes"] == {str(ids[0]): 4}
    refused(LimitReached, LIMIT, service.workshops.cast_vote, code, people[0], ids[0], 1, "v3")
    assert service.workshops.cast_vote(code, people[0], ids[2], 1, "v4").ack["dots_left"] == 0


def test_merge_refusals(service: UseCases, voting: tuple[str, list[int], list[int]]) -> None:
    code, _, ids = voting
    mergeable = (
        "Only visible ideas that are not already merged can be merged: show or unmerge it first."
    )
    refused(
        Conflict,
        "An idea cannot be merged into itself: pick a different one.",
        service.facilitation.merge_proposals,
        code,
        ids[0],
        ids[0],
    )
    service.facilitation.hide_proposal(code, ids[2], True)
    refused(Conflict, mergeable, service.facilitation.merge_proposals, code, ids[0], ids[2])
    refused(Conflict, mergeable, service.facilitation.merge_proposals, code, ids[2], ids[0])
    service.facilitation.merge_proposals(code, ids[0], ids[1])
    refused(Conflict, mergeable, service.facilitation.merge_proposals, code, ids[1], ids[0])
    refused(
        Conflict,
        "That idea is not merged into another one.",
        service.facilitation.unmerge_proposal,
        code,
        ids[0],
    )
    assert [
        m["id"] for m in entry(service.audiences.snapshot(code, "facilitator"), ids[0])["merged"]
    ] == [
        ids[1],
    ]


@pytest.mark.parametrize("taken_back", [1, 2, 3])
def test_retract_after_a_merge_then_unmerge_never_leaves_a_negative(
    service: UseCases, voting: tuple[str, list[int], list[int]], taken_back: int
) -> None:
    code, people, ids = voting
    survivor, absorbed = ids[0], ids[1]
    service.workshops.cast_vote(code, people[0], survivor, 1, "v1")
    service.workshops.cast_vote(code, people[0], absorbed, 2, "v2")
    service.facilitation.merge_proposals(code, survivor, absorbed)
    answer = service.workshops.retract_vote(code, people[0], survivor, taken_back, "r1")
    assert dots_left(answer) == 2 + taken_back
    assert totals(service, code)[str(survivor)] == 3 - taken_back

    service.facilitation.unmerge_proposal(code, absorbed)

    after = totals(service, code)
    assert min(after.values()) >= 0
    assert after[str(survivor)] + after[str(absorbed)] == 3 - taken_back
    # Dots come off the survivor's own row first.
    assert after[str(survivor)] == 0
    me = service.audiences.me(code, people[0])
    assert all(points > 0 for points in me["my_votes"].values())
    assert sum(me["my_votes"].values()) == 3 - taken_back
    assert me["dots_left"] == 2 + taken_back
    state = service.audiences.snapshot(code, "screen")
    assert listed(state) == ids
    assert entry(state, survivor)["merged"] == []


# -- priorities, timers --------------------------------------------------------------


def test_set_priorities_ranks_and_clears(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, _, ids = voting

    def ranks() -> list[int | None]:
        state = service.audiences.snapshot(code, "facilitator")
        return [entry(state, pid)["priority_rank"] for pid in ids]

    service.facilitation.set_priorities(code, [ids[2], ids[0]])
    assert ranks() == [2, None, 1]
    service.facilitation.set_priorities(code, [ids[1]])
    assert ranks() == [None, 1, None]
    assert entry(service.audiences.snapshot(code, "phone"), ids[1])["priority_rank"] == 1
    service.facilitation.set_priorities(code, [])
    assert ranks() == [None, None, None]


def test_set_priorities_refusals_change_nothing(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, _, ids = voting
    service.facilitation.set_priorities(code, [ids[0]])
    service.facilitation.merge_proposals(code, ids[1], ids[2])
    version = service.audiences.snapshot(code, "facilitator")["version"]
    refused(
        InvalidInput,
        "Each idea can appear only once in the priorities.",
        service.facilitation.set_priorities,
        code,
        [ids[1], ids[1]],
    )
    refused(
        Conflict,
        "Hidden or merged ideas cannot be priorities: show or unmerge it first.",
        service.facilitation.set_priorities,
        code,
        [ids[1], ids[2]],
    )
    refused(
        NotFound,
        "That idea does not exist in this workshop.",
        service.facilitation.set_priorities,
        code,
        [max(ids) + 100],
    )
    state = service.audiences.snapshot(code, "facilitator")
    assert state["version"] == version
    assert entry(state, ids[0])["priority_rank"] == 1


def test_the_timer_runs_pauses_resumes_and_cancels_on_the_service_clock(
    service: UseCases, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, _ = workshop_with_proposals(service, [])
    now = [1_000_000]
    monkeypatch.setattr(service.core, "clock", lambda: now[0])

    def timer() -> dict[str, Any]:
        return dict(service.audiences.snapshot(code, "phone")["timer"])

    assert timer() == {"status": "idle", "duration_ms": 0, "ends_at": None, "remaining_ms": None}
    service.facilitation.set_timer(code, "start", 120)
    assert timer() == {
        "status": "running",
        "duration_ms": 120_000,
        "ends_at": 1_120_000,
        "remaining_ms": None,
    }
    now[0] += 30_000
    service.facilitation.set_timer(code, "pause")
    assert timer() == {
        "status": "paused",
        "duration_ms": 120_000,
        "ends_at": None,
        "remaining_ms": 90_000,
    }
    now[0] = 5_000_000
    service.facilitation.set_timer(code, "resume")
    assert timer()["ends_at"] == 5_090_000
    assert service.audiences.snapshot(code, "screen")["server_time"] == 5_000_000
    service.facilitation.set_timer(code, "cancel")
    assert timer()["status"] == "idle"


@pytest.mark.parametrize(
    ("action", "seconds", "error", "sentence"),
    [
        ("pause", 0, Conflict, "The timer is not running, so there is nothing to pause."),
        ("resume", 0, Conflict, "The timer is not paused, so there is nothing to resume."),
        ("cancel", 0, Conflict, "There is no timer to cancel."),
        ("start", 0, InvalidInput, "Set the timer between 1 second and 2 hours."),
        ("start", 7201, InvalidInput, "Set the timer between 1 second and 2 hours."),
    ],
)
def test_timer_refusals_change_nothing(
    service: UseCases,
    action: str,
    seconds: int,
    error: type[WorkshopError],
    sentence: str,
) -> None:
    code, _, _ = workshop_with_proposals(service, [])
    before = service.audiences.snapshot(code, "facilitator")["version"]
    refused(error, sentence, service.facilitation.set_timer, code, action, seconds)
    state = service.audiences.snapshot(code, "facilitator")
    assert state["version"] == before
    assert state["timer"]["status"] == "idle"


# -- what each audience sees ---------------------------------------------------------


def test_proposals_stay_off_phones_and_screens_until_revealed(service: UseCases) -> None:
    code, _, ids = workshop_with_proposals(service, TEXTS, stage=Stage.PROPOSE)
    for audience in ("phone", "screen"):
        state = service.audiences.snapshot(code, audience)
        assert (state["proposals"], state["proposal_count"]) == ([], 3), audience
        assert state["proposals_revealed"] is False
    assert listed(service.audiences.snapshot(code, "facilitator")) == ids

    service.facilitation.reveal_proposals(code, True)
    assert listed(service.audiences.snapshot(code, "phone")) == ids
    assert listed(service.audiences.snapshot(code, "screen")) == ids
    service.facilitation.reveal_proposals(code, False)
    assert service.audiences.snapshot(code, "phone")["proposals"] == []


def test_entering_vote_reveals_the_proposals(service: UseCases) -> None:
    code, _, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    assert service.audiences.snapshot(code, "phone")["proposals"] == []
    service.facilitation.change_stage(code, Stage.VOTE)
    phone = service.audiences.snapshot(code, "phone")
    assert phone["proposals_revealed"] is True
    assert [(p["id"], p["text"]) for p in phone["proposals"]] == list(zip(ids, TEXTS, strict=True))
    service.facilitation.change_stage(code, Stage.PROPOSE)  # going back keeps them shown
    assert listed(service.audiences.snapshot(code, "phone")) == ids


def test_results_stay_off_the_wall_and_phones_until_next_results_reveals_them(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, people, ids = voting
    service.workshops.cast_vote(code, people[0], ids[1], 2, "v1")
    assert service.audiences.snapshot(code, "phone")["tally"] is None
    # The wall gets who has voted and nothing to anchor on: no score, no group's figures.
    wall = service.audiences.snapshot(code, "screen")["tally"]
    assert wall["results_hidden"] is True and wall["participation"]["voted"] == 1
    assert not {"totals", "ranking", "by_group", "balanced", "from_paper"} & set(wall)
    tallies = service.audiences.tally(code)
    assert tallies["screen"] == wall and tallies["phone"] is None
    facilitator = service.audiences.snapshot(code, "facilitator")["tally"]
    assert facilitator["totals"][str(ids[1])] == 2

    service.facilitation.change_stage(code, Stage.RESULTS)  # "Next: Results"
    shown = service.audiences.snapshot(code, "screen")["tally"]
    assert shown["totals"][str(ids[1])] == 2 and shown["results_hidden"] is False
    assert service.audiences.snapshot(code, "phone")["tally"] == shown
    assert service.audiences.tally(code)["phone"] == shown
    service.facilitation.reveal_results(code, False)
    assert service.audiences.snapshot(code, "phone")["tally"] is None
    assert service.audiences.snapshot(code, "screen")["tally"]["results_hidden"] is True


def test_snapshots_returns_every_audience_from_one_read(
    service: UseCases, voting: tuple[str, list[int], list[int]]
) -> None:
    code, _, _ = voting
    states = service.audiences.snapshots(code)
    assert sorted(states) == ["facilitator", "phone", "screen"]
    assert {audience: s["audience"] for audience, s in states.items()} == {
        "facilitator": "facilitator",
        "phone": "phone",
        "screen": "screen",
    }
    assert len({s["version"] for s in states.values()}) == 1


# -- the facilitator token -----------------------------------------------------------


def test_the_facilitator_token_is_checked(service: UseCases) -> None:
    mine = service.workshops.create_workshop("Mine", 5, 3, [])
    theirs = service.workshops.create_workshop("Theirs", 5, 3, [])
    workshop = service.core.find_workshop(mine.code)
    assert workshop is not None
    assert service.core.check_facilitator(mine.code, mine.token) == workshop.id
    refused(Forbidden, BAD_LINK, service.core.check_facilitator, mine.code, mine.token + "x")
    refused(Forbidden, BAD_LINK, service.core.check_facilitator, mine.code, theirs.token)
    refused(Forbidden, BAD_LINK, service.core.check_facilitator, mine.code, "")
    refused(Forbidden, BAD_LINK, service.core.check_facilitator, "ZZZZZZ", mine.token)
    assert service.core.check_facilitator(theirs.code, theirs.token) != workshop.id


# -- a restart loses nothing that was acknowledged -----------------------------------


def test_everything_acknowledged_survives_a_restart(tmp_path: Path) -> None:
    first: Flask = make_app(tmp_path)
    service: UseCases = first.extensions["workshop.usecases"]
    code, people, ids = workshop_with_proposals(service, TEXTS)
    service.workshops.cast_vote(code, people[0], ids[0], 3, "v1")
    service.workshops.cast_vote(code, people[1], ids[2], 2, "v2")
    service.workshops.retract_vote(code, people[1], ids[2], 1, "r1")
    service.facilitation.merge_proposals(code, ids[0], ids[1])
    service.facilitation.change_stage(code, Stage.RESULTS)
    service.facilitation.set_priorities(code, [ids[2], ids[0]])
    service.facilitation.set_timer(code, "start", 300)
    before = service.audiences.snapshot(code, "facilitator")
    me_before = [service.audiences.me(code, pid) for pid in people]
    first.extensions["workshop.store"].close()

    second: Flask = make_app(tmp_path)
    try:
        again: UseCases = second.extensions["workshop.usecases"]
        after = again.audiences.snapshot(code, "facilitator")
        assert {k: v for k, v in after.items() if k != "server_time"} == {
            k: v for k, v in before.items() if k != "server_time"
        }
        assert after["stage"] == "results"
        assert [entry(after, pid)["priority_rank"] for pid in (ids[0], ids[2])] == [2, 1]
        assert after["tally"]["totals"] == {str(ids[0]): 3, str(ids[2]): 1}
        assert [m["id"] for m in entry(after, ids[0])["merged"]] == [ids[1]]
        assert after["timer"]["status"] == "running"
        assert [again.audiences.me(code, pid) for pid in people] == me_before
        assert [m["dots_left"] for m in me_before] == [2, 4, 5]
        # Replays are still recognised after the restart.
        again.facilitation.change_stage(code, Stage.VOTE)
        replay = again.workshops.cast_vote(code, people[0], ids[0], 3, "v1")
        assert replay.events == []
        assert dots_left(replay) == 2
        assert again.audiences.tally(code)["facilitator"]["totals"][str(ids[0])] == 3
    finally:
        second.extensions["workshop.store"].close()


def test_merging_away_a_priority_closes_the_gap_and_closed_workshops_keep_theirs(
    service: UseCases,
) -> None:
    code, _, ids = workshop_with_proposals(service, ["A", "B", "C", "D"])
    service.facilitation.set_priorities(code, [ids[2], ids[0], ids[3]])
    service.facilitation.merge_proposals(code, ids[1], ids[0])
    ranks = {
        p["id"]: p["priority_rank"]
        for p in service.audiences.snapshot(code, "facilitator")["proposals"]
    }
    assert (ranks[ids[2]], ranks[ids[3]]) == (1, 2)
    service.facilitation.change_stage(code, Stage.CLOSED)
    with pytest.raises(WrongStage):
        service.facilitation.set_priorities(code, [ids[3]])
