"""The stage machine, the facilitator's countdown and proposal housekeeping, as pure rules."""

from __future__ import annotations

import pytest

from workshop.domain import proposals as proposal_rules
from workshop.domain import stages, timers
from workshop.domain.errors import Conflict, InvalidInput, NotFound, WorkshopError, WrongStage
from workshop.domain.model import Proposal, Stage, Timer

CLOSED = "This workshop has closed: thank you for taking part."
NOT_YET = "Voting has not started yet: wait for the facilitator."

PROPOSAL_REFUSALS: dict[Stage, str | None] = {
    Stage.LOBBY: "Sharing ideas has not started yet: wait for the facilitator to start.",
    Stage.PROPOSE: None,
    Stage.GROUP: "Sharing ideas has closed: the workshop has moved on to grouping ideas.",
    Stage.VOTE: "Sharing ideas has closed: the workshop has moved on to voting.",
    Stage.RESULTS: "Sharing ideas has closed: the workshop has moved on to results.",
    Stage.PLAN: "Sharing ideas has closed: the workshop has moved on to action planning.",
    Stage.CLOSED: CLOSED,
}

VOTE_REFUSALS: dict[Stage, str | None] = {
    Stage.LOBBY: NOT_YET,
    Stage.PROPOSE: NOT_YET,
    Stage.GROUP: NOT_YET,
    Stage.VOTE: None,
    Stage.RESULTS: "Voting has closed: the results are being shared.",
    Stage.PLAN: "Voting has closed: the results are being shared.",
    Stage.CLOSED: CLOSED,
}


def refusal(error: type[WorkshopError], caught: pytest.ExceptionInfo[WorkshopError]) -> str:
    """Return the sentence of a refusal after checking it is exactly that kind of error."""
    assert type(caught.value) is error
    return caught.value.message


# -- stages ------------------------------------------------------------------------


def test_the_refusal_tables_cover_every_stage() -> None:
    assert set(PROPOSAL_REFUSALS) == set(Stage)
    assert set(VOTE_REFUSALS) == set(Stage)
    assert [s.value for s in Stage] == [
        "lobby",
        "propose",
        "group",
        "vote",
        "results",
        "plan",
        "closed",
    ]


@pytest.mark.parametrize(("stage", "sentence"), PROPOSAL_REFUSALS.items())
def test_proposals_are_accepted_only_while_collecting(stage: Stage, sentence: str | None) -> None:
    if sentence is None:
        stages.require_proposals_open(stage)
        assert stage is Stage.PROPOSE
        return
    with pytest.raises(WrongStage) as caught:
        stages.require_proposals_open(stage)
    assert refusal(WrongStage, caught) == sentence
    assert caught.value.as_dict() == {"ok": False, "error": sentence, "reason": "wrong_stage"}


@pytest.mark.parametrize(("stage", "sentence"), VOTE_REFUSALS.items())
def test_votes_are_accepted_only_while_voting(stage: Stage, sentence: str | None) -> None:
    if sentence is None:
        stages.require_voting_open(stage)
        assert stage is Stage.VOTE
        return
    with pytest.raises(WrongStage) as caught:
        stages.require_voting_open(stage)
    assert refusal(WrongStage, caught) == sentence


@pytest.mark.parametrize("stage", list(Stage))
def test_facilitator_edits_are_refused_only_when_closed(stage: Stage) -> None:
    if stage is not Stage.CLOSED:
        stages.require_not_closed(stage)
        return
    with pytest.raises(WrongStage) as caught:
        stages.require_not_closed(stage)
    assert refusal(WrongStage, caught) == (
        "This workshop is closed: move it back to an earlier stage to change it."
    )


def test_only_the_vote_stage_reveals_proposals() -> None:
    assert [s for s in Stage if stages.reveals_proposals(s)] == [Stage.VOTE]


@pytest.mark.parametrize("stage", list(Stage))
def test_parse_stage_accepts_every_stage_name(stage: Stage) -> None:
    assert stages.parse_stage(stage.value) is stage


