"""Run sheets: the files the project ships, bad files refused by line, following a plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from workshop.config import PROJECT_ROOT
from workshop.domain import run_sheets
from workshop.domain.errors import Conflict
from workshop.domain.run_sheets import SheetError
from workshop.usecases import UseCases
from workshop.usecases.run_sheets import RunSheets, read_sheets

SHIPPED = PROJECT_ROOT / "run_sheets"
MINUTE = 60_000


def test_the_three_shipped_plans_are_good_and_timed_as_documented() -> None:
    sheets, refused = read_sheets([SHIPPED])
    assert refused == []
    review = sheets["priority-setting-review"]
    assert [(s["title"], s["minutes"]) for s in review["steps"]] == [
        ("Welcome", 5),
        ("Ideas", 15),
        ("Themes", 15),
        ("Dots", 10),
        ("Results", 10),
        ("Ranking of the top eight", 10),
        ("Results", 5),
        ("Action planning", 30),
    ]
    assert review["steps"][5]["round"] == {
        "method": "ranking",
        "from": "previous",
        "top": 8,
        "top_k": 3,
    }
    ngt = [s["title"] for s in sheets["nominal-group-technique"]["steps"]]
    assert ngt[:4] == ["Silent ideas", "Round-robin", "Clarification", "Ranking"]
    follow = [s["title"] for s in sheets["follow-up-action-planning"]["steps"]]
    assert follow == ["Priorities carried in", "Actions", "Owners", "Close"]


GOOD = """{
  "title": "Short",
  "steps": [
    {"title": "Ideas", "minutes": 10, "stage": "propose"},
    {"title": "Vote", "minutes": 5, "stage": "vote"}
  ]
}"""


@pytest.mark.parametrize(
    ("broken", "sentence"),
    [
        (GOOD.replace('"minutes": 5,', '"minutes": 5'), "x.json, line 5: this is not valid JSON"),
        (GOOD.replace('"minutes": 5', '"minutes": "five"'), "x.json, line 5: step 2 needs minutes"),
        (
            GOOD.replace('"stage": "propose"', '"stage": "talk"'),
            "x.json, line 4: step 1 needs a stage, one of lobby",
        ),
        (
            GOOD.replace('"minutes": 10,', '"minutes": 10, "colour": "red",'),
            'x.json, line 4: step 1 has "colour"',
        ),
        (
            GOOD.replace(
                '"stage": "vote"}', '"stage": "vote",\n     "round": {"method": "lottery"}}'
            ),
            "x.json, line 6: step 2 has a round without a method",
        ),
        (
            GOOD.replace('"stage": "propose"}', '"stage": "propose", "round": {"method": "dots"}}'),
            'x.json, line 4: step 1 opens a round, so its stage must be "vote"',
        ),
        (
            GOOD.replace('"title": "Short",', '"title": "",'),
            "x.json, line 2: give the run sheet a title",
        ),
        ('{"title": "T", "steps": []}', "x.json, line 1: list the steps"),
    ],
)
def test_a_bad_run_sheet_is_refused_with_a_sentence_naming_the_line(
    broken: str, sentence: str
) -> None:
    assert run_sheets.parse(GOOD, "x.json")["steps"][1]["stage"] == "vote"
    with pytest.raises(SheetError) as refused:
        run_sheets.parse(broken, "x.json")
    assert refused.value.message.startswith(sentence), refused.value.message
    assert refused.value.message.endswith(".")


def test_an_organisers_folder_adds_plans_and_its_bad_files_are_listed_not_loaded(
    tmp_path: Path,
) -> None:
    own = tmp_path / "run_sheets"
    own.mkdir()
    (own / "short.json").write_text(GOOD)
    (own / "broken.json").write_text(GOOD.replace('"minutes": 10', '"minutes": 0'))
    app = make_app(tmp_path)
    listed = app.test_client().get("/api/run-sheets").get_json()
    names = [sheet["name"] for sheet in listed["run_sheets"]]
    assert "short" in names and "broken" not in names and "priority-setting-review" in names
    assert listed["refused"] == [
        "broken.json, line 4: step 1 needs minutes as a whole number from 1 to 240."
    ]
    app.extensions["workshop.store"].close()


class Clock:
    def __init__(self) -> None:
        self.now = 1_763_889_000_000

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def timed(app: Flask, service: UseCases) -> tuple[Clock, RunSheets]:
    clock = Clock()
    service.core.clock = clock
    return clock, app.extensions["workshop.usecases"].run_sheets


def sheet(service: UseCases, code: str) -> Any:
    return service.audiences.snapshot(code, "facilitator")["run_sheet"]


def test_following_the_review_moves_stages_opens_the_ranking_and_tracks_lateness(
    service: UseCases, timed: tuple[Clock, RunSheets]
) -> None:
    clock, runs = timed
    created = service.workshops.create_workshop("Review", dots=5, max_per_proposal=3, groups=[])
    code = created.code
    assert runs.start(code, "priority-setting-review").ack == {
        "ok": True,
        "step": 0,
        "title": "Welcome",
    }
    state = service.audiences.snapshot(code, "facilitator")
    assert state["stage"] == "lobby" and state["timer"]["duration_ms"] == 5 * MINUTE
    assert state["run_sheet"]["status_label"] == "On time" and state["run_sheet"]["next"] == 1
    clock.now += 8 * MINUTE  # the welcome ran 3 minutes long
    assert sheet(service, code)["status_label"] == "Running 3 min over"
    runs.step(code, "next", None, None, at=0)
    assert service.audiences.snapshot(code, "facilitator")["stage"] == "propose"
    with pytest.raises(Conflict, match="moved on already"):
        runs.step(code, "next", None, None, at=0)  # a retried "next" counts once
    for n in range(10):
        service.facilitation.add_proposal(code, f"Idea {n}", f"i{n}")
    clock.now += 10 * MINUTE  # ideas took 10 of their 15: back to 2 min over... still running
    assert sheet(service, code)["status_label"] == "Running 3 min over"
    runs.step(code, "next", None, None)  # themes
    clock.now += 1 * MINUTE
    assert sheet(service, code)["status_label"] == "2 min ahead"
    runs.step(code, "skip", None, None)  # skip the dots: the ranking takes round 1's top 8
    runs.step(code, "skip", None, None)  # and its results
    runs.step(code, "next", None, None)
    state = service.audiences.snapshot(code, "facilitator")
    assert state["stage"] == "vote" and state["round"]["method"] == "ranking"
    assert (
        state["round"]["top_k"] == 3 and len(state["round"]["proposal_ids"]) == 10
    )  # all tied at 0
    assert [s["status"] for s in state["run_sheet"]["steps"]] == [
        "done",
        "done",
        "done",
        "skipped",
        "skipped",
        "current",
        "pending",
        "pending",
    ]
    runs.step(code, "next", None, None)
    state = service.audiences.snapshot(code, "facilitator")
    assert state["stage"] == "results" and state["results_revealed"] is True


def test_skip_repeat_and_reorder(service: UseCases, timed: tuple[Clock, RunSheets]) -> None:
    _, runs = timed
    code = service.workshops.create_workshop(
        "Follow-up", dots=5, max_per_proposal=3, groups=[]
    ).code
    runs.start(code, "follow-up-action-planning")
    runs.step(code, "repeat", None, None)  # "Priorities carried in" again, next
    titles = [s["title"] for s in sheet(service, code)["steps"]]
    assert titles[:2] == ["Priorities carried in", "Priorities carried in"]
    runs.step(code, "move", 4, 1)  # Close comes next
    assert [s["title"] for s in sheet(service, code)["steps"]][1] == "Close"
    with pytest.raises(Conflict, match="only a step still to come"):
        runs.step(code, "skip", 0, None)
    with pytest.raises(Exception, match="among the steps not yet run"):
        runs.step(code, "move", 2, 0)
    runs.step(code, "next", None, None)
    assert service.audiences.snapshot(code, "facilitator")["stage"] == "closed"
    runs.stop(code)
    assert sheet(service, code) is None


def test_run_sheet_commands_over_the_socket(
    connect: Any, workshop: dict[str, Any], client: FlaskClient
) -> None:
    code = workshop["code"]
    facilitator = connect({"code": code, "token": workshop["facilitator_token"]})
    ack = facilitator.emit("start_run_sheet", {"name": "nominal-group-technique"}, callback=True)
    assert ack == {"ok": True, "step": 0, "title": "Silent ideas"}
    bad = facilitator.emit("run_sheet_step", {"action": "jump"}, callback=True)
    assert bad["error"] == "Say what to do with the run sheet: next, skip, repeat or move."
    missing = facilitator.emit("start_run_sheet", {"name": "nope"}, callback=True)
    assert missing["error"] == "There is no run sheet with that name: pick one from the list."
