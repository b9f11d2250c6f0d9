"""The real server (run.py, eventlet as shipped): demo, live tally, restart and reconnection."""

from __future__ import annotations

import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import socketio

from tests.servers import Server


def create(server: Server, title: str = "Review", **fields: Any) -> dict[str, Any]:
    """Create a workshop over HTTP."""
    body = json.dumps({"title": title, **fields}).encode()
    request = urllib.request.Request(
        f"{server.url}/api/workshops", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=5) as answer:
        return json.loads(answer.read())  # type: ignore[no-any-return]


class Recorder:
    """A python-socketio client that remembers every broadcast it receives."""

    def __init__(self, server: Server, auth: dict[str, Any] | None = None) -> None:
        self.events: list[tuple[str, Any]] = []
        self.lock = threading.Lock()
        self.client = socketio.Client(reconnection_delay=0.2, reconnection_delay_max=0.5)
        self.client.on("*", self._record)
        self.client.connect(server.url, transports=["websocket"], auth=auth, wait_timeout=10)

    def _record(self, event: str, data: Any = None) -> None:
        with self.lock:
            self.events.append((event, data))

    def ack(self, command: str, payload: dict[str, Any]) -> dict[str, Any]:
        return self.client.call(command, payload, timeout=10)  # type: ignore[no-any-return]

    def wait_for(self, check: Callable[[str, Any], bool], timeout: float = 10) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                for event, data in self.events:
                    if check(event, data):
                        return data
            time.sleep(0.02)
        raise AssertionError(f"nothing matched among {[e for e, _ in self.events]}")

    def close(self) -> None:
        self.client.disconnect()


def tally_with(votes: int) -> Callable[[str, Any], bool]:
    """Match a broadcast carrying a tally of `votes` (a snapshot carries one too)."""

    def check(event: str, data: Any) -> bool:
        if event == "state_changed":
            data = data.get("tally") or {}
        elif event != "tally_changed":
            return False
        return bool(data.get("votes") == votes)

    return check


def test_demo_prints_its_links_and_replays_the_maidstone_review(
    start_server: Callable[..., Server],
) -> None:
    server = start_server("--demo")
    output = server.output()
    code = re.search(r"Demo workshop ([A-Z0-9]{6})", output).group(1)  # type: ignore[union-attr]
    assert f"{server.url}/w/{code}/facilitate#token=" in output
    assert f"Phones join at:             {server.url}/w/{code}" in output
    with urllib.request.urlopen(f"{server.url}/api/workshops/{code}", timeout=5) as answer:
        state = json.loads(answer.read())
    assert state["stage"] == "results" and state["joined"] >= 20
    assert len(state["groups"]) == 3 and state["proposal_count"] >= 15
    assert any(p["merged"] for p in state["proposals"])
    assert [t["heading"] for t in state["themes"]][:2] == [
        "Reaching more people",
        "Partners working together",
    ]
    leaders = [row["proposal_id"] for row in state["tally"]["ranking"][:5]]
    texts = {p["id"]: p["text"] for p in state["proposals"]}
    assert any("beyond the three hub towns" in texts[pid] for pid in leaders)
    # Round 1 by dots (with a paper wall chart), then round 2 ranks round 1's top eight.
    assert [(r["number"], r["method"]) for r in state["rounds"]] == [(1, "dots"), (2, "ranking")]
    tally = state["tally"]
    assert tally["method"] == "ranking" and tally["assisted_ballots"] == 1
    assert tally["participation"]["voted"] == 24 + 1
    assert texts[tally["condorcet_winner"]].startswith("A stronger community focus")
    assert set(tally["balanced"]) == {str(pid) for pid in state["round"]["proposal_ids"]}
    assert sorted(p["priority_rank"] for p in state["proposals"] if p["priority_rank"]) == [
        1,
        2,
        3,
        4,
        5,
    ]
    # The series continues in Gravesend, Tonbridge and Maidstone, the last one planning live.
    live = re.search(r"Demo workshop ([A-Z0-9]{6}): action planning in Maidstone", output)
    assert live is not None
    with urllib.request.urlopen(f"{server.url}/api/workshops/{live.group(1)}", timeout=5) as answer:
        town = json.loads(answer.read())
    assert (town["stage"], town["place"], town["held_on"]) == ("plan", "Maidstone", "2025-04-25")
    assert len(town["actions"]) >= 7 and town["series"]["root_code"] == code
    with urllib.request.urlopen(f"{server.url}/s/{code}", timeout=5) as page:
        series_html = page.read().decode()
    for town_heading in ("Gravesend, Tuesday 15 April 2025", "Tonbridge, Wednesday 23 April 2025"):
        assert town_heading in series_html