@pytest.mark.parametrize("value", ["voting", "VOTE", " vote", "", None, 3, [], {}, b"vote"])
def test_parse_stage_refuses_anything_else_with_the_list_of_stages(value: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        stages.parse_stage(value)
    assert refusal(InvalidInput, caught) == (
        "There is no stage called that: "
        "choose one of lobby, propose, group, vote, results, plan, closed."
    )
    assert caught.value.reason == "invalid"


def test_every_stage_has_a_label() -> None:
    assert {s: s.label for s in Stage} == {
        Stage.LOBBY: "Welcome",
        Stage.PROPOSE: "Share your ideas",
        Stage.GROUP: "Grouping ideas",
        Stage.VOTE: "Voting",
        Stage.RESULTS: "Results",
        Stage.PLAN: "Action planning",
        Stage.CLOSED: "Closed",
    }


# -- timers ------------------------------------------------------------------------

T0 = 1_763_889_000_000  # a fixed clock, in epoch milliseconds


def test_start_runs_for_the_given_seconds_from_now() -> None:
    assert timers.start(T0, 90) == Timer("running", 90_000, T0 + 90_000, None)


@pytest.mark.parametrize("seconds", [1, 7200])
def test_start_accepts_the_bounds(seconds: int) -> None:
    timer = timers.start(T0, seconds)
    assert timer.ends_at == T0 + seconds * 1000
    assert timer.duration_ms == seconds * 1000


@pytest.mark.parametrize("seconds", [0, -5, 7201, 10**9])
def test_start_refuses_times_out_of_range(seconds: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        timers.start(T0, seconds)
    assert refusal(InvalidInput, caught) == "Set the timer between 1 second and 2 hours."


def test_pause_keeps_what_was_left() -> None:
    paused = timers.pause(timers.start(T0, 120), T0 + 30_000)
    assert paused == Timer("paused", 120_000, None, 90_000)


def test_pause_after_the_end_keeps_nothing_rather_than_a_negative() -> None:
    paused = timers.pause(timers.start(T0, 10), T0 + 60_000)
    assert paused.remaining_ms == 0
    assert paused.status == "paused"


def test_resume_runs_from_where_it_stopped() -> None:
    paused = timers.pause(timers.start(T0, 120), T0 + 30_000)
    resumed = timers.resume(paused, T0 + 500_000)
    assert resumed == Timer("running", 120_000, T0 + 500_000 + 90_000, None)


def test_pause_and_resume_twice_keeps_the_sum_of_running_time() -> None:
    timer = timers.start(T0, 100)
    timer = timers.pause(timer, T0 + 10_000)  # ran 10 s
    timer = timers.resume(timer, T0 + 50_000)
    timer = timers.pause(timer, T0 + 70_000)  # ran 20 s more
    assert timer.remaining_ms == 70_000
    timer = timers.resume(timer, T0 + 100_000)
    assert timer.ends_at == T0 + 170_000


@pytest.mark.parametrize(
    "timer", [Timer(), Timer("paused", 60_000, None, 30_000)], ids=["idle", "paused"]
)
def test_pause_refuses_a_timer_that_is_not_running(timer: Timer) -> None:
    with pytest.raises(Conflict) as caught:
        timers.pause(timer, T0)
    assert refusal(Conflict, caught) == "The timer is not running, so there is nothing to pause."


@pytest.mark.parametrize(
    "timer", [Timer(), Timer("running", 60_000, T0 + 60_000, None)], ids=["idle", "running"]
)
def test_resume_refuses_a_timer_that_is_not_paused(timer: Timer) -> None:
    with pytest.raises(Conflict) as caught:
        timers.resume(timer, T0)
    assert refusal(Conflict, caught) == "The timer is not paused, so there is nothing to resume."


@pytest.mark.parametrize(
    "timer",
    [Timer("running", 60_000, T0 + 60_000, None), Timer("paused", 60_000, None, 30_000)],
    ids=["running", "paused"],
)
def test_cancel_returns_an_idle_timer(timer: Timer) -> None:
    assert timers.cancel(timer) == Timer("idle", 0, None, None)


def test_cancel_refuses_when_there_is_no_timer() -> None:
    with pytest.raises(Conflict) as caught:
        timers.cancel(Timer())
    assert refusal(Conflict, caught) == "There is no timer to cancel."


def test_timer_as_dict() -> None:
    assert Timer("paused", 60_000, None, 30_000).as_dict() == {
        "status": "paused",
        "duration_ms": 60_000,
        "ends_at": None,
        "remaining_ms": 30_000,
    }


# -- planning ----------------------------------------------------------------------

NOT_MERGEABLE = (
    "Only visible ideas that are not already merged can be merged: show or unmerge it first."
)
NOT_A_PRIORITY = "Hidden or merged ideas cannot be priorities: show or unmerge it first."
NO_SUCH_PROPOSAL = "That idea does not exist in this workshop."


def board() -> dict[int, Proposal]:
    """Return proposals 1 to 3 visible, 4 hidden, 5 absorbed into 1, 6 absorbed into hidden 4."""
    return {
        1: Proposal(1, "Community focus"),
        2: Proposal(2, "Communication"),
        3: Proposal(3, "Training"),
        4: Proposal(4, "Personal details", hidden=True),
        5: Proposal(5, "Beyond the hubs", merged_into=1),
        6: Proposal(6, "Duplicate", merged_into=4),
    }


def test_a_merge_of_two_visible_proposals_is_allowed() -> None:
    proposal_rules.check_merge(1, 2, board())
    proposal_rules.check_merge(2, 1, board())


def test_a_proposal_cannot_be_merged_into_itself() -> None:
    with pytest.raises(Conflict) as caught:
        proposal_rules.check_merge(2, 2, board())
    assert refusal(Conflict, caught) == (
        "An idea cannot be merged into itself: pick a different one."
    )


@pytest.mark.parametrize(
    ("survivor", "absorbed"),
    [(4, 2), (2, 4), (5, 2), (2, 5), (6, 2), (2, 6)],
    ids=[
        "into-hidden",
        "hidden-absorbed",
        "into-absorbed",
        "absorbed-again",
        "into-one-under-hidden",
        "one-under-hidden",
    ],
)
def test_hidden_or_absorbed_proposals_cannot_be_merged(survivor: int, absorbed: int) -> None:
    with pytest.raises(Conflict) as caught:
        proposal_rules.check_merge(survivor, absorbed, board())
    assert refusal(Conflict, caught) == NOT_MERGEABLE


@pytest.mark.parametrize(("survivor", "absorbed"), [(1, 99), (99, 1)])
def test_a_merge_with_an_unknown_proposal_is_refused(survivor: int, absorbed: int) -> None:
    with pytest.raises(NotFound) as caught:
        proposal_rules.check_merge(survivor, absorbed, board())
    assert refusal(NotFound, caught) == NO_SUCH_PROPOSAL


def test_priorities_of_visible_proposals_are_allowed() -> None:
    proposal_rules.check_priorities([3, 1, 2], board())
    proposal_rules.check_priorities([], board())


def test_priorities_may_not_repeat_a_proposal() -> None:
    with pytest.raises(InvalidInput) as caught:
        proposal_rules.check_priorities([1, 2, 1], board())
    assert refusal(InvalidInput, caught) == "Each idea can appear only once in the priorities."


@pytest.mark.parametrize("bad", [4, 5, 6], ids=["hidden", "absorbed", "under-hidden"])
def test_hidden_or_absorbed_proposals_cannot_be_priorities(bad: int) -> None:
    with pytest.raises(Conflict) as caught:
        proposal_rules.check_priorities([1, bad], board())
    assert refusal(Conflict, caught) == NOT_A_PRIORITY


def test_unknown_proposals_cannot_be_priorities() -> None:
    with pytest.raises(NotFound) as caught:
        proposal_rules.check_priorities([1, 99], board())
    assert refusal(NotFound, caught) == NO_SUCH_PROPOSAL


def test_at_most_twenty_priorities() -> None:
    many = {pid: Proposal(pid, f"idea {pid}") for pid in range(1, 22)}
    proposal_rules.check_priorities(list(range(1, 21)), many)
    with pytest.raises(InvalidInput) as caught:
        proposal_rules.check_priorities(list(range(1, 22)), many)
    assert refusal(InvalidInput, caught) == "Choose at most 20 priorities."


def test_merged_children_lists_direct_children_in_arrival_order() -> None:
    proposals = {
        9: Proposal(9, "late", merged_into=1),
        1: Proposal(1, "survivor"),
        3: Proposal(3, "early", merged_into=1),
        4: Proposal(4, "grandchild", merged_into=3),
    }
    assert proposal_rules.merged_children(proposals) == {1: [3, 9], 3: [4]}
