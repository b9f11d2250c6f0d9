"""Action planning, follow-ups, series roll-up, exports, re-import and the published plan."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import make_app
from workshop.domain.actions import ActionFields, ActionStatus
from workshop.domain.errors import InvalidInput, NotFound, WrongStage
from workshop.domain.model import Stage
from workshop.domain.validation import action_fields
from workshop.exports import formats as export
from workshop.usecases import UseCases

GOLDEN = Path(__file__).parent / "golden"
FIXED_MS = 1_745_600_000_000  # 2025-04-25T16:53:20Z
HOSTILE = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "![tracker](http://example.org/t.png)",
    "# Not a heading",
    "cell | injected | row",
    "**loud** _quiet_ `code`",
    "=cmd|' /C calc'!A0",
]


class Kit:
    """Use cases over one store with a fixed clock, so exports are reproducible."""

    def __init__(self, app: Flask) -> None:
        store = app.extensions["workshop.store"]
        self.core = UseCases.build(
            store,
            join_url_for=lambda c: f"http://testserver/w/{c}",
            clock=lambda: FIXED_MS,
            today=lambda: date(2025, 4, 25),
        )
        self.plans = self.core.plans
        self.documents = self.core.documents


@pytest.fixture
def kit(app: Flask) -> Kit:
    return Kit(app)


def review(
    kit: Kit, texts: list[str] | None = None, title: str = "Partnership review"
) -> tuple[Any, list[int], list[int]]:
    """Return a review with votes and its first two proposals marked as priorities."""
    core = kit.core
    created = core.workshops.create_workshop(
        title,
        dots=5,
        max_per_proposal=3,
        groups=["Service users", "Staff"],
        place="Maidstone",
        held_on=date(2025, 3, 5),
    )
    people = [
        core.workshops.join(
            created.code, f"review-device-{i:06d}", f"Name{i}", "g1" if i < 2 else "g2"
        )[0].participant_id
        for i in range(3)
    ]
    core.facilitation.change_stage(created.code, Stage.PROPOSE)
    ids = [
        core.workshops.submit_proposal(created.code, people[i % 3], text, f"p{i}").ack[
            "proposal_id"
        ]
        for i, text in enumerate(texts or ["Community focus", "Communication", "Training"])
    ]
    core.facilitation.change_stage(created.code, Stage.VOTE)
    core.workshops.cast_vote(created.code, people[0], ids[0], 3, "v1")
    core.workshops.cast_vote(created.code, people[2], ids[0], 1, "v2")
    core.workshops.cast_vote(created.code, people[1], ids[1], 2, "v3")
    core.facilitation.set_priorities(created.code, ids[:2])
    return created, people, ids


def test_attendees_suggest_actions_only_while_planning_and_only_for_priorities(kit: Kit) -> None:
    created, people, ids = review(kit)
    with pytest.raises(WrongStage) as early:
        kit.plans.suggest_action(created.code, people[0], ids[0], "Outreach", "s1")
    assert early.value.message == "Action planning has not started yet: wait for the facilitator."
    kit.core.facilitation.change_stage(created.code, Stage.PLAN)
    with pytest.raises(NotFound) as not_priority:
        kit.plans.suggest_action(created.code, people[0], ids[2], "Outreach", "s1")
    assert not_priority.value.message == (
        "Actions belong to a priority: pick one of the workshop's priorities."
    )
    answer = kit.plans.suggest_action(created.code, people[0], ids[0], "Outreach", "s1")
    again = kit.plans.suggest_action(created.code, people[0], ids[0], "Outreach", "s1")
    assert again.ack == answer.ack  # a retry counts once
    state = kit.core.audiences.snapshot(created.code, "screen")
    assert [(a["text"], a["status"]) for a in state["actions"]] == [("Outreach", "proposed")]
    assert kit.core.audiences.me(created.code, people[0])["my_actions"] == [answer.ack["action_id"]]


def test_a_suggested_action_with_a_phone_number_is_refused_and_reaches_nobody(kit: Kit) -> None:
    created, people, ids = review(kit)
    kit.core.facilitation.change_stage(created.code, Stage.PLAN)
    text = "Ring my keyworker on 07700 900123 about the drop-in"
    with pytest.raises(InvalidInput) as refused:
        kit.plans.suggest_action(created.code, people[0], ids[0], text, "s1")
    assert refused.value.message.startswith("It looks like it holds a phone number.")
    assert "leave out names, phone numbers" in refused.value.message
    assert "07700" not in json.dumps(kit.core.audiences.snapshots(created.code))
    # Said without the number, the same idea goes on the plan.
    kit.plans.suggest_action(created.code, people[0], ids[0], "Ask keyworkers about it", "s2")
    assert len(kit.core.audiences.snapshot(created.code, "screen")["actions"]) == 1


def test_volunteering_never_shows_a_name_unless_the_attendee_chooses(kit: Kit) -> None:
    created, people, ids = review(kit)
    kit.core.facilitation.change_stage(created.code, Stage.PLAN)
    action = kit.plans.add_action(created.code, ids[0], ActionFields(text="Drop-in"), "a").ack
    kit.plans.volunteer(created.code, people[0], action["action_id"], True, False, "h1")
    kit.plans.volunteer(created.code, people[1], action["action_id"], True, True, "h2")
    shown = kit.core.audiences.snapshot(created.code, "phone")["actions"][0]
    assert (shown["volunteers"], shown["volunteer_names"]) == (2, ["Name1"])
    assert "Name0" not in json.dumps(kit.core.audiences.snapshots(created.code))
    assert kit.core.audiences.me(created.code, people[0])["helping"] == {
        str(action["action_id"]): {"show_name": False}
    }
    kit.plans.volunteer(created.code, people[1], action["action_id"], False, False, "h3")
    assert (
        kit.core.audiences.snapshot(created.code, "screen")["actions"][0]["volunteer_names"] == []
    )


def test_the_facilitator_edits_agrees_and_drops_and_past_dates_are_flagged(kit: Kit) -> None:
    created, _people, ids = review(kit)
    kit.core.facilitation.change_stage(created.code, Stage.PLAN)
    action_id = kit.plans.add_action(created.code, ids[0], ActionFields(text="Forum"), "a")
    action_id = action_id.ack["action_id"]
    state = kit.core.audiences.snapshot(created.code, "screen")
    # Even the facilitator's own action is proposed until the room agrees it.
    assert state["actions"][0]["status"] == "proposed"
    fields = action_fields(
        {
            "owner": "Partnership manager",
            "due_on": "2025-04-01",
            "partners": "Kent CVS",
            "resources": "A room",
            "success": "Four forums a year",
            "status": "in_progress",
        },
        text_required=False,
    )
    kit.plans.edit_action(created.code, action_id, fields)
    entry = kit.core.audiences.snapshot(created.code, "screen")["actions"][0]
    assert (entry["owner"], entry["due_label"], entry["overdue"], entry["status_label"]) == (
        "Partnership manager",
        "1 April 2025",
        True,
        "In progress",
    )
    kit.plans.edit_action(created.code, action_id, ActionFields(status=ActionStatus.DONE))
    assert kit.core.audiences.snapshot(created.code, "screen")["actions"][0]["overdue"] is False
    kit.plans.edit_action(created.code, action_id, ActionFields(status=ActionStatus.DROPPED))
    assert kit.core.audiences.snapshot(created.code, "phone")["actions"] == []
    assert (
        kit.core.audiences.snapshot(created.code, "facilitator")["actions"][0]["status"]
        == "dropped"
    )


@pytest.mark.parametrize(
    ("payload", "sentence"),
    [
        ({"due_on": "31/06/2025"}, "Write the due date as year-month-day, for example 2026-06-30."),
        ({"due_on": "2025-02-30"}, "Write the due date as year-month-day, for example 2026-06-30."),
        ({"due_on": 20250630}, "Write the due date as year-month-day, for example 2026-06-30."),
        (
            {"status": "finished"},
            "There is no status called that: choose one of proposed, agreed, in_progress, done, "
            "dropped.",
        ),
        ({"owner": "x" * 201}, "The owner is too long: keep it under 200 characters (it has 201)."),
        ({"text": ""}, "The action is empty: write something first."),
    ],
)
def test_bad_action_fields_are_refused_in_words(payload: dict[str, Any], sentence: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        action_fields(payload, text_required=False)
    assert refused.value.message == sentence


def test_merging_actions_keeps_each_helper_once(kit: Kit) -> None:
    created, people, ids = review(kit)
    kit.core.facilitation.change_stage(created.code, Stage.PLAN)
    first = kit.plans.add_action(created.code, ids[0], ActionFields(text="Drop-in"), "a")
    second = kit.plans.add_action(created.code, ids[0], ActionFields(text="Drop in"), "b")
    one, two = first.ack["action_id"], second.ack["action_id"]
    kit.plans.volunteer(created.code, people[0], one, True, False, "h1")
    kit.plans.volunteer(created.code, people[0], two, True, False, "h2")
    kit.plans.volunteer(created.code, people[1], two, True, False, "h3")
    kit.plans.merge_actions(created.code, one, two)
    [entry] = kit.core.audiences.snapshot(created.code, "screen")["actions"]
    assert (entry["id"], entry["volunteers"], entry["merged"]) == (
        one,
        2,
        [{"id": two, "text": "Drop in"}],
    )


def test_a_follow_up_carries_priorities_with_support_and_open_actions(kit: Kit) -> None:
    created, _, ids = review(kit)
    kit.core.facilitation.change_stage(created.code, Stage.PLAN)
    for index, status in enumerate(["agreed", "done", "in_progress", "dropped"]):
        kit.plans.add_action(
            created.code,
            ids[index % 2],
            ActionFields(text=f"Action {status}", status=ActionStatus(status)),
            f"a{index}",
        )
    with pytest.raises(Exception) as refused:
        kit.plans.create_follow_up(created.code, "wrong", None, "Gravesend", None)
    assert "not valid for this workshop" in str(refused.value)
    follow = kit.plans.create_follow_up(
        created.code, created.token, "Gravesend meeting", "Gravesend", date(2025, 4, 15)
    )
    state = kit.core.audiences.snapshot(follow.code, "facilitator")
    assert (state["place"], state["held_on_label"]) == ("Gravesend", "Tuesday 15 April 2025")
    assert [(p["text"], p["priority_rank"], p["carried_points"]) for p in state["proposals"]] == [
        ("Community focus", 1, 4),
        ("Communication", 2, 2),
    ]
    assert sorted(a["text"] for a in state["actions"]) == ["Action agreed", "Action in_progress"]
    assert state["series"]["root_code"] == created.code
    assert state["series"]["follows_code"] == created.code
    assert state["tally"]["votes"] == 0  # carried support is shown beside, never added
    # Screens say where carried dots were counted: the meeting and its round.
    where = [{"name": "Maidstone, Wednesday 5 March 2025", "round": 1}]
    assert state["series"]["carried_from"] == where


def series_of_three(kit: Kit) -> tuple[Any, Any, Any]:
    created, _people, ids = review(kit)
    kit.core.facilitation.change_stage(created.code, Stage.PLAN)
    leaflet = kit.plans.add_action(
        created.code,
        ids[1],
        ActionFields(text="A leaflet", owner="Comms", status=ActionStatus.IN_PROGRESS),
        "a",
    ).ack["action_id"]
    kit.plans.add_action(created.code, ids[0], ActionFields(text="Outreach"), "b")
    first = kit.plans.create_follow_up(
        created.code, created.token, None, "Gravesend", date(2025, 4, 15)
    )
    kit.core.facilitation.change_stage(first.code, Stage.PLAN)
    carried = next(
        a
        for a in kit.core.audiences.snapshot(first.code, "facilitator")["actions"]
        if a["text"] == "A leaflet"
    )
    kit.plans.edit_action(first.code, carried["id"], ActionFields(status=ActionStatus.DONE))
    priority = kit.core.audiences.snapshot(first.code, "facilitator")["proposals"][0]["id"]
    kit.plans.add_action(first.code, priority, ActionFields(text="Swanley drop-in"), "c")
    second = kit.plans.create_follow_up(
        first.code, first.token, None, "Tonbridge", date(2025, 4, 23)
    )
    assert leaflet != carried["id"]
    return created, first, second


def test_the_series_rolls_every_towns_actions_up_under_each_priority(kit: Kit) -> None:
    _created, _first, second = series_of_three(kit)
    text = export.series_markdown(kit.documents.series(second.code))
    assert text.count("\n## ") == 5  # priorities, roll-up, and one section per meeting
    assert "## Gravesend, Tuesday 15 April 2025" in text
    rollup = text.split("## Actions across the towns")[1].split("\n## ")[0]
    assert "| Gravesend, Tuesday 15 April 2025 | A leaflet | Comms | – | – | Done |" in rollup
    assert rollup.count("A leaflet") == 1  # the latest version only
    assert (
        rollup.count("Outreach") == 1 and "Tonbridge, Wednesday 23 April 2025 | Outreach" in rollup
    )
    assert "Swanley drop\\-in" not in rollup and "Swanley drop-in" in rollup
    # Nobody voted at Gravesend: the dots the third meeting carries were counted at
    # Maidstone only, and screens say so.
    where = kit.core.audiences.snapshot(second.code, "phone")["series"]["carried_from"]
    assert where == [{"name": "Maidstone, Wednesday 5 March 2025", "round": 1}]


def test_the_same_workshop_exports_byte_identical_and_reimports_to_the_same_plan(
    kit: Kit, client: FlaskClient
) -> None:
    created, _people, ids = review(kit, HOSTILE[:3])
    kit.core.facilitation.change_stage(created.code, Stage.PLAN)
    kit.plans.add_action(
        created.code,
        ids[0],
        ActionFields(
            text=HOSTILE[3], owner=HOSTILE[4], partners=HOSTILE[5], due_on=date(2025, 6, 30)
        ),
        "a",
    )
    document = kit.documents.workshop(created.code)
    first, second = export.markdown(document), export.markdown(kit.documents.workshop(created.code))
    assert first == second
    answer = client.post("/api/workshops/import", json=document)
    assert answer.status_code == 201, answer.get_json()
    copy = kit.documents.workshop(answer.get_json()["code"])
    assert export.markdown(copy) == first.replace(created.code, answer.get_json()["code"])


def test_a_hostile_plan_matches_its_golden_file_and_renders_as_literal_text(kit: Kit) -> None:
    import markdown

    created, _people, ids = review(kit, HOSTILE[:3], title=HOSTILE[0])
    kit.core.facilitation.change_stage(created.code, Stage.PLAN)
    for index, text in enumerate(HOSTILE[3:]):
        kit.plans.add_action(
            created.code,
            ids[index % 2],
            ActionFields(text=text, owner=HOSTILE[index], partners=HOSTILE[-1 - index]),
            f"a{index}",
        )
    text = export.markdown(kit.documents.workshop(created.code)).replace(created.code, "CODE")
    golden = GOLDEN / "hostile_plan.md"
    if not golden.exists():  # written once, then read by a person and committed
        golden.write_text(text)
        pytest.fail(f"wrote {golden}: read it, then commit it")
    assert text == golden.read_text()
    html = markdown.markdown(text.split("\n---\n", 1)[1], extensions=["tables", "fenced_code"])
    for tag in ("<script", "<img", "<a ", "<strong", "<em>"):
        assert tag not in html
    assert html.count("<h1>") == 1
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html


def test_csv_has_one_row_per_action_and_defuses_formulas(kit: Kit) -> None:
    created, _, ids = review(kit)
    kit.core.facilitation.change_stage(created.code, Stage.PLAN)
    kit.plans.add_action(created.code, ids[0], ActionFields(text=HOSTILE[-1]), "a")
    kit.plans.add_action(created.code, ids[1], ActionFields(text="Newsletter"), "b")
    rows = list(
        csv.DictReader(io.StringIO(export.csv_rows([kit.documents.workshop(created.code)])))
    )
    assert [r["action"] for r in rows] == ["'" + HOSTILE[-1], "Newsletter"]
    assert rows[0]["priority"] == "Community focus" and rows[0]["status"] == "proposed"


def test_exports_hold_no_names_device_ids_or_hidden_text(kit: Kit, tmp_path: Path) -> None:
    created, _people, _ids = review(kit)
    secret = kit.core.facilitation.add_proposal(created.code, "My address is 4 Mill Lane", "x").ack
    kit.core.facilitation.hide_proposal(created.code, secret["proposal_id"], True)
    files = export.write_exports(tmp_path, kit.documents.series(created.code), created.code)
    assert files == [
        f"partnership-review-maidstone-2025-03-05-{created.code.lower()}.{ext}"
        for ext in ("csv", "json", "md", "svg")
    ]
    for name in files:
        body = (tmp_path / name).read_text()
        assert "Mill Lane" not in body and "Name0" not in body and "review-device" not in body
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_closing_a_workshop_writes_its_plan_to_the_exports_folder(
    app: Flask, connect: Any, workshop: dict[str, Any]
) -> None:
    facilitator = connect()
    facilitator.emit(
        "facilitate_workshop",
        {"code": workshop["code"], "token": workshop["facilitator_token"]},
        callback=True,
    )
    assert facilitator.emit("change_stage", {"stage": "closed"}, callback=True)["ok"]
    folder = Path(app.config["WORKSHOP_SETTINGS"]["EXPORTS_DIR"])
    deadline = time.monotonic() + 10
    written = folder / f"partnership-review-{workshop['code'].lower()}.md"
    while not written.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert written.read_text().startswith('---\ntitle: "Partnership')


def test_the_published_plan_page_needs_the_organisers_choice(client: FlaskClient, kit: Kit) -> None:
    created, _, _ids = review(kit, [HOSTILE[1], "Communication", "Training"])
    closed = "This plan has not been published yet: ask the organiser."
    page = client.get(f"/w/{created.code}/plan")
    assert page.status_code == 401 and closed in page.get_data(as_text=True)
    kit.plans.set_details(created.code, None, False, True)
    kit.core.facilitation.change_stage(created.code, Stage.CLOSED)
    for path in (f"/w/{created.code}/plan", f"/w/{created.code}"):
        html = client.get(path).get_data(as_text=True)
        assert "You said, we did" in html or "Partnership review" in html
        assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
        assert "review-device" not in html and "Name0" not in html
    series = client.get(f"/s/{created.code}")
    assert series.status_code == 200


def test_follow_ups_over_http_need_the_token(client: FlaskClient, workshop: dict[str, Any]) -> None:
    url = f"/api/workshops/{workshop['code']}/follow-ups"
    assert client.post(url, json={"place": "Tonbridge"}).status_code == 401
    made = client.post(
        url,
        json={"place": "Tonbridge", "held_on": "2025-04-23"},
        headers={"Authorization": f"Bearer {workshop['facilitator_token']}"},
    )
    assert made.status_code == 201
    body = made.get_json()
    assert body["join_url"].endswith(body["code"]) and body["facilitator_token"]
    bad = client.post(
        url,
        json={"held_on": "23 April"},
        headers={"Authorization": f"Bearer {workshop['facilitator_token']}"},
    )
    assert bad.get_json()["error"] == (
        "Write the meeting date as year-month-day, for example 2026-06-30."
    )


def test_import_refuses_what_is_not_a_plan(client: FlaskClient) -> None:
    for body in ({}, {"format": "workshop-plan/1"}, [], {"format": "other"}):
        answer = client.post("/api/workshops/import", json=body)
        assert answer.status_code == 400
        assert answer.get_json()["error"] == (
            "That file is not a workshop plan exported by this toolkit: "
            "download it again with 'Download plan (JSON)' and import that file."
        )


def test_the_command_line_exports_every_format(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    kit = Kit(app)
    created, _, ids = review(kit)
    kit.core.facilitation.change_stage(created.code, Stage.PLAN)
    kit.plans.add_action(created.code, ids[0], ActionFields(text="Outreach"), "a")
    app.extensions["workshop.store"].close()
    outputs = {}
    for fmt in ("md", "csv", "json"):
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "workshop",
                "export",
                created.code,
                "--format",
                fmt,
                "--data-dir",
                str(tmp_path),
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent.parent,
        )
        outputs[fmt] = done.stdout
    assert outputs["md"].startswith('---\ntitle: "Partnership review"')
    assert "| Outreach | – | – | – | Proposed |" in outputs["md"]
    assert outputs["csv"].splitlines()[1].startswith("Partnership review,Maidstone,2025-03-05,1,")
    assert json.loads(outputs["json"])["workshop"]["code"] == created.code
    missing = subprocess.run(
        [sys.executable, "-m", "workshop", "export", "ZZZZZZ", "--data-dir", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert missing.returncode == 1 and "There is no workshop with that code" in missing.stderr


def test_a_published_review_shows_the_status_later_meetings_gave_its_actions(
    client: FlaskClient, kit: Kit
) -> None:
    created, first, _second = series_of_three(kit)
    for code in (created.code, first.code):
        kit.plans.set_details(code, None, False, True)
        kit.core.facilitation.change_stage(code, Stage.CLOSED)
    html = client.get(f"/w/{created.code}").get_data(as_text=True)
    # The review's own copy of the leaflet action is "In progress"; Gravesend marked it done.
    assert "<td>A leaflet</td>\n<td>Comms</td>\n<td>–</td>\n<td>–</td>\n<td>Done</td>" in html
    assert "Tonbridge" not in html  # not published yet


def test_import_refuses_a_plan_claiming_more_people_than_a_workshop_holds(
    kit: Kit, client: FlaskClient
) -> None:
    created, _, _ = review(kit)
    document = kit.documents.workshop(created.code)
    document["workshop"]["attendance"] = {"g1": 3000, "g2": 3000}
    answer = client.post("/api/workshops/import", json=document)
    assert answer.status_code == 400
    assert answer.get_json()["error"] == (
        "That file is not a workshop plan exported by this toolkit: "
        "download it again with 'Download plan (JSON)' and import that file."
    )
    with kit.core.core.store.transaction() as tx:
        assert tx.conn.exec_driver_sql("SELECT COUNT(*) FROM workshops").scalar() == 1


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d: d.update(generated_at="2026-99-99T00:00:00Z"),
        lambda d: d["workshop"]["groups"][0].pop("label"),
        lambda d: d["workshop"].update(max_per_proposal=9, dots=2),
        lambda d: d["workshop"].update(attendance={"g1": 0, "g2": 0}) or None,
        lambda d: d["actions"].append({"priority_id": -1}),
    ],
)
def test_a_spoiled_plan_is_refused_in_words_never_with_a_crash(
    kit: Kit, client: FlaskClient, spoil: Any
) -> None:
    created, _, _ = review(kit)
    document = kit.documents.workshop(created.code)
    spoil(document)
    answer = client.post("/api/workshops/import", json=document)
    if answer.status_code == 201:  # zero attendees with points: still importable
        assert kit.documents.workshop(answer.get_json()["code"])["proposals"]
    else:
        error = answer.get_json()["error"]
        assert answer.status_code == 400 and error[:1].isupper() and error.endswith(".")


def test_imported_text_is_cleaned_like_typed_text(kit: Kit, client: FlaskClient) -> None:
    created, _, _ = review(kit)
    document = kit.documents.workshop(created.code)
    document["workshop"]["title"] = "\u202eevil title"
    document["proposals"][0]["text"] = "tab\x00null"
    copy = client.post("/api/workshops/import", json=document).get_json()
    imported = kit.documents.workshop(copy["code"])
    assert imported["workshop"]["title"] == "evil title"
    assert "tabnull" in [p["text"] for p in imported["proposals"]]
