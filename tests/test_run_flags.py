"""Every flag of run.py is also a WORKSHOP_* variable, as the README says."""

from __future__ import annotations

import socket

import pytest

import run


@pytest.mark.parametrize(
    ("variable", "attribute", "on", "expected"),
    [
        ("WORKSHOP_DEMO", "demo", "1", True),
        ("WORKSHOP_DEMO", "demo", "no", False),
        ("WORKSHOP_ACCESS_LOG", "access_log", "true", True),
        ("WORKSHOP_ACCESS_LOG", "access_log", "", False),
        ("WORKSHOP_PORT", "port", "5123", 5123),
        ("WORKSHOP_SERVER_MODE", "server_mode", "gevent", "gevent"),
    ],
)
def test_each_flag_can_be_set_by_its_variable(
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    attribute: str,
    on: str,
    expected: object,
) -> None:
    monkeypatch.setenv(variable, on)
    assert getattr(run.parse_args([]), attribute) == expected


def test_a_flag_on_the_command_line_still_turns_a_switch_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("WORKSHOP_DEMO", raising=False)
    assert run.parse_args([]).demo is False
    assert run.parse_args(["--demo"]).demo is True


def test_the_listener_hands_out_connections_that_send_small_messages_at_once() -> None:
    """TCP_NODELAY: a tally 20 ms after the last must not wait for the wall's late ACK."""
    listening = run.listener("127.0.0.1", 0)
    try:
        port = listening.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            accepted, _ = listening.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) != 0
    finally:
        listening.close()
