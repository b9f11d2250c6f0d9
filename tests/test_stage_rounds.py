"""change_stage with a round: Back from round 2's voting returns to round 1's results."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_realtime import Room, ack


@pytest.fixture
def two_rounds(connect: Any, workshop: dict[str, Any]) -> tuple[Room, list[int]]:
    """Round 1 by dots with a vote, then round 2 (approval) started: voting in round 2."""
    room = Room(connect, workshop)
    room.stage("propose")
    ids = [room.propose(0, "Community focus"), room.propose(1, "Communication")]
    room.stage("vote")
    assert ack(room.phones[0], "cast_vote", {"proposal_id": ids[0], "request_id": "v1"})["ok"]
    room.stage("results")
    started = ack(room.facilitator, "start_round", {"method": "approval", "request_id": "r2"})
    assert started == {"ok": True, "round_id": started["round_id"], "number": 2}
    room.clear()
    return room, ids


def snapshot(client: Any) -> dict[str, Any]:
    """Return the newest state_changed the client received."""
    states = [m["args"][0] for m in client.get_received() if m["name"] == "state_changed"]
    assert states, "no state_changed arrived"
    return states[-1]


def test_back_from_round_2_voting_makes_round_1_current_on_its_results(
    two_rounds: tuple[Room, list[int]],
) -> None:
    room, ids = two_rounds
    answer = ack(room.facilitator, "change_stage", {"stage": "results", "round": 1})
    assert answer == {"ok": True, "stage": "results"}
    state = snapshot(room.screen)
    assert state["stage"] == "results" and state["round"]["number"] == 1
    assert state["tally"]["round_number"] == 1 and state["tally"]["totals"][str(ids[0])] == 1
    # And forward again to round 2's voting: its ballot is the current one once more.
    ack(room.facilitator, "change_stage", {"stage": "vote", "round": 2})
    state = snapshot(room.facilitator)
    assert state["stage"] == "vote" and state["round"]["number"] == 2


@pytest.mark.parametrize(
    ("payload", "sentence"),
    [
        ({"stage": "results", "round": 3}, "There is no round 3 in this workshop."),
        (
            {"stage": "plan", "round": 1},
            "Name a round only when moving to voting or to results.",
        ),
        ({"stage": "results", "round": "1"}, "The round must be a whole number."),
        ({"stage": "results", "round": 0}, "The round must be between 1 and 1000."),
    ],
)
def test_a_bad_round_gets_a_sentence_and_changes_nothing(
    two_rounds: tuple[Room, list[int]], payload: dict[str, Any], sentence: str
) -> None:
    room, _ = two_rounds
    answer = ack(room.facilitator, "change_stage", payload)
    assert answer["ok"] is False and answer["error"] == sentence
    assert room.screen.get_received() == []  # nothing changed, so nothing was sent
