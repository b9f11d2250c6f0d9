"""A private word over the network, against the real server (run.py under eventlet)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from tests.test_server import Recorder, create

SECRET = "I need help, the man by the door scares me"


def test_a_private_word_reaches_the_facilitator_within_a_second_and_is_never_logged(
    start_server: Callable[..., Any],
) -> None:
    server = start_server("--access-log")
    made = create(server, pre_moderation=True)
    code, token = made["code"], made["facilitator_token"]
    facilitator = Recorder(server, auth={"code": code, "token": token})
    screen = Recorder(server, auth={"code": code, "role": "screen"})
    author, other = Recorder(server), Recorder(server)
    for index, phone in enumerate((author, other)):
        joined = phone.ack("join_workshop", {"code": code, "device_id": f"net-{index:012d}"})
        assert joined["ok"], joined
    try:
        sent_at = time.monotonic()
        payload = {"message": SECRET, "whereabouts": "Green hat", "request_id": "w-1"}
        assert author.ack("send_private_word", payload) == {"ok": True}
        words = facilitator.wait_for(
            lambda event, data: event == "private_words_changed" and bool(data["words"]),
            timeout=1.0,
        )
        assert time.monotonic() - sent_at < 1.0
        assert words["words"][0]["message"] == SECRET
        time.sleep(0.3)  # anything coalesced would have gone out by now
        for listener in (screen, other, author):
            assert SECRET not in repr(listener.events)
        assert "green hat" not in server.output().lower()
        assert SECRET not in server.output()
        assert "send_private_word" not in server.output()
        assert "POST /api/workshops" in server.output()  # the access log is on and read
    finally:
        for client in (facilitator, screen, author, other):
            client.close()
