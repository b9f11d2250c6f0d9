"""The pages apply `state_delta` as the server means it (common.js's W.applyOps and W.live).

A wall page follows hides, unhides, edits and new ideas by deltas and ends with the
same state a fresh snapshot gives; and W.applyOps agrees with the server's own `apply`
on random pairs of states.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from tests.browser.helpers import Client, create_workshop, facilitator
from tests.servers import Server
from workshop.usecases.deltas import apply, diff

pytestmark = pytest.mark.browser


def comparable(state: dict[str, Any]) -> dict[str, Any]:
    return {
        k: v for k, v in state.items() if k not in ("server_time", "tally", "joined", "by_group")
    }


def random_state(rng: random.Random) -> dict[str, Any]:
    ids = sorted(rng.sample(range(1, 30), rng.randint(0, 12)))
    return {
        "version": rng.randint(1, 9),
        "stage": rng.choice(["propose", "vote"]),
        "proposals": [{"id": i, "text": rng.choice("abc"), "merged": []} for i in ids],
        "round": {"proposal_ids": sorted(ids), "dots": rng.randint(1, 5)},
        "extra": rng.choice([None, {"a": 1}, [1, 2]]),
    }


def test_a_wall_follows_changes_by_deltas_and_matches_a_fresh_snapshot(
    shared_server: Server, pages: Any
) -> None:
    made = create_workshop(shared_server, "Deltas on the wall")
    fac = facilitator(shared_server, made)
    fac.call("change_stage", {"stage": "propose"})
    ids = [
        fac.call("add_proposal", {"text": f"Idea {n}", "request_id": f"i{n}"})["proposal_id"]
        for n in range(6)
    ]
    fac.call("reveal_proposals", {"revealed": True})  # the wall lists the ideas
    wall = pages.open("projector", viewport={"width": 1280, "height": 720})
    frames: list[str] = []
    wall.on("websocket", lambda ws: ws.on("framereceived", lambda f: frames.append(str(f))))
    wall.goto(made["screen_url"])
    wall.wait_for_function("() => window.W && W.live")
    wall.evaluate(
        "() => { window.__deltas = 0; window.__state = null;"
        " W.on('state', function (s) { window.__state = s; }); }"
    )
    wall.wait_for_function(
        "() => document.body.classList.length || document.readyState === 'complete'"
    )
    wall.wait_for_timeout(500)  # the watch ack has drawn the wall
    fac.call("hide_proposal", {"proposal_id": ids[2], "hidden": True})
    fac.call("edit_proposal", {"proposal_id": ids[0], "text": "Idea zero, reworded"})
    fac.call("add_proposal", {"text": "Idea late", "request_id": "late"})
    fac.call("hide_proposal", {"proposal_id": ids[2], "hidden": False})
    wall.wait_for_function(
        "() => window.__state && window.__state.proposals.some(p => p.text === 'Idea late')"
        " && window.__state.proposals.length === 7"
    )
    watcher = Client(shared_server)
    fresh = watcher.call("watch_workshop", {"code": made["code"]})["state"]
    wall.wait_for_function(f"() => window.__state.version === {fresh['version']}")
    assert comparable(wall.evaluate("() => window.__state")) == comparable(fresh)
    assert any('"state_delta"' in frame for frame in frames)
    wall.wait_for_function("() => document.body.innerText.includes('Idea zero, reworded')")
    assert "Idea late" in wall.inner_text("body")
    pages.shot(wall, "wall-after-deltas")
    pages.assert_clean()
    watcher.close()
    fac.close()


def test_the_pages_apply_operations_exactly_as_the_server_describes_them(
    shared_server: Server, pages: Any
) -> None:
    made = create_workshop(shared_server, "Deltas by the book")
    wall = pages.open("projector", made["screen_url"])
    wall.wait_for_function("() => window.W && W.applyOps")
    rng = random.Random(15)
    for _ in range(60):
        old, new = random_state(rng), random_state(rng)
        ops = diff(old, new)
        assert apply(old, ops) == new
        assert wall.evaluate("([s, ops]) => W.applyOps(s, ops)", [old, ops]) == new
    pages.assert_clean()
