"""Two lanes: screens and consoles get a shorter broadcast interval than phones."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_app, names
from tests.test_realtime import ack, voting_on_one_idea


def test_the_wall_hears_each_vote_at_its_own_interval_while_phones_wait_for_theirs(
    tmp_path: Path,
) -> None:
    # The phones' interval is an hour (the test decides when their tick is); the wall's
    # is 0, so every vote reaches the screen and the console as soon as it commits.
    app = make_app(tmp_path, BROADCAST_INTERVAL=3600, SCREEN_BROADCAST_INTERVAL=0)
    code, console, screen, voter = voting_on_one_idea(app, dots=5)
    ack(console, "reveal_results", {"revealed": True})  # phones see the tally too
    watcher = app.extensions["workshop.socketio"].test_client(app)
    ack(watcher, "join_workshop", {"code": code})
    app.extensions["workshop.realtime"].flush()
    for client in (console, screen, voter, watcher):
        client.get_received()

    for n in range(3):
        assert ack(voter, "cast_vote", {"proposal_id": 1, "request_id": f"v{n}"})["ok"]
        for wall in (screen, console):
            heard = wall.get_received()
            assert names(heard) == ["tally_changed"] and heard[0]["args"][0]["votes"] == n + 1
        assert watcher.get_received() == []  # the phones' lane has not ticked

    app.extensions["workshop.realtime"].flush()
    heard = watcher.get_received()
    assert names(heard) == ["tally_changed"] and heard[0]["args"][0]["votes"] == 3
    assert screen.get_received() == []  # nothing owed twice
    for client in (console, screen, voter, watcher):
        client.disconnect()


def test_the_intervals_are_settings_and_a_zero_phone_interval_sends_everything_at_once(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path / "a", BROADCAST_INTERVAL=0.25, SCREEN_BROADCAST_INTERVAL=0.05)
    lanes = app.extensions["workshop.realtime"].edge.broadcaster.lanes
    assert {lane.audiences: lane.interval for lane in lanes} == {
        ("screen", "facilitator"): 0.05,
        ("phone",): 0.25,
    }
    at_once = make_app(tmp_path / "b", BROADCAST_INTERVAL=0, SCREEN_BROADCAST_INTERVAL=0.05)
    assert [
        lane.interval for lane in at_once.extensions["workshop.realtime"].edge.broadcaster.lanes
    ] == [0, 0]
