"""Two real server processes sharing PostgreSQL (the store) and Redis (the message queue)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import redis_url
from tests.servers import Server
from tests.test_server import Recorder, create, tally_with


@pytest.mark.postgres
@pytest.mark.redis
def test_a_phone_on_one_process_and_a_projector_on_another_see_the_same_tally(
    start_server: Callable[..., Server], fresh_postgres: str, tmp_path: Any
) -> None:
    queue = redis_url()
    flags = ("--database-url", fresh_postgres, "--message-queue", queue)
    first = start_server(*flags, data_dir=tmp_path / "one")
    second = start_server(*flags, data_dir=tmp_path / "two")
    made = create(first, dots=5, max_per_proposal=5)
    code, token = made["code"], made["facilitator_token"]

    facilitator = Recorder(second, {"code": code, "token": token})
    facilitator.ack("change_stage", {"stage": "propose"})
    proposal = facilitator.ack("add_proposal", {"text": "Bridges", "request_id": "a"})[
        "proposal_id"
    ]
    screen = Recorder(second, {"code": code, "role": "screen"})
    phones = [Recorder(first) for _ in range(4)]
    try:
        for index, phone in enumerate(phones):
            assert phone.ack(
                "join_workshop", {"code": code, "device_id": f"scale-out-{index:08d}"}
            )["ok"]
        facilitator.ack("change_stage", {"stage": "vote"})
        facilitator.ack("set_display", {"wall_mode": "results"})  # this wall counts live
        # The stage change made on the second process reaches phones on the first.
        phones[0].wait_for(lambda e, d: e == "state_changed" and d["stage"] == "vote")
        acked = 0
        for phone in phones:
            for dot in range(3):
                answer = phone.ack("cast_vote", {"proposal_id": proposal, "request_id": f"d{dot}"})
                assert answer["ok"], answer
                acked += 1
        seen = screen.wait_for(tally_with(acked))
        tally = seen.get("tally", seen)
        assert tally["totals"][str(proposal)] == acked == 12
    finally:
        for client in (facilitator, screen, *phones):
            client.close()


def follow(client: Recorder, state: dict[str, Any]) -> dict[str, Any]:
    """Apply what a client heard by the rules of docs/protocol.md ("Deltas")."""
    from workshop.usecases.deltas import apply

    with client.lock:
        heard = list(client.events)
    for event, data in heard:
        if event == "state_changed" and data["version"] >= state["version"]:
            state = data
        elif event == "state_delta":
            if data["base"] == state["version"]:
                state = apply(state, data["ops"])
            elif data["version"] > state["version"]:
                state = client.ack("sync_state", {})["state"]
    return state


@pytest.mark.postgres
@pytest.mark.redis
def test_phones_taking_deltas_follow_changes_made_through_either_process(
    start_server: Callable[..., Server], fresh_postgres: str, tmp_path: Any
) -> None:
    queue = redis_url()
    flags = ("--database-url", fresh_postgres, "--message-queue", queue)
    servers = [start_server(*flags, data_dir=tmp_path / name) for name in ("one", "two")]
    made = create(servers[0])
    code, token = made["code"], made["facilitator_token"]
    consoles = [Recorder(server, {"code": code, "token": token}) for server in servers]
    consoles[0].ack("change_stage", {"stage": "propose"})
    ids = [
        consoles[n % 2].ack("add_proposal", {"text": f"Idea {n}", "request_id": f"a{n}"})[
            "proposal_id"
        ]
        for n in range(6)
    ]
    consoles[1].ack("change_stage", {"stage": "vote"})
    phones, states = [], []
    try:
        for index, server in enumerate(servers):
            phone = Recorder(server)
            joined = phone.ack(
                "join_workshop", {"code": code, "device_id": f"deltas-{index:010d}", "deltas": 1}
            )
            phones.append(phone)
            states.append(joined["state"])

        def settle() -> None:
            state = consoles[0].ack("facilitate_workshop", {"code": code, "token": token})
            for phone in phones:
                phone.wait_for(
                    lambda e, d: (
                        e in ("state_changed", "state_delta")
                        and d["version"] >= state["state"]["version"]
                    )
                )

        # Two changes through each process in turn, as two consoles would: a process's
        # second change follows its own last broadcast by one version, so it is a delta;
        # its first follows the other process's changes, so it goes out whole.
        consoles[0].ack("hide_proposal", {"proposal_id": ids[1], "hidden": True})
        settle()
        consoles[0].ack("edit_proposal", {"proposal_id": ids[2], "text": "Idea two, reworded"})
        settle()
        consoles[1].ack("add_proposal", {"text": "Idea late", "request_id": "late"})
        settle()
        consoles[1].ack("hide_proposal", {"proposal_id": ids[1], "hidden": False})
        settle()
        fresh = Recorder(servers[1]).ack(
            "join_workshop", {"code": code, "device_id": "deltas-fresh-0000"}
        )["state"]
        assert any(event == "state_delta" for phone in phones for event, _ in phone.events)
        drop = ("server_time", "tally", "joined", "by_group")
        for phone, state in zip(phones, states, strict=True):
            followed = follow(phone, state)
            assert {k: v for k, v in followed.items() if k not in drop} == {
                k: v for k, v in fresh.items() if k not in drop
            }
    finally:
        for client in (*consoles, *phones):
            client.close()
