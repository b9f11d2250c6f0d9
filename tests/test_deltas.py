"""Deltas: after its first snapshot a client that announced `"deltas": 1` hears what changed.

The byte counts are what a phone's socket receives (the JSON of each event), measured,
not timed.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import names
from tests.test_realtime import Connect, ack
from workshop.domain.model import Stage
from workshop.usecases import UseCases
from workshop.usecases.deltas import apply, diff

BOARD = 500


def received(client: Any) -> list[tuple[str, Any, int]]:
    """Return (event, payload, bytes of its JSON) for everything the client received."""
    return [
        (m["name"], m["args"][0], len(json.dumps(m["args"][0], separators=(",", ":"))))
        for m in client.get_received()
    ]


def follow(state: dict[str, Any], heard: list[tuple[str, Any, int]]) -> dict[str, Any]:
    """Do what a client does: take a snapshot whole, apply a delta on its base."""
    for event, payload, _ in heard:
        if event == "state_changed":
            state = payload
        elif event == "state_delta":
            assert payload["base"] == state["version"]
            state = apply(state, payload["ops"])
    return state


def without_clock(state: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in state.items() if key != "server_time"}


def big_board(service: UseCases, workshop: dict[str, Any]) -> list[int]:
    code = workshop["code"]
    service.facilitation.change_stage(code, Stage.PROPOSE)
    ids = [
        service.facilitation.add_proposal(
            code, f"Idea number {n} for the next two years", f"a{n}"
        ).ack["proposal_id"]
        for n in range(BOARD)
    ]
    service.facilitation.change_stage(code, Stage.VOTE)  # every idea on every phone
    return ids


def console_of(connect: Connect, workshop: dict[str, Any], deltas: bool) -> Any:
    """Return a facilitator's console on the workshop, announcing deltas or not."""
    client = connect()
    payload: dict[str, Any] = {"code": workshop["code"], "token": workshop["facilitator_token"]}
    if deltas:
        payload["deltas"] = 1
    assert ack(client, "facilitate_workshop", payload)["ok"]
    return client


def phone(connect: Connect, code: str, device: str, deltas: bool) -> tuple[Any, dict[str, Any]]:
    client = connect()
    payload: dict[str, Any] = {"code": code, "device_id": device}
    if deltas:
        payload["deltas"] = 1
    joined = ack(client, "join_workshop", payload)
    assert joined["ok"], joined
    client.get_received()
    return client, joined["state"]


def test_a_hide_on_a_board_of_500_reaches_a_phone_in_under_2_kb_and_rebuilds_its_state(
    connect: Connect, workshop: dict[str, Any], service: UseCases
) -> None:
    code = workshop["code"]
    ids = big_board(service, workshop)
    console = console_of(connect, workshop, deltas=True)
    new, state = phone(connect, code, "delta-phone-0001", deltas=True)
    old, _ = phone(connect, code, "plain-phone-0001", deltas=False)
    assert len(json.dumps(state)) > 40_000  # what a whole snapshot of this board weighs

    assert ack(console, "edit_proposal", {"proposal_id": ids[7], "text": "A warm-up change"})["ok"]
    state = follow(state, received(new))
    old.get_received()
    assert ack(console, "hide_proposal", {"proposal_id": ids[250], "hidden": True})["ok"]

    heard = received(new)
    assert [event for event, _, _ in heard] == ["state_delta"]
    _, delta, size = heard[0]
    assert size < 2048, size
    assert delta["base"] == state["version"] and delta["version"] > delta["base"]
    after = apply(state, delta["ops"])
    assert ids[250] not in [p["id"] for p in after["proposals"]]
    assert without_clock(after) == without_clock(service.audiences.snapshot(code, "phone"))
    # A client that never announced deltas still gets the whole snapshot, and only that.
    plain = received(old)
    assert [event for event, _, _ in plain] == ["state_changed"]
    assert without_clock(plain[0][1]) == without_clock(after)


def test_a_client_that_missed_a_delta_asks_for_a_snapshot_and_gets_the_current_one(
    connect: Connect, workshop: dict[str, Any], service: UseCases
) -> None:
    code = workshop["code"]
    ids = big_board(service, workshop)[:3]
    console = console_of(connect, workshop, deltas=True)
    client, state = phone(connect, code, "delta-phone-0002", deltas=True)
    assert ack(console, "hide_proposal", {"proposal_id": ids[0], "hidden": True})["ok"]
    client.get_received()  # lost: this phone never applies it
    assert ack(console, "hide_proposal", {"proposal_id": ids[1], "hidden": True})["ok"]
    delta = [d for e, d, _ in received(client) if e == "state_delta"][-1]
    assert delta["base"] != state["version"]  # a gap: the client must not apply it
    synced = ack(client, "sync_state", {})
    assert synced["ok"]
    assert without_clock(synced["state"]) == without_clock(
        service.audiences.snapshot(code, "phone")
    )
    for audience, join in (
        ("screen", ("watch_workshop", {"code": code})),
        (
            "facilitator",
            ("facilitate_workshop", {"code": code, "token": workshop["facilitator_token"]}),
        ),
    ):
        other = connect()
        assert ack(other, *join)["ok"]
        assert ack(other, "sync_state", {})["state"]["audience"] == audience
    stranger = connect()
    assert ack(stranger, "sync_state", {})["reason"] == "forbidden"


def test_a_client_announcing_deltas_in_auth_gets_deltas_after_its_snapshot(
    app: Flask, connect: Connect, workshop: dict[str, Any], service: UseCases
) -> None:
    code = workshop["code"]
    screen = connect(auth={"code": code, "role": "screen", "deltas": 1})
    console = console_of(connect, workshop, deltas=False)
    assert ack(console, "change_stage", {"stage": "propose"})["ok"]  # the first: a snapshot
    assert ack(console, "change_stage", {"stage": "group"})["ok"]  # then a delta
    heard = screen.get_received()
    assert names(heard)[:1] == ["state_changed"] and "state_delta" in names(heard)
    delta = [m["args"][0] for m in heard if m["name"] == "state_delta"][-1]
    assert {"op": "set", "path": ["stage"], "value": "group"} in delta["ops"]
    # The console announced nothing: it hears whole snapshots only.
    assert "state_delta" not in names(console.get_received())


json_leaf = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.text(max_size=3))
item = st.fixed_dictionaries({"id": st.integers(0, 12), "text": st.text(max_size=3)})
json_value = st.recursive(
    json_leaf,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from("abcd"), inner, max_size=4),
        st.lists(item, max_size=8, unique_by=lambda x: x["id"]),
        st.lists(st.integers(0, 20), max_size=8, unique=True),
    ),
    max_leaves=20,
)
state = st.dictionaries(
    st.sampled_from(["version", "stage", "proposals", "round", "x"]), json_value
)


# Generating nested states is slow on a busy machine (CI runs browsers beside it): the
# health check would fail the run for the machine's load, not for the diff.
@settings(suppress_health_check=[HealthCheck.too_slow])
@given(state, state)
def test_applying_the_diff_of_two_states_gives_the_second(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    assert apply(old, diff(old, new)) == new
    assert apply(old, diff(old, old)) == old and diff(old, old) == []
