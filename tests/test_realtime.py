"""Socket.IO edge: several clients per test, asserting exactly what each one receives."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import last, make_app, names

Connect = Callable[..., Any]


def ack(client: Any, command: str, payload: Any = None) -> dict[str, Any]:
    """Send a command and return its acknowledgement."""
    answer = client.emit(command, payload, callback=True)
    assert isinstance(answer, dict), f"{command} was not acknowledged"
    return answer


class Room:
    """A workshop with a facilitator, a projector and two phones, all connected."""

    def __init__(self, connect: Connect, workshop: dict[str, Any]) -> None:
        self.code = workshop["code"]
        self.token = workshop["facilitator_token"]
        self.facilitator = connect()
        assert ack(
            self.facilitator, "facilitate_workshop", {"code": self.code, "token": self.token}
        )["ok"]
        self.screen = connect()
        assert ack(self.screen, "watch_workshop", {"code": self.code})["ok"]
        self.phones = []
        self.joins = []
        for index, group in enumerate(["g1", "g2"]):
            phone = connect()
            joined = ack(
                phone,
                "join_workshop",
                {"code": self.code, "device_id": f"phone-device-{index:06d}", "group": group},
            )
            assert joined["ok"], joined
            self.phones.append(phone)
            self.joins.append(joined)

    def stage(self, stage: str) -> None:
        assert ack(self.facilitator, "change_stage", {"stage": stage}) == {
            "ok": True,
            "stage": stage,
        }

    def propose(self, phone: int, text: str) -> int:
        answer = ack(
            self.phones[phone],
            "submit_proposal",
            {"text": text, "request_id": "r-" + text.replace(" ", "-")},
        )
        assert answer["ok"], answer
        return int(answer["proposal_id"])

    def clear(self) -> None:
        for client in [self.facilitator, self.screen, *self.phones]:
            client.get_received()


@pytest.fixture
def room(connect: Connect, workshop: dict[str, Any]) -> Room:
    return Room(connect, workshop)


@pytest.fixture
def voting(room: Room) -> tuple[Room, list[int]]:
    """The room in the vote stage with three proposals."""
    room.stage("propose")
    ids = [
        room.propose(0, "Community focus"),
        room.propose(1, "Communication"),
        room.propose(0, "Training"),
    ]
    room.stage("vote")
    room.clear()
    return room, ids


def test_a_vote_reaches_screen_and_facilitator_but_no_other_phone_or_workshop(
    voting: tuple[Room, list[int]], connect: Connect, client: Any
) -> None:
    room, ids = voting
    other = client.post("/api/workshops", json={"title": "Elsewhere"}).get_json()
    outsider = connect()
    assert ack(outsider, "join_workshop", {"code": other["code"]})["ok"]
    outsider.get_received()

    answer = ack(room.phones[0], "cast_vote", {"proposal_id": ids[0], "request_id": "v1"})

    assert answer["ok"] and answer["dots_left"] == 4
    assert answer["me"]["my_votes"] == {str(ids[0]): 1}
    screen_tally = last(room.screen.get_received(), "tally_changed")  # who voted, no score
    assert screen_tally["participation"]["voted"] == 1 and screen_tally["results_hidden"]
    assert "totals" not in screen_tally and "votes" not in screen_tally
    assert last(room.facilitator.get_received(), "tally_changed")["votes"] == 1
    assert room.phones[1].get_received() == []  # no tally before results, no one else's dots
    assert outsider.get_received() == []


def test_results_reach_phones_only_once_revealed(voting: tuple[Room, list[int]]) -> None:
    room, ids = voting
    ack(room.phones[0], "cast_vote", {"proposal_id": ids[1], "points": 2, "request_id": "v1"})
    assert "tally_changed" not in names(room.phones[1].get_received())
    assert ack(room.facilitator, "reveal_results", {"revealed": True}) == {"ok": True}
    state = last(room.phones[1].get_received(), "state_changed")
    assert state["tally"]["totals"][str(ids[1])] == 2
    ack(room.phones[0], "cast_vote", {"proposal_id": ids[0], "request_id": "v2"})
    assert last(room.phones[1].get_received(), "tally_changed")["votes"] == 3


def test_a_retried_vote_counts_once(voting: tuple[Room, list[int]], service: Any) -> None:
    room, ids = voting
    first = ack(room.phones[0], "cast_vote", {"proposal_id": ids[0], "request_id": "same"})
    again = ack(room.phones[0], "cast_vote", {"proposal_id": ids[0], "request_id": "same"})
    assert first["dots_left"] == again["dots_left"] == 4
    tally = service.audiences.tally(room.code)["facilitator"]
    assert tally["totals"][str(ids[0])] == 1


def test_hiding_removes_a_proposal_from_every_screen_and_its_authors_phone(
    voting: tuple[Room, list[int]],
) -> None:
    room, ids = voting
    ack(room.phones[1], "cast_vote", {"proposal_id": ids[0], "points": 2, "request_id": "v1"})
    room.clear()

    assert ack(room.facilitator, "hide_proposal", {"proposal_id": ids[0], "hidden": True}) == {
        "ok": True
    }

    for client in (room.screen, *room.phones):
        state = last(client.get_received(), "state_changed")
        assert ids[0] not in [p["id"] for p in state["proposals"]]
        assert "Community focus" not in str(state)
    fac = last(room.facilitator.get_received(), "state_changed")
    assert [p["hidden"] for p in fac["proposals"] if p["id"] == ids[0]] == [True]


def test_hiding_updates_the_author_and_the_voters_own_view(voting: tuple[Room, list[int]]) -> None:
    room, ids = voting
    ack(room.phones[1], "cast_vote", {"proposal_id": ids[0], "points": 2, "request_id": "v1"})
    room.clear()
    ack(room.facilitator, "hide_proposal", {"proposal_id": ids[0], "hidden": True})
    author = last(room.phones[0].get_received(), "my_state_changed")
    assert [(p["text"], p["hidden"]) for p in author["my_proposals"]] == [
        ("Community focus", True),  # still the author's, marked hidden
        ("Training", False),
    ]
    voter = last(room.phones[1].get_received(), "my_state_changed")
    assert voter["dots_left"] == 5 and voter["my_votes"] == {}


def test_the_voters_a_hide_touches_have_their_views_read_in_one_transaction(
    voting: tuple[Room, list[int]], app: Flask, monkeypatch: Any
) -> None:
    room, ids = voting
    for n, phone in enumerate(room.phones):
        ack(phone, "cast_vote", {"proposal_id": ids[1], "points": 1, "request_id": f"v{n}"})
    audiences = app.extensions["workshop.usecases"].audiences
    store = app.extensions["workshop.store"]
    opened: list[str] = []
    real_transaction = store.transaction

    def counted_transaction() -> Any:
        opened.append("transaction")
        return real_transaction()

    monkeypatch.setattr(store, "transaction", counted_transaction)
    people = [joined["participant_id"] for joined in room.joins]
    views = audiences.views_of(room.code, people)
    assert len(opened) == 1
    for participant_id, view in views.items():  # each the same as read alone
        assert view == audiences.me(room.code, participant_id)
    room.clear()
    monkeypatch.setattr(audiences, "me", None)  # the phones' lane must not read them one by one
    ack(room.facilitator, "hide_proposal", {"proposal_id": ids[1], "hidden": True})
    for phone in room.phones:  # both voted on it, and one wrote it
        assert last(phone.get_received(), "my_state_changed")["my_votes"] == {}


def test_merge_keeps_both_proposals_dots_and_is_shown(voting: tuple[Room, list[int]]) -> None:
    room, ids = voting
    ack(room.phones[0], "cast_vote", {"proposal_id": ids[0], "points": 2, "request_id": "a"})
    ack(room.phones[1], "cast_vote", {"proposal_id": ids[2], "points": 3, "request_id": "b"})
    room.clear()
    assert ack(
        room.facilitator, "merge_proposals", {"survivor_id": ids[0], "absorbed_id": ids[2]}
    ) == {"ok": True}
    state = last(room.screen.get_received(), "state_changed")
    survivor = next(p for p in state["proposals"] if p["id"] == ids[0])
    assert survivor["merged"] == [{"id": ids[2], "text": "Training"}]
    state = last(room.facilitator.get_received(), "state_changed")  # results not yet revealed
    assert state["tally"]["totals"][str(ids[0])] == 5
    assert str(ids[2]) not in state["tally"]["totals"]
    moved = last(room.phones[1].get_received(), "my_state_changed")
    assert moved["my_votes"] == {str(ids[0]): 3}


def test_a_new_join_sends_no_roster_to_phones(room: Room, connect: Connect) -> None:
    room.clear()
    newcomer = connect()
    assert ack(newcomer, "join_workshop", {"code": room.code})["ok"]
    assert [p.get_received() for p in room.phones] == [[], []]
    assert last(room.screen.get_received(), "attendance_changed")["joined"] == 3


def test_rejoining_with_the_same_device_is_the_same_attendee(room: Room, connect: Connect) -> None:
    again = connect()
    answer = ack(again, "join_workshop", {"code": room.code, "device_id": "phone-device-000000"})
    assert answer["participant_id"] == room.joins[0]["participant_id"]
    assert answer["me"]["group"] == "g1"


def test_a_reconnecting_phone_is_bound_by_its_auth_before_any_command(
    voting: tuple[Room, list[int]], connect: Connect
) -> None:
    room, ids = voting
    ack(room.phones[0], "cast_vote", {"proposal_id": ids[1], "request_id": "before"})
    room.phones[0].disconnect()
    back = connect(auth={"code": room.code, "device_id": "phone-device-000000"})
    answer = ack(back, "cast_vote", {"proposal_id": ids[1], "request_id": "after"})
    assert answer["ok"] and answer["dots_left"] == 3


def test_a_screen_and_facilitator_rebind_from_auth(room: Room, connect: Connect) -> None:
    screen = connect(auth={"code": room.code, "role": "screen"})
    facilitator = connect(auth={"code": room.code, "token": room.token})
    impostor = connect(auth={"code": room.code, "token": "wrong"})
    assert ack(facilitator, "change_stage", {"stage": "propose"})["ok"]
    assert last(screen.get_received(), "state_changed")["stage"] == "propose"
    refused = ack(impostor, "change_stage", {"stage": "lobby"})
    assert refused["reason"] == "forbidden"


def test_another_workshops_token_does_not_open_this_console(
    room: Room, client: Any, connect: Connect
) -> None:
    other = client.post("/api/workshops", json={"title": "Other"}).get_json()
    intruder = connect()
    answer = ack(
        intruder, "facilitate_workshop", {"code": room.code, "token": other["facilitator_token"]}
    )
    assert answer == {
        "ok": False,
        "error": "That facilitator link is not valid for this workshop: "
        "use the link you were given when you created it.",
        "reason": "forbidden",
    }


FACILITATOR_COMMANDS = [
    ("change_stage", {"stage": "vote"}),
    ("reveal_proposals", {"revealed": True}),
    ("reveal_results", {"revealed": True}),
    ("hide_proposal", {"proposal_id": 1, "hidden": True}),
    ("edit_proposal", {"proposal_id": 1, "text": "x"}),
    ("merge_proposals", {"survivor_id": 1, "absorbed_id": 2}),
    ("unmerge_proposal", {"proposal_id": 1}),
    ("add_proposal", {"text": "x", "request_id": "r"}),
    ("start_timer", {"seconds": 60}),
    ("pause_timer", {}),
    ("resume_timer", {}),
    ("cancel_timer", {}),
    ("set_priorities", {"proposal_ids": [1]}),
    ("add_action", {"priority_id": 1, "text": "x", "request_id": "r"}),
    ("edit_action", {"action_id": 1, "status": "done"}),
    ("merge_actions", {"survivor_id": 1, "absorbed_id": 2}),
    ("set_details", {"plan_public": True}),
    ("start_round", {"method": "approval", "request_id": "r"}),
    ("enter_paper", {"source": "hands", "voters": 3, "counts": {"1": 2}, "request_id": "r"}),
    ("enter_assisted_ballot", {"choices": {"1": 1}, "request_id": "r"}),
    ("withdraw_entry", {"kind": "paper", "entry_id": 1}),
    ("set_display", {"wall_mode": "participation"}),
    ("lock_room", {"locked": True}),
    ("set_expected", {"expected": 30}),
    ("remove_attendee", {"participant_id": 1}),
    ("approve_proposal", {"held_id": 1}),
    ("decline_proposal", {"held_id": 1}),
    ("set_pre_moderation", {"on": True}),
    ("set_languages", {"language": "cy"}),
    ("pause_wall", {"paused": True}),
    ("dismiss_private_word", {"word_id": 1}),
    ("create_theme", {"heading": "x", "request_id": "r"}),
    ("rename_theme", {"theme_id": 1, "heading": "x"}),
    ("move_to_theme", {"proposal_ids": [1], "theme_id": 1}),
    ("dissolve_theme", {"theme_id": 1}),
    ("order_themes", {"theme_ids": [1]}),
    ("allow_theme_suggestions", {"allowed": True}),
    ("answer_theme_suggestion", {"suggestion_id": 1, "accept": True}),
    ("spotlight", {"kind": "proposal", "id": 1}),
    ("spotlight_next", {}),
    ("start_run_sheet", {"name": "nominal-group"}),
    ("run_sheet_step", {"action": "next"}),
    ("stop_run_sheet", {}),
]


def test_the_table_of_facilitator_commands_is_complete(app: Flask) -> None:
    realtime = app.extensions["workshop.realtime"]
    assert realtime.facilitator_only == {name for name, _ in FACILITATOR_COMMANDS}
    assert realtime.facilitator_only < set(realtime.commands)


@pytest.mark.parametrize(("command", "payload"), FACILITATOR_COMMANDS)
def test_phones_and_screens_cannot_facilitate(
    room: Room, service: Any, command: str, payload: dict[str, Any]
) -> None:
    before = service.audiences.snapshot(room.code, "facilitator")["version"]
    for client in (room.phones[0], room.screen):
        answer = ack(client, command, payload)
        assert answer["error"] == (
            "Only the facilitator can do that: open the facilitator link to steer the workshop."
        )
    assert service.audiences.snapshot(room.code, "facilitator")["version"] == before


HUGE = "x" * 100_000
BAD_ATTENDEE_INPUT = [
    ("join_workshop", None, "The request was not understood: send a JSON object."),
    ("join_workshop", ["code"], "The request was not understood: send a JSON object."),
    ("join_workshop", {}, "Type the six-character join code shown on the screen."),
    ("join_workshop", {"code": 123456}, "Type the six-character join code shown on the screen."),
    ("join_workshop", {"code": HUGE}, "Type the six-character join code shown on the screen."),
    (
        "join_workshop",
        {"code": "ABC"},
        "That is not a join code: it has six letters and numbers, as shown on the screen.",
    ),
    (
        "join_workshop",
        {"code": "ZZZZZZ"},
        "There is no workshop with that code: check the code on the screen and try again.",
    ),
    (
        "join_workshop",
        {"code": "{code}", "device_id": "short"},
        "This phone's id is not valid: reload the page to get a new one.",
    ),
    (
        "join_workshop",
        {"code": "{code}", "name": HUGE},
        "The name is too long: keep it under 40 characters (it has 100000).",
    ),
    (
        "join_workshop",
        {"code": "{code}", "group": "g9"},
        "That group is not one of this workshop's groups: "
        "pick one from the list or skip the question.",
    ),
    ("watch_workshop", {"code": ["x"]}, "Type the six-character join code shown on the screen."),
    (
        "facilitate_workshop",
        {"code": "{code}"},
        "Open the facilitator link you were given to steer this workshop.",
    ),
    (
        "submit_proposal",
        {"text": HUGE, "request_id": "r"},
        "The idea is too long: keep it under 500 characters (it has 100000).",
    ),
    (
        "submit_proposal",
        {"text": "   ", "request_id": "r"},
        "The idea is empty: write something first.",
    ),
    ("submit_proposal", {"text": 5, "request_id": "r"}, "The idea must be text."),
    (
        "submit_proposal",
        {"text": "ok"},
        "Each command needs a request_id of 1 to 64 letters, digits or -_.: characters.",
    ),
    (
        "submit_proposal",
        {"text": "ok", "request_id": HUGE},
        "Each command needs a request_id of 1 to 64 letters, digits or -_.: characters.",
    ),
    (
        "cast_vote",
        {"proposal_id": "1", "request_id": "r"},
        "The proposal_id must be the number of a proposal.",
    ),
    (
        "cast_vote",
        {"proposal_id": True, "request_id": "r"},
        "The proposal_id must be the number of a proposal.",
    ),
    (
        "cast_vote",
        {"proposal_id": 1, "points": 0, "request_id": "r"},
        "The number of dots must be between 1 and 20.",
    ),
    (
        "cast_vote",
        {"proposal_id": 1, "points": 1.5, "request_id": "r"},
        "The number of dots must be a whole number.",
    ),
    (
        "cast_vote",
        {"proposal_id": 10**12, "request_id": "r"},
        "The proposal_id must be the number of a proposal.",
    ),
]


@pytest.mark.parametrize(("command", "payload", "sentence"), BAD_ATTENDEE_INPUT)
def test_bad_attendee_input_gets_a_sentence_and_changes_nothing(
    room: Room, service: Any, command: str, payload: Any, sentence: str
) -> None:
    if isinstance(payload, dict):
        payload = {
            k: (v.replace("{code}", room.code) if isinstance(v, str) and len(v) < 10 else v)
            for k, v in payload.items()
        }
    before = service.audiences.snapshot(room.code, "facilitator")
    answer = ack(room.phones[0], command, payload)
    assert answer["ok"] is False
    assert answer["error"] == sentence
    after = service.audiences.snapshot(room.code, "facilitator")
    assert after["version"] == before["version"] and after["joined"] == before["joined"]
    assert after["proposals"] == before["proposals"]


def test_commands_before_joining_are_refused_with_a_sentence(room: Room, connect: Connect) -> None:
    stranger = connect()
    answer = ack(stranger, "submit_proposal", {"text": "hello", "request_id": "r"})
    assert answer["error"] == (
        "Join the workshop first: scan the code on the screen or type it on the home page."
    )
    assert (
        ack(stranger, "cast_vote", {"proposal_id": 1, "request_id": "r"})["reason"] == "forbidden"
    )


def test_wrong_stage_and_empty_budget_are_refused_in_words(voting: tuple[Room, list[int]]) -> None:
    room, ids = voting
    late = ack(room.phones[0], "submit_proposal", {"text": "late idea", "request_id": "late"})
    assert late["error"] == "Sharing ideas has closed: the workshop has moved on to voting."
    for index, proposal in enumerate([ids[0], ids[0], ids[1], ids[1], ids[2]]):
        assert ack(
            room.phones[0], "cast_vote", {"proposal_id": proposal, "request_id": f"d{index}"}
        )["ok"]
    empty = ack(room.phones[0], "cast_vote", {"proposal_id": ids[2], "request_id": "d9"})
    assert empty["error"] == "You have no dots left: take one back from another idea first."
    room.stage("results")
    closed = ack(room.phones[0], "retract_vote", {"proposal_id": ids[2], "request_id": "x"})
    assert closed["error"] == "Voting has closed: the results are being shared."


def test_a_flooding_phone_is_slowed_with_a_sentence(tmp_path: Path) -> None:
    app = make_app(tmp_path, RATE_BURST=3, RATE_PER_SECOND=0.001)
    socketio = app.extensions["workshop.socketio"]
    phone = socketio.test_client(app)
    answers = [ack(phone, "watch_workshop", {"code": "ZZZZZZ"}) for _ in range(5)]
    assert [a.get("reason") for a in answers] == ["not_found"] * 3 + ["rate_limited"] * 2
    assert answers[-1]["error"] == "You are sending too fast: wait a moment and try again."
    phone.disconnect()


def voting_on_one_idea(app: Flask, dots: int) -> tuple[str, Any, Any, Any]:
    """Return (code, console, screen, phone) of a workshop voting on one idea, the wall
    counting live, with everything sent so far flushed and read."""
    socketio, http = app.extensions["workshop.socketio"], app.test_client()
    made = http.post(
        "/api/workshops", json={"title": "Live", "dots": dots, "max_per_proposal": dots}
    )
    code, token = made.get_json()["code"], made.get_json()["facilitator_token"]
    console = socketio.test_client(app, flask_test_client=http)
    ack(console, "facilitate_workshop", {"code": code, "token": token})
    ack(console, "change_stage", {"stage": "propose"})
    ack(console, "add_proposal", {"text": "One", "request_id": "a"})
    ack(console, "change_stage", {"stage": "vote"})
    ack(console, "set_display", {"wall_mode": "results"})  # the wall counts live
    screen = socketio.test_client(app, flask_test_client=http)
    ack(screen, "watch_workshop", {"code": code})
    phone = socketio.test_client(app, flask_test_client=http)
    ack(phone, "join_workshop", {"code": code})
    app.extensions["workshop.realtime"].flush()
    for client in (console, screen, phone):
        client.get_received()
    return code, console, screen, phone


def test_votes_are_coalesced_into_one_tally_per_tick(tmp_path: Path) -> None:
    # A long interval keeps the ticker asleep, so the test decides when the tick happens.
    app = make_app(tmp_path, BROADCAST_INTERVAL=3600, SCREEN_BROADCAST_INTERVAL=3600)
    _, facilitator, screen, phone = voting_on_one_idea(app, dots=20)

    for index in range(20):
        assert ack(phone, "cast_vote", {"proposal_id": 1, "request_id": f"v{index}"})["ok"]
    assert screen.get_received() == []  # nothing per vote

    app.extensions["workshop.realtime"].flush()
    received = screen.get_received()
    assert names(received) == ["tally_changed"]
    assert received[0]["args"][0]["votes"] == 20
    for test_client in (facilitator, screen, phone):
        test_client.disconnect()


def test_in_a_quiet_room_the_first_vote_reaches_the_wall_at_once(tmp_path: Path) -> None:
    """The leading edge: after a quiet spell a change goes out as soon as it commits;
    changes right behind it wait for the tick, so it is still one broadcast per interval."""
    app = make_app(tmp_path, BROADCAST_INTERVAL=3600, SCREEN_BROADCAST_INTERVAL=3600)
    edge = app.extensions["workshop.realtime"].edge
    _, facilitator, screen, phone = voting_on_one_idea(app, dots=5)

    for lane in edge.broadcaster.lanes:
        lane.last -= 3600  # an hour of quiet since the last broadcast...
    edge.flush_if_due()  # ...in which the ticker woke with nothing to send
    assert ack(phone, "cast_vote", {"proposal_id": 1, "request_id": "first"})["ok"]
    first = screen.get_received()
    assert names(first) == ["tally_changed"] and first[0]["args"][0]["votes"] == 1
    assert ack(phone, "cast_vote", {"proposal_id": 1, "request_id": "second"})["ok"]
    assert screen.get_received() == []  # right behind it: waits for the tick
    edge.flush()
    assert last(screen.get_received(), "tally_changed")["votes"] == 2
    for test_client in (facilitator, screen, phone):
        test_client.disconnect()


def test_timer_commands_reach_the_wall(room: Room) -> None:
    room.clear()
    assert ack(room.facilitator, "start_timer", {"seconds": 120}) == {"ok": True}
    timer = last(room.screen.get_received(), "state_changed")["timer"]
    assert timer["status"] == "running" and timer["duration_ms"] == 120_000
    assert ack(room.facilitator, "pause_timer", {})["ok"]
    paused = last(room.phones[0].get_received(), "state_changed")["timer"]
    assert paused["status"] == "paused" and 0 < paused["remaining_ms"] <= 120_000
    assert ack(room.facilitator, "resume_timer", {})["ok"]
    assert ack(room.facilitator, "cancel_timer", {})["ok"]
    assert last(room.screen.get_received(), "state_changed")["timer"]["status"] == "idle"
    again = ack(room.facilitator, "cancel_timer", {})
    assert again["error"] == "There is no timer to cancel."


def test_a_handler_that_crashes_still_answers_in_words(
    room: Room, app: Flask, monkeypatch: Any
) -> None:
    service = app.extensions["workshop.usecases"]

    def explode(*_args: Any) -> None:
        raise RuntimeError("database on fire")

    monkeypatch.setattr(service.audiences, "snapshot", explode)
    answer = ack(room.screen, "watch_workshop", {"code": room.code})
    assert answer == {
        "ok": False,
        "error": "Something went wrong on our side: please try again in a moment.",
        "reason": "server_error",
    }


def test_the_socket_server_accepts_only_its_own_origin_unless_configured(tmp_path: Path) -> None:
    from workshop import config

    assert config.allowed_origins(None) is None  # Engine.IO's same-origin check stays on
    assert config.allowed_origins("https://a.org, https://b.org") == [
        "https://a.org",
        "https://b.org",
    ]
    app = make_app(tmp_path, CORS_ALLOWED_ORIGINS="https://workshops.example.org")
    server = app.extensions["workshop.socketio"].server
    assert server.eio.cors_allowed_origins == ["https://workshops.example.org"]


def test_revealing_results_also_reveals_the_proposals_they_rank(
    voting: tuple[Room, list[int]],
) -> None:
    room, ids = voting
    assert ack(room.facilitator, "reveal_proposals", {"revealed": False})["ok"]
    assert ack(room.facilitator, "reveal_results", {"revealed": True})["ok"]
    state = last(room.phones[1].get_received(), "state_changed")
    assert state["proposals_revealed"] is True
    assert {p["id"] for p in state["proposals"]} == set(ids)


def test_an_attendees_tabs_share_one_flood_allowance(tmp_path: Path) -> None:
    app = make_app(tmp_path, RATE_BURST=4, RATE_PER_SECOND=0.001)
    socketio = app.extensions["workshop.socketio"]
    http = app.test_client()
    code = http.post("/api/workshops", json={"title": "Flood"}).get_json()["code"]
    device = "flooding-device-0001"
    tabs = [socketio.test_client(app, flask_test_client=http) for _ in range(3)]
    answers = [ack(tab, "join_workshop", {"code": code, "device_id": device}) for tab in tabs]
    assert [a["ok"] for a in answers] == [True, True, True]  # each tab's first command
    # Bound now, the three tabs draw on the attendee's one bucket of 4: the other 5 of 9
    # are refused. (With a bucket per connection, each tab would still have 3 left.)
    spam = [
        ack(tabs[i % 3], "submit_proposal", {"text": "spam", "request_id": f"s{i}"})
        for i in range(9)
    ]
    assert sum(a.get("reason") == "rate_limited" for a in spam) == 5
    service = app.extensions["workshop.usecases"]
    assert (
        service.audiences.snapshot(code, "facilitator")["proposal_count"] == 0
    )  # wrong stage anyway
    for tab in tabs:
        tab.disconnect()


def test_ids_from_another_workshop_are_refused_and_change_nothing(
    voting: tuple[Room, list[int]], connect: Connect, client: Any, service: Any
) -> None:
    room, ids = voting
    other = client.post("/api/workshops", json={"title": "Elsewhere"}).get_json()
    intruder_console = connect()
    ack(
        intruder_console,
        "facilitate_workshop",
        {"code": other["code"], "token": other["facilitator_token"]},
    )
    before = service.audiences.snapshot(room.code, "facilitator")
    for command, payload in (
        ("hide_proposal", {"proposal_id": ids[0], "hidden": True}),
        ("edit_proposal", {"proposal_id": ids[0], "text": "defaced"}),
        ("merge_proposals", {"survivor_id": ids[0], "absorbed_id": ids[1]}),
        ("set_priorities", {"proposal_ids": [ids[0]]}),
    ):
        answer = ack(intruder_console, command, payload)
        assert answer["reason"] == "not_found", (command, answer)
    stranger = connect()
    ack(stranger, "join_workshop", {"code": other["code"]})
    assert ack(stranger, "cast_vote", {"proposal_id": ids[0], "request_id": "x"})["ok"] is False
    after = service.audiences.snapshot(room.code, "facilitator")
    assert after["proposals"] == before["proposals"] and after["tally"] == before["tally"]


def test_a_returning_phone_gets_its_state_as_soon_as_it_connects(
    voting: tuple[Room, list[int]], connect: Connect
) -> None:
    room, ids = voting
    ack(room.phones[0], "cast_vote", {"proposal_id": ids[0], "request_id": "v"})
    back = connect(auth={"code": room.code, "device_id": "phone-device-000000"})
    received = back.get_received()
    assert names(received) == ["state_changed", "my_state_changed"]
    assert last(received, "state_changed")["stage"] == "vote"
    assert last(received, "my_state_changed")["my_votes"] == {str(ids[0]): 1}
    stranger = connect(auth={"code": room.code, "device_id": "never-joined-device-01"})
    assert stranger.get_received() == []


def test_the_view_in_a_vote_ack_is_the_view_a_fresh_read_gives(
    voting: tuple[Room, list[int]], service: Any
) -> None:
    room, ids = voting
    ack(room.facilitator, "merge_proposals", {"survivor_id": ids[0], "absorbed_id": ids[2]})
    pid = room.joins[0]["participant_id"]
    steps = [
        ("cast_vote", ids[2], 2),
        ("cast_vote", ids[0], 1),
        ("retract_vote", ids[0], 2),
        ("cast_vote", ids[1], 3),
        ("retract_vote", ids[1], 1),
    ]
    for index, (command, proposal, points) in enumerate(steps):
        answer = ack(
            room.phones[0],
            command,
            {"proposal_id": proposal, "points": points, "request_id": f"s{index}"},
        )
        assert answer["ok"], answer
        assert answer["me"] == service.audiences.me(room.code, pid)
    replay = ack(
        room.phones[0], "cast_vote", {"proposal_id": ids[2], "points": 2, "request_id": "s0"}
    )
    assert replay["me"] == service.audiences.me(
        room.code, pid
    )  # a replay still reports the present
    assert replay["me"]["my_votes"] == {str(ids[0]): 1, str(ids[1]): 2}


def test_a_deleted_workshop_does_not_silence_the_others_broadcasts(room: Room, app: Flask) -> None:
    from workshop.usecases.events import StateChanged

    realtime = app.extensions["workshop.realtime"]
    room.clear()
    realtime.edge.broadcaster.mark([StateChanged(0, "ZZZZZZ"), StateChanged(0, room.code)])
    realtime.flush()
    assert last(room.screen.get_received(), "state_changed")["code"] == room.code


def test_a_ranking_round_over_sockets_shows_the_wall_only_who_has_voted(
    voting: tuple[Room, list[int]],
) -> None:
    room, ids = voting
    started = ack(
        room.facilitator,
        "start_round",
        {"method": "ranking", "top_k": 2, "wall_mode": "participation", "request_id": "r2"},
    )
    assert started == {"ok": True, "round_id": started["round_id"], "number": 2}
    state = last(room.phones[0].get_received(), "state_changed")
    assert state["round"]["method"] == "ranking" and state["round"]["top_k"] == 2
    room.clear()

    bad = ack(room.phones[0], "cast_ballot", {"choices": [ids[0], ids[0]], "request_id": "b0"})
    assert bad["ok"] is False and bad["reason"] == "invalid"
    answer = ack(
        room.phones[0],
        "cast_ballot",
        {"round_id": started["round_id"], "choices": [ids[1], ids[0]], "request_id": "b1"},
    )
    assert answer["ok"] and answer["me"]["my_ballot"] == [ids[1], ids[0]]
    wall = last(room.screen.get_received(), "tally_changed")
    assert wall["results_hidden"] is True and "totals" not in wall
    assert wall["participation"]["by_group"]["g1"] == {"joined": 1, "offline": 0, "voted": 1}
    console = last(room.facilitator.get_received(), "tally_changed")
    assert console["totals"][str(ids[1])] == 2 and console["condorcet_winner"] == ids[1]
    assert "tally_changed" not in names(room.phones[1].get_received())

    assert ack(room.facilitator, "set_display", {"wall_mode": "results"}) == {"ok": True}
    wall_state = last(room.screen.get_received(), "state_changed")  # carries the tally
    assert wall_state["tally"]["totals"][str(ids[1])] == 2


def test_a_vote_reaches_the_voters_other_tab_but_never_the_voting_tab(
    voting: tuple[Room, list[int]], connect: Connect
) -> None:
    room, ids = voting
    other_tab = connect()
    ack(other_tab, "join_workshop", {"code": room.code, "device_id": "phone-device-000000"})
    other_tab.get_received()
    assert ack(room.phones[0], "cast_vote", {"proposal_id": ids[0], "request_id": "t"})["ok"]
    assert last(other_tab.get_received(), "my_state_changed")["my_votes"] == {str(ids[0]): 1}
    assert "my_state_changed" not in names(room.phones[0].get_received())
    # A phone alone in its personal room is told nothing beyond its ack.
    assert ack(room.phones[1], "cast_vote", {"proposal_id": ids[1], "request_id": "u"})["ok"]
    assert "my_state_changed" not in names(room.phones[1].get_received())
