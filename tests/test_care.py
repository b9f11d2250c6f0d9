"""Duty of care over Socket.IO: held for review, a private word, the wall's pause.

Each test listens as the facilitator, a screen, the author's phone and a second phone,
and asserts what each one received (and did not).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import last
from tests.test_realtime import ack

Connect = Callable[..., Any]
PHONE_NUMBER = "Ring me on 07700 900123 about the walking group"
EMAIL = "Email sam.jones@example.com about volunteering"
SECRET = "My ex is in the room and I feel unsafe near the door"
WHERE = "Red coat, back row by the window"


def everything(client: Any) -> str:
    """Return every message a test client received since the last call, as one JSON text."""
    return json.dumps(client.get_received())


class Hall:
    """A workshop in `propose` with a facilitator, a screen and two phones listening."""

    def __init__(self, client: FlaskClient, connect: Connect, **settings: Any) -> None:
        created = client.post("/api/workshops", json={"title": "Review", **settings})
        assert created.status_code == 201, created.get_json()
        self.code = created.get_json()["code"]
        self.token = created.get_json()["facilitator_token"]
        self.http = client
        self.facilitator = connect()
        assert ack(
            self.facilitator, "facilitate_workshop", {"code": self.code, "token": self.token}
        )["ok"]
        self.screen = connect()
        assert ack(self.screen, "watch_workshop", {"code": self.code})["ok"]
        self.author, self.other = connect(), connect()
        for index, phone in enumerate((self.author, self.other)):
            joined = ack(
                phone, "join_workshop", {"code": self.code, "device_id": f"care-{index:012d}"}
            )
            assert joined["ok"], joined
        self.command("change_stage", stage="propose")
        self.command("reveal_proposals", revealed=True)
        self.drain()

    def command(self, name: str, **payload: Any) -> dict[str, Any]:
        answer = ack(self.facilitator, name, payload)
        assert answer["ok"], answer
        return answer

    def propose(self, text: str, request_id: str) -> dict[str, Any]:
        answer = ack(self.author, "submit_proposal", {"text": text, "request_id": request_id})
        assert answer["ok"], answer
        return answer

    def drain(self) -> None:
        for each in (self.facilitator, self.screen, self.author, self.other):
            each.get_received()

    def console(self) -> dict[str, Any]:
        return ack(
            self.facilitator, "facilitate_workshop", {"code": self.code, "token": self.token}
        )["state"]


@pytest.fixture
def hall(client: FlaskClient, connect: Connect) -> Hall:
    return Hall(client, connect, pre_moderation=True)


def test_pre_moderation_is_offered_at_creation_and_refuses_a_non_boolean(
    client: FlaskClient,
) -> None:
    answer = client.post("/api/workshops", json={"title": "Review", "pre_moderation": "yes"})
    assert answer.status_code == 400
    assert answer.get_json()["error"] == "The pre_moderation setting must be true or false."
    made = client.post("/api/workshops", json={"title": "Review", "pre_moderation": True})
    snapshot = client.get(f"/api/workshops/{made.get_json()['code']}").get_json()
    assert snapshot["pre_moderation"] is True and "held" not in snapshot


def test_with_pre_moderation_personal_details_never_reach_a_phone_or_screen_before_approval(
    hall: Hall,
) -> None:
    phone = hall.propose(PHONE_NUMBER, "r-phone")
    email = hall.propose(EMAIL, "r-email")
    assert phone["held"] is True and phone["proposal_id"] is None
    for text in ("07700 900123", "sam.jones@example.com"):
        assert text not in everything(hall.other)
        assert text not in everything(hall.screen)
        assert text not in json.dumps(hall.http.get(f"/api/workshops/{hall.code}").get_json())
    held = {entry["id"]: entry for entry in hall.console()["held"]}
    assert held[phone["held_id"]]["reason"] == "It looks like it holds a phone number."
    assert held[email["held_id"]]["reason"] == "It looks like it holds an email address."
    assert held[phone["held_id"]]["mark"] == [11, 23]
    # Its author sees it, waiting, with the one sentence they are ever told.
    mine = last(hall.author.get_received(), "my_state_changed")["my_held"]
    assert [entry["note"] for entry in mine] == ["The facilitator will look at this."] * 2
    assert mine[-1]["text"] == EMAIL


def test_approving_shares_it_and_editing_first_shares_the_edit(hall: Hall) -> None:
    plain = hall.propose("More peer mentors", "r-plain")
    assert "More peer mentors" not in everything(hall.other)  # pre-moderation holds everything
    approved = hall.command("approve_proposal", held_id=plain["held_id"])
    other = last(hall.other.get_received(), "state_changed")
    assert [p["text"] for p in other["proposals"]] == ["More peer mentors"]
    assert other["proposals"][0]["id"] == approved["proposal_id"]
    screen = last(hall.screen.get_received(), "state_changed")
    assert [p["text"] for p in screen["proposals"]] == ["More peer mentors"]

    detail = hall.propose(PHONE_NUMBER, "r-detail")
    hall.command(
        "approve_proposal", held_id=detail["held_id"], text="Ring the hub about the walking group"
    )
    seen = everything(hall.other) + everything(hall.screen)
    assert "Ring the hub about the walking group" in seen and "07700" not in seen
    me = last(hall.author.get_received(), "my_state_changed")
    assert me["my_held"] == []
    assert [p["text"] for p in me["my_proposals"]][-1] == "Ring the hub about the walking group"
    assert hall.console()["held"] == []


def test_declined_never_reaches_wall_phones_or_exports_and_its_author_is_not_told(
    hall: Hall,
) -> None:
    held = hall.propose(EMAIL, "r-decline")
    assert hall.command("decline_proposal", held_id=held["held_id"]) == {"ok": True}
    assert hall.console()["held"][0]["status"] == "declined"
    author_heard = everything(hall.author)
    assert "reject" not in author_heard.lower() and "declin" not in author_heard.lower()
    assert "sam.jones" not in everything(hall.other) + everything(hall.screen)
    auth = {"Authorization": f"Bearer {hall.token}"}
    for suffix in ("plan.md", "plan.csv", "plan.json"):
        exported = hall.http.get(f"/api/workshops/{hall.code}/{suffix}", headers=auth)
        assert exported.status_code == 200 and "sam.jones" not in exported.get_data(as_text=True)
    me = ack(hall.author, "join_workshop", {"code": hall.code, "device_id": "care-000000000000"})
    assert me["me"]["my_held"] == [
        {"id": held["held_id"], "text": EMAIL, "note": "The facilitator will look at this."}
    ]
    # Declined by mistake: it can still be approved.
    assert hall.command("approve_proposal", held_id=held["held_id"])["proposal_id"] > 0


def test_without_pre_moderation_only_personal_details_are_held(
    client: FlaskClient, connect: Connect
) -> None:
    hall = Hall(client, connect)
    shared = hall.propose("A walking group in Mote Park", "r-clean")
    assert shared["held"] is False and shared["proposal_id"] > 0
    assert "Mote Park" in everything(hall.other)
    held = hall.propose("My keyworker John Smith never calls back", "r-name")
    assert held["held"] is True
    assert "John Smith" not in everything(hall.other) + everything(hall.screen)
    entry = hall.console()["held"][0]
    assert (entry["kind"], entry["reason"]) == ("name", "It looks like it names a person.")


def test_pre_moderation_can_be_turned_on_and_off_at_any_time(
    client: FlaskClient, connect: Connect
) -> None:
    hall = Hall(client, connect)
    hall.command("set_pre_moderation", on=True)
    assert last(hall.other.get_received(), "state_changed")["pre_moderation"] is True
    waiting = hall.propose("Evening groups after 6pm", "r-on")
    assert waiting["held"] is True
    hall.command("set_pre_moderation", on=False)
    assert hall.propose("Weekend sessions", "r-off")["held"] is False
    assert [entry["id"] for entry in hall.console()["held"]] == [waiting["held_id"]]
    refused = ack(hall.facilitator, "set_pre_moderation", {"on": "yes"})
    assert refused["error"] == "The on setting must be true or false."


def test_phones_cannot_review_and_an_unknown_held_id_is_refused_with_a_sentence(
    hall: Hall,
) -> None:
    held = hall.propose(EMAIL, "r-x")
    refused = ack(hall.other, "approve_proposal", {"held_id": held["held_id"]})
    assert refused["reason"] == "forbidden"
    missing = ack(hall.facilitator, "approve_proposal", {"held_id": 999})
    assert missing["error"] == (
        "That idea is not waiting for review any more: it may have been approved already."
    )
    assert ack(hall.facilitator, "decline_proposal", {"held_id": "one"})["reason"] == "invalid"


def test_two_hundred_held_proposals_are_reviewed_one_command_each(
    hall: Hall, connect: Connect
) -> None:
    phones = [connect() for _ in range(5)]  # at most 50 proposals per attendee
    for index, phone in enumerate(phones):
        ack(phone, "join_workshop", {"code": hall.code, "device_id": f"many-{index:012d}"})
    ids = []
    for n in range(200):
        payload = {"text": f"Idea number {n} for the hubs", "request_id": f"r-{n}"}
        ids.append(ack(phones[n % 5], "submit_proposal", payload)["held_id"])
    for index, held_id in enumerate(ids):
        name = "decline_proposal" if index % 10 == 0 else "approve_proposal"
        hall.command(name, held_id=held_id)
    state = hall.console()
    assert len(state["proposals"]) == 180
    assert [entry["status"] for entry in state["held"]] == ["declined"] * 20


# -- a private word ------------------------------------------------------------------


def word_messages(received: list[dict[str, Any]]) -> list[Any]:
    return [m["args"][0] for m in received if m["name"] == "private_words_changed"]


def test_a_private_word_reaches_only_the_facilitator(
    hall: Hall, app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    sent = ack(
        hall.author,
        "send_private_word",
        {"message": SECRET, "whereabouts": WHERE, "request_id": "w-1"},
    )
    assert sent == {"ok": True}
    words = word_messages(hall.facilitator.get_received())
    assert len(words) == 1
    assert words[0]["words"][0]["message"] == SECRET
    assert words[0]["words"][0]["whereabouts"] == WHERE
    assert words[0]["new_id"] == words[0]["words"][0]["id"]
    assert SECRET not in everything(hall.author) + everything(hall.other) + everything(hall.screen)
    snapshots = app.extensions["workshop.usecases"].audiences.snapshots(hall.code)
    assert SECRET not in json.dumps(snapshots) and WHERE not in json.dumps(snapshots)
    auth = {"Authorization": f"Bearer {hall.token}"}
    for path in (
        f"/api/workshops/{hall.code}",
        f"/w/{hall.code}",
        f"/w/{hall.code}/screen",
        f"/w/{hall.code}/facilitate",
        f"/api/workshops/{hall.code}/plan.md",
        f"/api/workshops/{hall.code}/plan.csv",
        f"/api/workshops/{hall.code}/plan.json",
    ):
        body = hall.http.get(path, headers=auth).get_data(as_text=True)
        assert SECRET not in body and "Red coat" not in body, path
    logging.getLogger("workshop").debug("canary")  # the capture works at every level
    assert "canary" in caplog.text
    assert not [
        r for r in caplog.records if "unsafe" in r.getMessage() or "Red coat" in r.getMessage()
    ]


def test_just_i_need_to_talk_and_a_console_opening_later_gets_the_words(
    hall: Hall, connect: Connect
) -> None:
    assert ack(hall.author, "send_private_word", {"request_id": "w-2"}) == {"ok": True}
    later = connect(auth={"code": hall.code, "token": hall.token})
    words = word_messages(later.get_received())
    assert [w["message"] for w in words[-1]["words"]] == ["I need to talk to someone."]
    dismissed = ack(
        hall.facilitator, "dismiss_private_word", {"word_id": words[-1]["words"][0]["id"]}
    )
    assert dismissed == {"ok": True}
    assert word_messages(later.get_received())[-1]["words"] == []
    again = ack(hall.facilitator, "dismiss_private_word", {"word_id": words[-1]["words"][0]["id"]})
    assert again["error"] == "That message has already been dealt with and erased."


def test_private_words_are_erased_when_the_workshop_closes(hall: Hall, app: Flask) -> None:
    ack(hall.author, "send_private_word", {"message": SECRET, "request_id": "w-3"})
    hall.command("change_stage", stage="closed")
    store = app.extensions["workshop.store"]
    with store.transaction() as tx:
        assert tx.care.private_words_of(tx.workshops.find_workshop(hall.code).id) == []
    refused = ack(hall.author, "send_private_word", {"message": SECRET, "request_id": "w-4"})
    assert refused["error"] == (
        "This workshop has closed, so messages are no longer kept: "
        "please speak to the facilitator or a member of staff in the room."
    )


def test_private_words_are_erased_at_the_retention_time_even_in_an_open_workshop(
    hall: Hall, app: Flask
) -> None:
    ack(hall.author, "send_private_word", {"message": SECRET, "request_id": "w-5"})
    usecases = app.extensions["workshop.usecases"]
    usecases.privacy.apply_retention(1)
    assert len(usecases.care.private_words(hall.code)) == 1
    real_clock = usecases.core.clock
    usecases.core.clock = lambda: real_clock() + 2 * 24 * 3600 * 1000
    usecases.privacy.apply_retention(1)
    assert usecases.care.private_words(hall.code) == []


def test_private_words_are_refused_when_too_long_and_limited_per_attendee(hall: Hall) -> None:
    long = ack(hall.author, "send_private_word", {"message": "x" * 281, "request_id": "w-long"})
    assert long["error"] == "The message is too long: keep it under 280 characters (it has 281)."
    for n in range(5):
        assert ack(hall.other, "send_private_word", {"request_id": f"w-{n}"})["ok"]
    sixth = ack(hall.other, "send_private_word", {"request_id": "w-6"})
    assert sixth["error"] == (
        "The facilitator already has your messages: "
        "please find them in the room, or ask a member of staff."
    )
    screen = ack(hall.screen, "send_private_word", {"request_id": "w-7"})
    assert screen["reason"] == "forbidden"


# -- the wall's pause ----------------------------------------------------------------


def test_pausing_the_wall_tells_the_screen_and_bringing_it_back_too(hall: Hall) -> None:
    hall.command("pause_wall", paused=True)
    assert last(hall.screen.get_received(), "state_changed")["wall_paused"] is True
    hall.command("pause_wall", paused=False)
    assert last(hall.screen.get_received(), "state_changed")["wall_paused"] is False
    assert ack(hall.screen, "pause_wall", {"paused": True})["reason"] == "forbidden"
