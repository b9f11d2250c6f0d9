"""docs/protocol.md and the code must name the same routes, commands and broadcasts."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from workshop.usecases.events import BROADCASTS

DOC = (Path(__file__).resolve().parent.parent / "docs" / "protocol.md").read_text()


def documented_rows(heading: str) -> set[str]:
    """Return the first backticked word of every table row under a heading of the doc."""
    section = DOC.split(f"### {heading}\n", 1)[1].split("\n### ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)`", section, flags=re.MULTILINE))


def test_every_socket_command_is_documented_and_every_documented_one_exists(app: Flask) -> None:
    commands = set(app.extensions["workshop.realtime"].commands)
    documented = documented_rows("Commands (client to server)")
    assert {"join_workshop", "cast_vote", "change_stage"} <= commands
    assert commands == documented


def test_every_broadcast_is_documented() -> None:
    documented = documented_rows("Broadcasts (server to client)")
    assert set(BROADCASTS) == documented
    assert {"state_changed", "tally_changed"} <= documented


def test_every_http_route_is_documented(app: Flask) -> None:
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"<\1>", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.add(f"{method} {path}")
    documented = set(re.findall(r"^\| `((?:GET|POST|PUT|PATCH|DELETE) [^`?]+)", DOC, re.MULTILINE))
    assert "GET /healthz" in routes
    assert routes == documented