def test_votes_reach_the_projector_through_the_coalescing_broadcaster(
    start_server: Callable[..., Server],
) -> None:
    server = start_server()
    made = create(server, dots=5, max_per_proposal=5)
    code, token = made["code"], made["facilitator_token"]
    facilitator = Recorder(server, {"code": code, "token": token})
    assert facilitator.ack("change_stage", {"stage": "propose"})["ok"]
    proposal = facilitator.ack("add_proposal", {"text": "Community focus", "request_id": "a"})[
        "proposal_id"
    ]
    facilitator.ack("change_stage", {"stage": "vote"})
    facilitator.ack("set_display", {"wall_mode": "results"})  # this wall counts live
    screen = Recorder(server, {"code": code, "role": "screen"})
    phones = [Recorder(server) for _ in range(3)]
    try:
        for index, phone in enumerate(phones):
            assert phone.ack(
                "join_workshop", {"code": code, "device_id": f"server-test-{index:06d}"}
            )["ok"]
            for dot in range(2):
                assert phone.ack("cast_vote", {"proposal_id": proposal, "request_id": f"v{dot}"})[
                    "ok"
                ]
        seen = screen.wait_for(tally_with(6))
        tally = seen.get("tally", seen)
        assert tally["totals"][str(proposal)] == 6
    finally:
        for client in (facilitator, screen, *phones):
            client.close()


def test_a_restart_loses_nothing_acknowledged_and_phones_come_back_by_themselves(
    start_server: Callable[..., Server], tmp_path: Any
) -> None:
    server = start_server()
    made = create(server)
    code, token = made["code"], made["facilitator_token"]
    facilitator = Recorder(server, {"code": code, "token": token})
    facilitator.ack("change_stage", {"stage": "propose"})
    device = "restart-device-0001"
    phone = Recorder(server, {"code": code, "device_id": device})
    assert phone.ack("join_workshop", {"code": code, "device_id": device, "name": "Sam"})["ok"]
    proposal = phone.ack("submit_proposal", {"text": "Peer mentors", "request_id": "p1"})[
        "proposal_id"
    ]
    facilitator.ack("change_stage", {"stage": "vote"})
    assert (
        phone.ack("cast_vote", {"proposal_id": proposal, "points": 2, "request_id": "v1"})[
            "dots_left"
        ]
        == 3
    )

    server.stop(kill=True)
    server.start()

    # The phone reconnects on its own with its auth and is the same attendee at once.
    deadline = time.monotonic() + 15
    while not phone.client.connected and time.monotonic() < deadline:
        time.sleep(0.1)
    assert phone.client.connected
    again = phone.ack("cast_vote", {"proposal_id": proposal, "request_id": "v2"})
    assert again["ok"] and again["dots_left"] == 2
    replay = phone.ack("cast_vote", {"proposal_id": proposal, "points": 2, "request_id": "v1"})
    assert replay["dots_left"] == 3  # the acknowledged first vote is not counted twice
    rejoined = phone.ack("join_workshop", {"code": code, "device_id": device})
    assert rejoined["me"]["name"] == "Sam" and rejoined["me"]["my_votes"] == {str(proposal): 3}
    assert rejoined["state"]["stage"] == "vote"
    phone.close()
    facilitator.close()
