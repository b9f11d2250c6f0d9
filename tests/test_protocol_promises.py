"""Promises docs/protocol.md makes that a client author leans on, each driven end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import last, make_app, names
from tests.test_realtime import Connect, Room, ack
from tests.test_realtime import room as room  # the fixture, re-exported for these tests
from workshop.usecases.events import PROTOCOL_VERSION


def tallies(received: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return every tally_changed payload a client received, in order."""
    return [m["args"][0] for m in received if m["name"] == "tally_changed"]


def test_a_dot_votes_vote_id_is_the_tally_position_after_ballots_and_paper(
    connect: Connect, workshop: dict[str, Any]
) -> None:
    room = Room(connect, workshop)
    room.stage("propose")
    ids = [room.propose(0, "Community focus"), room.propose(1, "Communication")]
    approval = ack(room.facilitator, "start_round", {"method": "approval", "request_id": "r2"})
    assert approval["ok"], approval
    for n, phone in enumerate(room.phones):
        assert ack(phone, "cast_ballot", {"choices": ids, "request_id": f"b{n}"})["ok"]
    paper = {"source": "hands", "voters": 3, "counts": {str(ids[0]): 3}, "request_id": "h"}
    assert ack(room.facilitator, "enter_paper", paper)["ok"]
    assert ack(room.facilitator, "start_round", {"method": "dots", "request_id": "r3"})["ok"]
    room.clear()
    before = ack(room.facilitator, "facilitate_workshop", workshop_login(workshop))
    seen = before["state"]["tally"]["version"]

    voted = ack(room.phones[0], "cast_vote", {"proposal_id": ids[1], "request_id": "v"})

    assert voted["ok"], voted
    # A raw row id (1: the first dot of the workshop) would sit below the version
    # already seen, and a client would think its vote counted before it was.
    assert voted["vote_id"] > seen
    first = next(
        t for t in tallies(room.facilitator.get_received()) if t["version"] >= voted["vote_id"]
    )
    assert first["totals"][str(ids[1])] == 1
    assert first["version"] == voted["vote_id"]  # one process: the very same number
    taken = ack(room.phones[0], "retract_vote", {"proposal_id": ids[1], "request_id": "t"})
    assert taken["vote_id"] > voted["vote_id"]
    after = next(
        t for t in tallies(room.facilitator.get_received()) if t["version"] >= taken["vote_id"]
    )
    assert after["totals"][str(ids[1])] == 0
    assert after["version"] == taken["vote_id"]


def workshop_login(workshop: dict[str, Any]) -> dict[str, str]:
    """Return the facilitate_workshop payload of a created workshop."""
    return {"code": workshop["code"], "token": workshop["facilitator_token"]}


def test_tally_and_attendance_go_out_even_when_the_snapshot_changed_in_the_same_tick(
    tmp_path: Path,
) -> None:
    app = make_app(
        tmp_path, BROADCAST_INTERVAL=3600, SCREEN_BROADCAST_INTERVAL=3600
    )  # the test decides when the tick is
    socketio, http = app.extensions["workshop.socketio"], app.test_client()
    made = http.post("/api/workshops", json={"title": "Tick"}).get_json()
    facilitator = socketio.test_client(app, flask_test_client=http)
    screen = socketio.test_client(app, flask_test_client=http)
    phone = socketio.test_client(app, flask_test_client=http)
    ack(facilitator, "facilitate_workshop", workshop_login(made))
    ack(screen, "watch_workshop", {"code": made["code"]})
    ack(facilitator, "change_stage", {"stage": "propose"})
    app.extensions["workshop.realtime"].flush()
    facilitator.get_received(), screen.get_received()

    ack(phone, "join_workshop", {"code": made["code"]})  # attendance only
    ack(facilitator, "add_proposal", {"text": "Bridges", "request_id": "a"})  # state + tally
    app.extensions["workshop.realtime"].flush()

    for client in (facilitator, screen):
        got = client.get_received()
        assert sorted(names(got)) == ["attendance_changed", "state_changed", "tally_changed"]
        assert last(got, "attendance_changed") == {"joined": 1, "by_group": {"": 1}}
        assert last(got, "tally_changed") == last(got, "state_changed")["tally"]
    assert names(phone.get_received()) == ["state_changed"]  # phones: no tally before results
    for client in (facilitator, screen, phone):
        client.disconnect()


