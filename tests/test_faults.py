"""Faults and floods: a crash mid-burst, malformed payloads on every command and endpoint."""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
import socketio
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.servers import Server
from tests.test_server import create

PHONES = 8
VOTES_EACH = 15


# Clients whose server was killed under them leave sockets for the collector to close.
@pytest.mark.filterwarnings("ignore::ResourceWarning")
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_crash_mid_burst_loses_no_acknowledged_vote_and_counts_none_twice(
    start_server: Callable[..., Server],
) -> None:
    server = start_server()
    made = create(server, dots=20, max_per_proposal=20)
    code = made["code"]
    boss = socketio.Client(reconnection=False)
    boss.connect(
        server.url,
        transports=["websocket"],
        auth={"code": code, "token": made["facilitator_token"]},
    )
    boss.call("change_stage", {"stage": "propose"})
    proposal = boss.call("add_proposal", {"text": "Peer mentors", "request_id": "a"})["proposal_id"]
    boss.call("change_stage", {"stage": "vote"})
    boss.call("reveal_results", {"revealed": True})  # so the public snapshot shows the count
    boss.disconnect()

    acked = [0] * PHONES
    sent = [0] * PHONES
    killed = threading.Event()

    def phone(index: int) -> None:
        client = socketio.Client(reconnection=False)
        device = f"crash-device-{index:06d}"
        client.connect(server.url, transports=["websocket"])
        client.call("join_workshop", {"code": code, "device_id": device})
        for n in range(VOTES_EACH):
            sent[index] = n + 1
            try:
                answer = client.call(
                    "cast_vote", {"proposal_id": proposal, "request_id": f"r{n}"}, timeout=3
                )
            except Exception:  # the server died under us
                break
            if not answer.get("ok"):
                break
            acked[index] += 1
            if killed.is_set():
                break
        with contextlib.suppress(Exception):
            client.disconnect()

    threads = [threading.Thread(target=phone, args=(i,)) for i in range(PHONES)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 20
    while sum(acked) < PHONES * VOTES_EACH // 3 and time.monotonic() < deadline:
        time.sleep(0.005)
    server.stop(kill=True)  # SIGKILL: no chance to flush anything
    killed.set()
    for thread in threads:
        thread.join(timeout=15)
    assert 0 < sum(acked) < PHONES * VOTES_EACH  # the kill really landed mid-burst

    server.start()
    total = 0
    for index in range(PHONES):
        client = socketio.Client(reconnection=False)
        client.connect(
            server.url,
            transports=["websocket"],
            auth={"code": code, "device_id": f"crash-device-{index:06d}"},
        )
        counted = client.call(
            "join_workshop", {"code": code, "device_id": f"crash-device-{index:06d}"}
        )
        kept = counted["me"]["my_votes"].get(str(proposal), 0)
        assert acked[index] <= kept <= sent[index], (index, acked[index], kept, sent[index])
        # The phone retries everything it sent; each request still counts exactly once.
        for n in range(sent[index]):
            retry = client.call("cast_vote", {"proposal_id": proposal, "request_id": f"r{n}"})
            assert retry["ok"], retry
        after = client.call(
            "join_workshop", {"code": code, "device_id": f"crash-device-{index:06d}"}
        )
        assert after["me"]["my_votes"].get(str(proposal), 0) == sent[index]
        total += sent[index]
        client.disconnect()
    with urllib_open(f"{server.url}/api/workshops/{code}") as state:
        assert state["tally"]["votes"] == total
    gc.collect()  # close the dead clients' sockets here, under this test's warning filter


def urllib_open(url: str) -> Any:
    import contextlib
    import urllib.request

    @contextlib.contextmanager
    def opened() -> Any:
        with urllib.request.urlopen(url, timeout=5) as answer:
            yield json.loads(answer.read())

    return opened()


DEEP: Any = []
for _ in range(400):
    DEEP = [DEEP]
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)  # not JSON: refused (test_hardening)
    | st.text(max_size=60)
    | st.just("x" * 100_000)
    | st.just("\u202e\x00\ud7ff")
    # Lone surrogates (a token of "\ud800abc" once answered with a traceback) and text
    # with zero-width and tag characters.
    | st.sampled_from(["\ud800abc", "\udfff", "Sam\ud83d", "\u200b\u200e\U000e0041"])
    | st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=4)
    # Deep nesting (the raw 20,000-deep case is in test_hardening, below the client's limit).
    | st.just(DEEP),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
