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