def test_a_missing_hide_or_reveal_flag_does_what_the_command_says(room: Room) -> None:
    room.stage("propose")
    pid = room.propose(0, "Training")
    room.stage("group")
    assert ack(room.facilitator, "hide_proposal", {"proposal_id": pid}) == {"ok": True}
    assert ack(room.facilitator, "reveal_results", {}) == {"ok": True}
    state = ack(room.facilitator, "facilitate_workshop", {"code": room.code, "token": room.token})
    assert state["state"]["results_revealed"] is True
    assert state["state"]["proposals"][0]["hidden"] is True
    assert ack(room.facilitator, "reveal_proposals", {"revealed": False}) == {"ok": True}
    assert ack(room.facilitator, "reveal_proposals", {}) == {"ok": True}
    shown = ack(room.screen, "watch_workshop", {"code": room.code})["state"]
    assert shown["proposals_revealed"] is True


def test_volunteer_names_publish_only_the_first_word(
    connect: Connect, workshop: dict[str, Any]
) -> None:
    room = Room(connect, workshop)
    named = connect()
    joined = ack(
        named,
        "join_workshop",
        {"code": room.code, "device_id": "named-device-000001", "name": "  Samwise Quarterby "},
    )
    assert joined["me"]["name"] == "Samwise Quarterby"  # shown back to its owner only
    room.stage("propose")
    pid = room.propose(0, "Bridges into the community")
    assert ack(room.facilitator, "set_priorities", {"proposal_ids": [pid]})["ok"]
    room.stage("plan")
    made = ack(
        room.facilitator, "add_action", {"priority_id": pid, "text": "Drop-in", "request_id": "x"}
    )
    offer = {"action_id": made["action_id"], "helping": True, "show_name": True, "request_id": "h"}
    assert ack(named, "volunteer", offer)["ok"]
    for client, command in ((room.screen, "watch_workshop"), (room.phones[0], "join_workshop")):
        state = ack(client, command, {"code": room.code, "device_id": "phone-device-000000"})[
            "state"
        ]
        assert state["actions"][0]["volunteer_names"] == ["Samwise"]


def test_a_rounds_default_most_per_proposal_follows_its_dots(room: Room) -> None:
    room.stage("propose")
    room.propose(0, "One")
    room.propose(1, "Two")
    # The workshop allows 3 on one proposal; a round of 2 dots defaults to 2.
    started = ack(room.facilitator, "start_round", {"method": "dots", "dots": 2, "request_id": "r"})
    assert started["ok"], started
    state = ack(room.screen, "watch_workshop", {"code": room.code})["state"]
    assert (state["dots"], state["max_per_proposal"]) == (2, 2)


def test_every_snapshot_and_healthz_name_the_protocol_version(room: Room, client: Any) -> None:
    room.clear()
    room.stage("propose")
    assert client.get("/healthz").get_json()["protocol"] == PROTOCOL_VERSION
    assert client.get(f"/api/workshops/{room.code}").get_json()["protocol"] == PROTOCOL_VERSION
    for each in (room.facilitator, room.screen, *room.phones):
        assert last(each.get_received(), "state_changed")["protocol"] == PROTOCOL_VERSION
    assert room.joins[0]["state"]["protocol"] == PROTOCOL_VERSION


def test_a_quick_facilitator_is_never_slowed_but_a_flooding_phone_is(tmp_path: Path) -> None:
    app = make_app(tmp_path, RATE_BURST=20, RATE_PER_SECOND=5.0)  # the shipped limits
    socketio, http = app.extensions["workshop.socketio"], app.test_client()
    made = http.post("/api/workshops", json={"title": "Busy hall"}).get_json()
    console = socketio.test_client(app, flask_test_client=http)
    phone = socketio.test_client(app, flask_test_client=http)
    ack(console, "facilitate_workshop", workshop_login(made))
    ack(console, "change_stage", {"stage": "propose"})
    ids = [
        ack(console, "add_proposal", {"text": f"P{n}", "request_id": f"p{n}"})["proposal_id"]
        for n in range(10)
    ]
    ack(console, "change_stage", {"stage": "vote"})
    # Faster than any person: 25 assisted ballots, then ten hides in a row.
    answers = [
        ack(
            console,
            "enter_assisted_ballot",
            {"choices": {str(ids[n % 10]): 1}, "request_id": f"a{n}"},
        )
        for n in range(25)
    ]
    answers += [ack(console, "hide_proposal", {"proposal_id": pid}) for pid in ids]
    assert [a["ok"] for a in answers] == [True] * 35

    ack(phone, "join_workshop", {"code": made["code"]})
    flood = [
        ack(phone, "cast_vote", {"proposal_id": ids[0], "request_id": f"f{n}"}) for n in range(40)
    ]
    limited = [a for a in flood if a.get("reason") == "rate_limited"]
    assert 15 <= len(limited) <= 21  # a burst of 20 (the join took one), then 5 a second
    console.disconnect()
    phone.disconnect()