FIELDS = [
    "code",
    "device_id",
    "name",
    "group",
    "text",
    "request_id",
    "proposal_id",
    "points",
    "stage",
    "revealed",
    "hidden",
    "survivor_id",
    "absorbed_id",
    "seconds",
    "proposal_ids",
    "priority_id",
    "action_id",
    "helping",
    "show_name",
    "owner",
    "due_on",
    "status",
    "token",
    "place",
    "held_on",
    "plan_public",
    "version",
]
PAYLOADS = JSON_VALUES | st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES, max_size=6)


def is_sentence(text: Any) -> bool:
    return isinstance(text, str) and text[:1].isupper() and text.rstrip().endswith(".")


def test_every_command_survives_malformed_payloads(
    app: Flask, client: FlaskClient, workshop: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    socketio_server = app.extensions["workshop.socketio"]
    commands = sorted(app.extensions["workshop.realtime"].commands)
    phone = socketio_server.test_client(app, flask_test_client=client)
    assert phone.emit("join_workshop", {"code": workshop["code"]}, callback=True)["ok"]
    boss = socketio_server.test_client(app, flask_test_client=client)
    boss.emit(
        "facilitate_workshop",
        {"code": workshop["code"], "token": workshop["facilitator_token"]},
        callback=True,
    )
    service = app.extensions["workshop.usecases"]
    seen = {"refused": 0}

    @settings(
        max_examples=400,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(command=st.sampled_from(commands), payload=PAYLOADS, as_facilitator=st.booleans())
    def fuzz(command: str, payload: Any, as_facilitator: bool) -> None:
        before = service.audiences.snapshot(workshop["code"], "facilitator")["version"]
        sender = boss if as_facilitator else phone
        answer = sender.emit(command, payload, callback=True)
        assert isinstance(answer, dict) and isinstance(answer.get("ok"), bool), answer
        if not answer["ok"]:
            seen["refused"] += 1
            assert is_sentence(answer["error"]), answer
            assert answer["reason"] != "server_error", (command, payload, answer)
            after = service.audiences.snapshot(workshop["code"], "facilitator")["version"]
            assert after == before, (command, payload)

    fuzz()
    assert seen["refused"] > 100
    # Every refusal was a sentence: none left a traceback in the log.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text
    # Still serving, with the same phone and console.
    assert phone.emit("watch_workshop", {"code": workshop["code"]}, callback=True)["ok"]
    assert client.get("/healthz").get_json()["ok"] is True
    phone.disconnect()
    boss.disconnect()


ENDPOINTS = [
    ("post", "/api/workshops"),
    ("post", "/api/workshops/import"),
    ("post", "/api/workshops/{code}/follow-ups"),
    ("post", "/api/workshops/{code}/export"),
    ("post", "/api/workshops/{code}/token"),
]


def test_every_json_endpoint_survives_malformed_bodies(
    app: Flask, client: FlaskClient, workshop: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    token = {"Authorization": f"Bearer {workshop['facilitator_token']}"}

    @settings(
        max_examples=200,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(endpoint=st.sampled_from(ENDPOINTS[:3]), body=PAYLOADS)
    def fuzz(endpoint: tuple[str, str], body: Any) -> None:
        method, path = endpoint
        answer = getattr(client, method)(
            path.format(code=workshop["code"]), json=body, headers=token
        )
        data = answer.get_json()
        assert answer.status_code in (200, 201, 400, 401, 404, 409, 413), answer.status_code
        if answer.status_code >= 400:
            assert data["ok"] is False and is_sentence(data["error"])

    fuzz()
    assert client.get(f"/api/workshops/{workshop['code']}").status_code == 200
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text


def test_a_full_workshop_refuses_new_devices_but_not_returning_ones(
    service: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from workshop.domain.errors import LimitReached
    from workshop.usecases import workshops as services

    monkeypatch.setattr(services, "MAX_ATTENDEES_PER_WORKSHOP", 2)
    created = service.workshops.create_workshop("Small room", 5, 3, [])
    for n in range(2):
        service.workshops.join(created.code, f"full-room-device-{n:04d}")
    with pytest.raises(LimitReached) as full:
        service.workshops.join(created.code, "full-room-device-9999")
    assert full.value.message == "This workshop is full: 2 people have joined. Ask the facilitator."
    again, _ = service.workshops.join(created.code, "full-room-device-0001")
    assert again.me["participant_id"] > 0
    assert service.audiences.attendance(created.code)["joined"] == 2
