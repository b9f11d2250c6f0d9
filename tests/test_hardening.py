"""Issue #14's findings, each reproduced: a fake crowd, floods, rotation, small groups, files."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import make_app
from workshop.domain import validation
from workshop.domain.client_address import client_address, trusted_networks
from workshop.usecases.room import LOCKED, REMOVED

GROUPS = ["People using the service", "Partner staff", "Community organisations"]


def boot(tmp_path: Path, **limits: Any) -> tuple[Flask, Any, Any]:
    app = make_app(tmp_path, **limits)
    http = app.test_client()
    socketio = app.extensions["workshop.socketio"]

    def connect(auth: dict[str, Any] | None = None) -> Any:
        return socketio.test_client(app, flask_test_client=http, auth=auth)

    return app, http, connect


def create(http: Any, **body: Any) -> dict[str, Any]:
    answer = http.post("/api/workshops", json={"title": "Review", "groups": GROUPS, **body})
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def device(n: int) -> str:
    return f"hardening-device-{n:06d}"


def is_sentence(text: Any) -> bool:
    return isinstance(text, str) and text[:1].isupper() and text.rstrip().endswith(".")


# -- 1. fake attendees -----------------------------------------------------------


def test_a_fake_crowd_loop_on_one_socket_makes_one_attendee(tmp_path: Path) -> None:
    # The default limits, as a real server has them.
    app, http, connect = boot(tmp_path, RATE_BURST=20, RATE_PER_SECOND=5.0, JOIN_BURST=100)
    made = create(http)
    boss = connect({"code": made["code"], "token": made["facilitator_token"]})
    assert boss.emit("change_stage", {"stage": "propose"}, callback=True)["ok"]
    assert boss.emit("add_proposal", {"text": "A", "request_id": "a"}, callback=True)["ok"]
    assert boss.emit("change_stage", {"stage": "vote"}, callback=True)["ok"]
    proposal = app.extensions["workshop.usecases"].audiences.snapshot(made["code"], "screen")[
        "proposals"
    ]
    crowd = connect()
    refusals = set()
    for n in range(300):
        if not crowd.is_connected():
            break  # it ignored "too fast" and was hung up on
        joined = None
        with contextlib.suppress(RuntimeError):  # "not connected": hung up on mid-loop
            joined = crowd.emit(
                "join_workshop", {"code": made["code"], "device_id": device(n)}, callback=True
            )
            vote = {"proposal_id": proposal[0]["id"], "request_id": f"v{n}"}
            crowd.emit("cast_vote", vote, callback=True)
        if joined and not joined["ok"]:
            refusals.add(joined["error"])
    service = app.extensions["workshop.usecases"].audiences
    assert service.attendance(made["code"])["joined"] == 1
    assert (
        "This connection already belongs to another attendee: reload the page to join again."
        in refusals
    )
    # The one attendee it made can still rejoin as itself (its own socket is out of breath).
    assert connect().emit(
        "join_workshop", {"code": made["code"], "device_id": device(0)}, callback=True
    )["ok"]


def test_new_attendees_per_address_are_limited_but_returning_phones_are_not(tmp_path: Path) -> None:
    _app, http, connect = boot(tmp_path, JOIN_BURST=3, JOIN_PER_SECOND=0.0001)
    made = create(http)
    answers = [
        connect().emit(
            "join_workshop", {"code": made["code"], "device_id": device(n)}, callback=True
        )
        for n in range(4)
    ]
    assert [a["ok"] for a in answers] == [True, True, True, False]
    assert answers[3] == {
        "ok": False,
        "error": "Too many people have just joined from this network: wait a minute and try again.",
        "reason": "rate_limited",
    }
    again = connect().emit(
        "join_workshop", {"code": made["code"], "device_id": device(1)}, callback=True
    )
    assert again["ok"] and again["participant_id"] == answers[1]["participant_id"]


def test_a_venue_router_of_300_phones_is_not_locked_out_by_default(tmp_path: Path) -> None:
    app, _http, _connect = boot(tmp_path, JOIN_BURST=100, JOIN_PER_SECOND=5.0)
    guard = app.extensions["workshop.guard"]
    clock = [0.0]
    for buckets in (guard.joins,):
        buckets.clock = lambda: clock[0]
        buckets.buckets.clear()
    # 300 phones behind one address joining over a minute, as a QR-code rush does.
    for n in range(300):
        clock[0] = n * 0.2
        guard.new_attendee("192.0.2.1")


def test_x_forwarded_for_is_believed_only_from_a_named_proxy() -> None:
    environ = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.9"}
    assert client_address(environ, []) == "10.0.0.2"
    assert client_address(environ, trusted_networks("10.0.0.0/8")) == "203.0.113.9"
    assert (
        client_address({**environ, "REMOTE_ADDR": "198.51.100.1"}, trusted_networks("10.0.0.2"))
        == "198.51.100.1"
    )
    chained = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.9, 10.0.0.3"}
    assert client_address(chained, trusted_networks("10.0.0.0/8")) == "203.0.113.9"


# -- facilitator tools -------------------------------------------------------------


def room_with_votes(tmp_path: Path) -> tuple[Flask, Any, Any, dict[str, Any], list[Any], list[int]]:
    app, http, connect = boot(tmp_path)
    made = create(http)
    boss = connect({"code": made["code"], "token": made["facilitator_token"]})
    phones = [connect() for _ in range(3)]
    for n, phone in enumerate(phones):
        assert phone.emit(
            "join_workshop",
            {"code": made["code"], "device_id": device(n), "group": "g1"},
            callback=True,
        )["ok"]
    assert boss.emit("change_stage", {"stage": "propose"}, callback=True)["ok"]
    ids = [
        phones[n].emit(
            "submit_proposal", {"text": f"Idea {n}", "request_id": f"p{n}"}, callback=True
        )["proposal_id"]
        for n in range(2)
    ]
    assert boss.emit("change_stage", {"stage": "vote"}, callback=True)["ok"]
    for n, phone in enumerate(phones):
        assert phone.emit(
            "cast_vote", {"proposal_id": ids[0], "request_id": f"v{n}"}, callback=True
        )["ok"]
    return app, http, connect, made, [boss, *phones], ids


def test_removing_an_attendee_hides_their_proposals_withdraws_votes_and_refuses_the_device(
    tmp_path: Path,
) -> None:
    app, _http, connect, made, (boss, *phones), ids = room_with_votes(tmp_path)
    service = app.extensions["workshop.usecases"].audiences
    me = phones[0].emit(
        "join_workshop", {"code": made["code"], "device_id": device(0)}, callback=True
    )
    answer = boss.emit("remove_attendee", {"participant_id": me["participant_id"]}, callback=True)
    assert answer == {"ok": True}
    assert not phones[0].is_connected()
    public = service.snapshot(made["code"], "screen")
    assert ids[0] not in [p["id"] for p in public["proposals"]]  # their proposal is hidden
    console = service.snapshot(made["code"], "facilitator")
    assert console["tally"]["voters"] == 2 and console["joined"] == 2
    assert console["room"]["removed"] == [{"participant_id": me["participant_id"], "group": "g1"}]
    back = connect().emit(
        "join_workshop", {"code": made["code"], "device_id": device(0)}, callback=True
    )
    assert back == {"ok": False, "error": REMOVED, "reason": "forbidden"}
    # Reversible until the workshop closes: everything comes back.
    assert boss.emit(
        "remove_attendee", {"participant_id": me["participant_id"], "removed": False}, callback=True
    )["ok"]
    console = service.snapshot(made["code"], "facilitator")
    assert console["tally"]["voters"] == 3 and console["joined"] == 3
    assert ids[0] in [p["id"] for p in console["proposals"] if not p["hidden"]]
    assert boss.emit("change_stage", {"stage": "closed"}, callback=True)["ok"]
    late = boss.emit("remove_attendee", {"participant_id": me["participant_id"]}, callback=True)
    assert late["ok"] is False and late["reason"] == "wrong_stage" and is_sentence(late["error"])


def test_a_locked_room_lets_joined_devices_back_but_nobody_new(tmp_path: Path) -> None:
    _app, _http, connect, made, (boss, *_), _ids = room_with_votes(tmp_path)
    assert boss.emit("lock_room", {"locked": True}, callback=True) == {"ok": True}
    new = connect().emit(
        "join_workshop", {"code": made["code"], "device_id": device(99)}, callback=True
    )
    assert new == {"ok": False, "error": LOCKED, "reason": "forbidden"}
    old = connect().emit(
        "join_workshop", {"code": made["code"], "device_id": device(2)}, callback=True
    )
    assert old["ok"]
    assert boss.emit("lock_room", {"locked": False}, callback=True)["ok"]
    assert connect().emit(
        "join_workshop", {"code": made["code"], "device_id": device(99)}, callback=True
    )["ok"]


def test_the_console_warns_when_joins_outrun_the_expected_head_count(tmp_path: Path) -> None:
    app, _http, _connect, made, (boss, *_), _ids = room_with_votes(tmp_path)
    service = app.extensions["workshop.usecases"].audiences
    assert service.snapshot(made["code"], "facilitator")["room"]["alert"] is None
    assert boss.emit("set_expected", {"expected": 2}, callback=True)["ok"]
    room = service.snapshot(made["code"], "facilitator")["room"]
    assert room["expected"] == 2 and room["joined_last_minute"] == 3
    assert room["alert"] == (
        "3 people have joined, more than the 2 you expect: lock the room, "
        "and take out anyone who should not be here."
    )
    assert "room" not in service.snapshot(made["code"], "screen")


# -- rotation ------------------------------------------------------------------------


def test_rotating_the_token_disconnects_consoles_opened_with_the_old_one(tmp_path: Path) -> None:
    app, http, connect = boot(tmp_path)
    made = create(http)
    old = made["facilitator_token"]
    stale = connect({"code": made["code"], "token": old})
    assert stale.emit("change_stage", {"stage": "propose"}, callback=True)["ok"]
    answer = http.post(
        f"/api/workshops/{made['code']}/token", headers={"Authorization": f"Bearer {old}"}
    )
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-store"
    assert not stale.is_connected()
    again = connect({"code": made["code"], "token": old})
    refused = again.emit("change_stage", {"stage": "closed"}, callback=True)
    assert refused["ok"] is False and refused["reason"] == "forbidden"
    stage = app.extensions["workshop.usecases"].audiences.snapshot(made["code"], "screen")["stage"]
    assert stage == "propose"


# -- small groups ------------------------------------------------------------------------


def test_a_one_person_groups_votes_appear_nowhere_public(tmp_path: Path) -> None:
    app, http, connect = boot(tmp_path)
    made = create(http)
    code, token = made["code"], made["facilitator_token"]
    boss = connect({"code": code, "token": token})
    phones = [connect() for _ in range(4)]
    groups = ["g1", "g1", "g1", "g2"]  # one person in g2
    for n, (phone, group) in enumerate(zip(phones, groups, strict=True)):
        assert phone.emit(
            "join_workshop", {"code": code, "device_id": device(n), "group": group}, callback=True
        )["ok"]
    assert boss.emit("change_stage", {"stage": "propose"}, callback=True)["ok"]
    ids = [
        boss.emit("add_proposal", {"text": t, "request_id": t}, callback=True)["proposal_id"]
        for t in ("Alpha", "Beta")
    ]
    assert boss.emit("change_stage", {"stage": "vote"}, callback=True)["ok"]
    for n, phone in enumerate(phones):
        target = ids[1] if groups[n] == "g2" else ids[0]
        assert phone.emit(
            "cast_vote", {"proposal_id": target, "points": 3, "request_id": f"v{n}"}, callback=True
        )["ok"]
    assert boss.emit("reveal_results", {"revealed": True}, callback=True)["ok"]
    assert boss.emit("set_priorities", {"proposal_ids": ids}, callback=True)["ok"]
    service = app.extensions["workshop.usecases"].audiences
    public = http.get(f"/api/workshops/{code}").get_json()["tally"]
    assert "g2" not in public["by_group"] and "g2" not in public["voters_by_group"]
    assert public["voters_by_group"] == {"other": 4}  # g1 alone would give g2 back
    assert public["folded_groups"] == ["g1", "g2"]
    phone_tally = service.snapshot(code, "phone")["tally"]
    assert "g2" not in phone_tally["by_group"]
    assert service.snapshot(code, "facilitator")["tally"]["by_group"]["g2"][str(ids[1])] == 3
    headers = {"Authorization": f"Bearer {token}"}
    plan = http.get(f"/api/workshops/{code}/plan.md", headers=headers).get_data(as_text=True)
    assert "Partner staff" not in plan.split("## Priorities")[1].split("##")[0]
    assert "Other groups" in plan and "fewer than 3 voters" in plan
    document = http.get(f"/api/workshops/{code}/plan.json", headers=headers).get_json()
    assert all("g2" not in p["by_group"] for p in document["proposals"])
    assert all("g2" not in r["voters_by_group"] for r in document["rounds"])
    assert http.post("/api/workshops/import", json=document).status_code == 201  # re-importable


# -- imports ---------------------------------------------------------------------------


def exported(http: Any) -> dict[str, Any]:
    made = create(http)
    headers = {"Authorization": f"Bearer {made['facilitator_token']}"}
    return http.get(f"/api/workshops/{made['code']}/plan.json", headers=headers).get_json()  # type: ignore[no-any-return]


def with_proposal(document: dict[str, Any], **fields: Any) -> dict[str, Any]:
    proposal = {
        "id": 1,
        "text": "A",
        "merged": [],
        "by_group": {},
        "priority_rank": None,
        "carried_points": None,
        **fields,
    }
    return {**document, "proposals": [proposal]}


HOSTILE = {
    "huge merged list": lambda d: with_proposal(d, merged=["a"] * 50_000),
    "rank of 2**70": lambda d: with_proposal(d, priority_rank=2**70),
    "a million dots": lambda d: with_proposal(d, by_group={"g1": 1_000_000}),
    "empty round rules": lambda d: {**d, "rounds": [{**d["rounds"][0], "rules": {}}]},
    "unknown method": lambda d: {**d, "rounds": [{**d["rounds"][0], "method": "zzz"}]},
    "too many proposals": lambda d: {
        **d,
        "proposals": [with_proposal(d, id=n)["proposals"][0] for n in range(1, 600)],
    },
}


def count_workshops(app: Flask) -> int:
    with app.extensions["workshop.store"].transaction() as tx:
        return len(tx.conn.exec_driver_sql("SELECT id FROM workshops").all())


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_each_hostile_import_is_refused_with_a_sentence(tmp_path: Path, name: str) -> None:
    app, http, _connect = boot(tmp_path)
    document = HOSTILE[name](exported(http))
    before = count_workshops(app)
    answer = http.post("/api/workshops/import", json=document)
    assert answer.status_code == 400, name
    body = answer.get_json()
    assert body["ok"] is False and is_sentence(body["error"]) and body["reason"] == "invalid"
    after = count_workshops(app)
    assert after == before


def test_nan_is_refused_on_the_way_in_and_never_written(tmp_path: Path) -> None:
    app, http, _connect = boot(tmp_path)
    text = '{"format": "workshop-plan/1", "proposals": [{"points": NaN}]}'
    answer = http.post("/api/workshops/import", data=text, content_type="application/json")
    assert answer.status_code == 400 and is_sentence(answer.get_json()["error"])
    with pytest.raises(ValueError):
        app.json.dumps({"score": float("nan")})


# -- no traceback --------------------------------------------------------------------


def test_lone_surrogates_and_deep_nesting_get_sentences_not_tracebacks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app, http, connect = boot(tmp_path)
    made = create(http)
    phone = connect()
    with caplog.at_level(logging.INFO):
        surrogate = phone.emit(
            "facilitate_workshop", {"code": made["code"], "token": "\ud800abc"}, callback=True
        )
        assert surrogate["ok"] is False and surrogate["reason"] == "forbidden"
        name = phone.emit(
            "join_workshop", {"code": made["code"], "name": "Sam\ud800"}, callback=True
        )
        assert name["ok"] and name["me"]["name"] == "Sam"
        deep = "[" * 20_000 + "]" * 20_000
        socketio = app.extensions["workshop.socketio"]
        socketio.server._handle_eio_message(phone.eio_sid, "299" + deep)  # EVENT, ack id 99
        assert phone.acks is not None and phone.acks["args"][0]["reason"] == "invalid"
        assert is_sentence(phone.acks["args"][0]["error"])
        phone.acks = None
        answer = http.post("/api/workshops", data=deep, content_type="application/json")
        assert answer.status_code == 400 and is_sentence(answer.get_json()["error"])
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


# -- smaller ones ---------------------------------------------------------------------


def test_oversized_text_is_refused_before_any_character_is_looked_at(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    looked = []
    monkeypatch.setattr(validation, "_keep", lambda ch: looked.append(ch) or True)
    with pytest.raises(validation.InvalidInput) as refused:
        validation.clean_text("x" * 255_000, "name", validation.MAX_NAME_LENGTH)
    assert (
        refused.value.message
        == "The name is too long: keep it under 40 characters (it has 255000)."
    )
    assert looked == []


def test_zero_width_and_tag_characters_are_removed_but_flags_and_joiners_stay() -> None:
    clean = validation.clean_text
    assert clean("Sam\u200b\u200e\U000e0041\ufeff", "name", 40) == "Sam"
    england = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    assert clean(f"Go {england} {family}", "name", 40) == f"Go {england} {family}"


def test_the_database_and_its_wal_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    _app, http, _connect = boot(tmp_path)
    create(http)
    files = sorted(tmp_path.glob("workshop.sqlite3*"))
    assert [f.name for f in files] == [
        "workshop.sqlite3",
        "workshop.sqlite3-shm",
        "workshop.sqlite3-wal",
    ]
    for each in files:
        assert stat.S_IMODE(os.stat(each).st_mode) == 0o600, each


def test_workshop_creation_and_code_guessing_are_limited_per_address(tmp_path: Path) -> None:
    _app, http, _connect = boot(
        tmp_path, CREATE_BURST=2, CREATE_PER_SECOND=0.0001, LOOKUP_BURST=3, LOOKUP_PER_SECOND=0.0001
    )
    made = create(http)
    create(http)
    third = http.post("/api/workshops", json={"title": "Third"})
    assert third.status_code == 429 and third.get_json()["reason"] == "rate_limited"
    assert is_sentence(third.get_json()["error"])
    assert http.get(f"/api/workshops/{made['code']}").status_code == 200  # a known code is no guess
    for guess in ("AAAAAA", "BBBBBB", "CCCCCC"):
        assert http.get(f"/api/workshops/{guess}").status_code == 404
    blocked = http.get("/api/workshops/DDDDDD")
    assert blocked.status_code == 429 and is_sentence(blocked.get_json()["error"])
    other = http.get("/api/workshops/DDDDDD", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 404


def test_the_policy_allows_websockets_to_this_origin_only_and_tokens_are_never_cached(
    tmp_path: Path,
) -> None:
    _app, http, _connect = boot(tmp_path)
    answer = http.post("/api/workshops", json={"title": "Headers"})
    assert answer.headers["Cache-Control"] == "no-store"
    policy = answer.headers["Content-Security-Policy"]
    assert "connect-src 'self';" in policy and "ws:" not in policy


def test_a_connection_that_ignores_too_fast_is_hung_up_on(tmp_path: Path) -> None:
    _app, http, connect = boot(tmp_path, RATE_BURST=2, RATE_PER_SECOND=0.0001)
    made = create(http)
    script = connect()
    answers = []
    deadline = time.monotonic() + 10
    while script.is_connected() and time.monotonic() < deadline:
        with contextlib.suppress(RuntimeError):  # "not connected": hung up on mid-loop
            answers.append(script.emit("watch_workshop", {"code": made["code"]}, callback=True))
    assert answers[0]["ok"] and answers[2]["reason"] == "rate_limited"
    assert not script.is_connected() and 100 <= len(answers) < 200
    # A phone that waits when told is never hung up on.
    patient = connect()
    for _ in range(3):
        patient.emit("watch_workshop", {"code": made["code"]}, callback=True)
    assert patient.is_connected()
