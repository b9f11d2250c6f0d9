"""Themes through the use cases and the socket: grouping, undo, suggestions, support by theme."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from tests.conftest import make_app
from tests.flows import console_and_phone, workshop_with_proposals
from workshop.domain.actions import ActionFields
from workshop.domain.errors import Conflict, Forbidden, NotFound, WorkshopError, WrongStage
from workshop.domain.model import Stage
from workshop.usecases import UseCases
from workshop.usecases.themes import Themes

TEXTS = [
    "Reach the villages",
    "Go beyond the hub towns",
    "A newsletter for partners",
    "Better communication",
    "More training",
    "Peer mentors",
]


def board(service: UseCases, code: str, audience: str = "facilitator") -> dict[str, Any]:
    return service.audiences.snapshot(code, audience)


def columns(state: dict[str, Any]) -> dict[str, list[int]]:
    return {theme["heading"]: theme["proposal_ids"] for theme in state["themes"]}


def test_themes_group_proposals_and_the_wall_sees_columns(
    service: UseCases, themes: Themes
) -> None:
    code, _, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    reach = themes.create_theme(code, "Community focus", [ids[0], ids[1]], "t1").ack["theme_id"]
    talk = themes.create_theme(code, "Communication", [], "t2").ack["theme_id"]
    themes.move_to_theme(code, [ids[2], ids[3]], talk)
    state = board(service, code)
    assert columns(state) == {"Community focus": ids[:2], "Communication": ids[2:4]}
    assert {p["id"]: p["theme_id"] for p in state["proposals"]}[ids[0]] == reach
    assert state["theme_support"] == "sum"
    # The wall sees no column until the proposals are revealed, then the same columns.
    assert board(service, code, "screen")["themes"] == []
    service.facilitation.reveal_proposals(code, True)
    assert columns(board(service, code, "screen")) == columns(board(service, code))
    # Moving one out (theme_id None) and renaming.
    themes.move_to_theme(code, [ids[3]], None)
    themes.rename_theme(code, talk, "Talking to each other")
    assert columns(board(service, code))["Talking to each other"] == [ids[2]]


def test_dissolving_a_theme_is_undone_like_a_merge(service: UseCases, themes: Themes) -> None:
    code, _, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    first = themes.create_theme(code, "Community focus", ids[:3], "t1").ack["theme_id"]
    other = themes.create_theme(code, "Training", [], "t2").ack["theme_id"]
    themes.dissolve_theme(code, first, True)
    state = board(service, code)
    assert columns(state) == {"Training": []}
    assert state["dissolved_themes"] == [{"id": first, "heading": "Community focus"}]
    themes.move_to_theme(code, [ids[2]], other)  # moved while the theme was dissolved
    themes.dissolve_theme(code, first, False)
    assert columns(board(service, code)) == {"Community focus": ids[:2], "Training": [ids[2]]}
    with pytest.raises(Conflict, match="not dissolved"):
        themes.dissolve_theme(code, first, False)


@pytest.mark.parametrize(
    ("make", "error", "sentence"),
    [
        (lambda t, c, ids: t.create_theme(c, "training", [], "again"), Conflict, "already a theme"),
        (lambda t, c, ids: t.move_to_theme(c, [ids[0]], 999999), NotFound, "theme does not exist"),
        (lambda t, c, ids: t.move_to_theme(c, [999999], None), NotFound, "proposal does not exist"),
        (lambda t, c, ids: t.rename_theme(c, 999999, "X"), NotFound, "theme does not exist"),
    ],
)
def test_bad_theme_commands_are_refused_with_a_sentence_and_change_nothing(
    service: UseCases,
    themes: Themes,
    make: Callable[..., Any],
    error: type[Exception],
    sentence: str,
) -> None:
    code, _, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    themes.create_theme(code, "Training", [], "t1")
    before = board(service, code)
    with pytest.raises(error, match=sentence):
        make(themes, code, ids)
    after = board(service, code)
    assert after["themes"] == before["themes"] and after["version"] == before["version"]


def test_hidden_and_merged_proposals_cannot_be_moved_and_leave_their_column(
    service: UseCases, themes: Themes
) -> None:
    code, _, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    theme = themes.create_theme(code, "Community focus", ids[:3], "t1").ack["theme_id"]
    service.facilitation.hide_proposal(code, ids[0], True)
    service.facilitation.merge_proposals(code, ids[2], ids[1])
    assert columns(board(service, code)) == {"Community focus": [ids[2]]}
    with pytest.raises(Conflict, match="hidden: show it again"):
        themes.move_to_theme(code, [ids[0]], theme)
    with pytest.raises(Conflict, match="merged into another"):
        themes.move_to_theme(code, [ids[1]], None)
    service.facilitation.hide_proposal(code, ids[0], False)
    service.facilitation.unmerge_proposal(code, ids[1])
    assert columns(board(service, code)) == {"Community focus": ids[:3]}


def test_attendees_suggest_themes_only_when_allowed_and_the_facilitator_decides(
    service: UseCases, themes: Themes
) -> None:
    code, people, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    service.facilitation.reveal_proposals(code, True)
    with pytest.raises(Forbidden, match="not taking theme suggestions"):
        themes.suggest_theme(code, people[0], ids[4], "Training", "s1")
    themes.allow_theme_suggestions(code, True)
    assert board(service, code, "phone")["theme_suggestions_open"] is True
    first = themes.suggest_theme(code, people[0], ids[4], "Training", "s1").ack["suggestion_id"]
    again = themes.suggest_theme(code, people[0], ids[4], "Training", "s1")  # a retry
    assert again.ack["suggestion_id"] == first and again.events == []
    second = themes.suggest_theme(code, people[1], ids[5], "Nonsense", "s2").ack["suggestion_id"]
    assert "theme_suggestions" not in board(service, code, "phone")
    pending = board(service, code)["theme_suggestions"]
    assert [s["id"] for s in pending] == [first, second]
    themes.answer_suggestion(code, first, accept=True)
    themes.answer_suggestion(code, second, accept=False)
    state = board(service, code)
    assert columns(state) == {"Training": [ids[4]]} and state["theme_suggestions"] == []
    with pytest.raises(NotFound, match="already answered"):
        themes.answer_suggestion(code, first, accept=True)
    service.facilitation.change_stage(code, Stage.VOTE)
    with pytest.raises(WrongStage, match="while ideas are being grouped"):
        themes.suggest_theme(code, people[0], ids[5], "Training", "s3")


def test_a_round_on_one_theme_puts_only_its_proposals_on_the_ballot(
    service: UseCases, themes: Themes
) -> None:
    from workshop.domain.methods import Method

    code, _, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    theme = themes.create_theme(code, "Community focus", ids[:3], "t1").ack["theme_id"]
    service.facilitation.hide_proposal(code, ids[2], True)
    service.rounds.start_round(code, Method.APPROVAL, "r2", theme_id=theme)
    assert board(service, code)["round"]["proposal_ids"] == ids[:2]
    with pytest.raises(NotFound, match="theme does not exist"):
        service.rounds.start_round(code, Method.APPROVAL, "r3", theme_id=999999)


def test_themes_survive_a_restart(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    service: UseCases = app.extensions["workshop.usecases"]
    code, _, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    app.extensions["workshop.usecases"].themes.create_theme(code, "Community focus", ids[:2], "t1")
    before = columns(service.audiences.snapshot(code, "facilitator"))
    app.extensions["workshop.store"].close()
    again = make_app(tmp_path)
    assert (
        columns(again.extensions["workshop.usecases"].audiences.snapshot(code, "facilitator"))
        == before
    )
    again.extensions["workshop.store"].close()


def test_theme_commands_over_the_socket(
    connect: Callable[..., Any], workshop: dict[str, Any]
) -> None:
    facilitator, phone = console_and_phone(connect, workshop)
    made = phone.emit(
        "submit_proposal", {"text": "Reach the villages", "request_id": "p1"}, callback=True
    )
    refused = phone.emit("create_theme", {"heading": "X", "request_id": "t0"}, callback=True)
    assert refused["ok"] is False and "Only the facilitator" in refused["error"]
    ack = facilitator.emit(
        "create_theme",
        {"heading": "Community", "proposal_ids": [made["proposal_id"]], "request_id": "t1"},
        callback=True,
    )
    assert ack["ok"] is True and isinstance(ack["theme_id"], int)
    bad = facilitator.emit("move_to_theme", {"proposal_ids": "all", "theme_id": 1}, callback=True)
    assert bad == {
        "ok": False,
        "error": "Say which proposals to move: a list of proposal numbers.",
        "reason": "invalid",
    }
    facilitator.emit("change_stage", {"stage": "group"}, callback=True)
    facilitator.emit("reveal_proposals", {"revealed": True}, callback=True)
    facilitator.emit("allow_theme_suggestions", {"allowed": True}, callback=True)
    phone.get_received()
    said = phone.emit(
        "suggest_theme",
        {"proposal_id": made["proposal_id"], "heading": "Villages", "request_id": "s1"},
        callback=True,
    )
    assert said["ok"] is True
    states = [m["args"][0] for m in phone.get_received() if m["name"] == "state_changed"]
    assert states and states[-1]["themes"][0]["proposal_ids"] == [made["proposal_id"]]
    assert "theme_suggestions" not in states[-1]


# -- the property: moving after votes changes no ballot; support is what the ballots give -----


def raw_ballots(service: UseCases) -> list[tuple[Any, ...]]:
    with service.core.store.transaction() as tx:
        votes = tx.conn.execute(
            text("SELECT id, participant_id, proposal_id, points, round_id FROM votes ORDER BY id")
        ).all()
        ballots = tx.conn.execute(
            text("SELECT id, participant_id, choices_json, round_id FROM ballots ORDER BY id")
        ).all()
    return [tuple(row) for row in [*votes, *ballots]]


def dots_by_proposal(service: UseCases) -> dict[int, int]:
    """Sum the ledger straight from the table: what the ballots give each proposal."""
    with service.core.store.transaction() as tx:
        rows = tx.conn.execute(
            text("SELECT proposal_id, SUM(points) FROM votes GROUP BY proposal_id")
        ).all()
    return {int(pid): int(points) for pid, points in rows}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    votes=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5)), min_size=1, max_size=12),
    moves=st.lists(st.tuples(st.integers(0, 5), st.integers(-1, 2)), min_size=1, max_size=10),
)
def test_moving_proposals_after_votes_changes_no_ballot_and_support_is_the_ballots_sum(
    tmp_path_factory: pytest.TempPathFactory,
    votes: list[tuple[int, int]],
    moves: list[tuple[int, int]],
) -> None:
    app = make_app(tmp_path_factory.mktemp("prop"))
    service: UseCases = app.extensions["workshop.usecases"]
    themes: Themes = app.extensions["workshop.usecases"].themes
    try:
        code, people, ids = workshop_with_proposals(service, TEXTS, attendees=4)
        theme_ids = [
            themes.create_theme(code, f"Theme {n}", [], f"t{n}").ack["theme_id"] for n in range(3)
        ]
        for n, (person, proposal) in enumerate(votes):
            # A full budget or a full proposal refuses the vote; the rest count.
            with contextlib.suppress(WorkshopError):
                service.workshops.cast_vote(code, people[person], ids[proposal], 1, f"v{n}", None)
        before = raw_ballots(service)
        assert before  # the first vote always fits the budget
        for proposal, theme in moves:
            themes.move_to_theme(code, [ids[proposal]], None if theme < 0 else theme_ids[theme])
        assert raw_ballots(service) == before
        given_by_ballots = dots_by_proposal(service)
        state = service.audiences.snapshot(code, "facilitator")
        for column in state["themes"]:
            expected = sum(given_by_ballots.get(pid, 0) for pid in column["proposal_ids"])
            assert column["support"] == expected
        placed = {pid for column in state["themes"] for pid in column["proposal_ids"]}
        last = {ids[p]: (None if t < 0 else theme_ids[t]) for p, t in moves}
        assert placed == {pid for pid, theme in last.items() if theme is not None}
    finally:
        app.extensions["workshop.store"].close()


def test_the_plan_lists_priorities_by_theme_and_a_reimport_keeps_the_themes(
    app: Flask, service: UseCases, themes: Themes
) -> None:
    from workshop.exports import formats as export
    from workshop.usecases.documents import import_document

    code, people, ids = workshop_with_proposals(service, TEXTS, attendees=4)
    reach = themes.create_theme(code, "Community focus", ids[:2], "t1").ack["theme_id"]
    themes.create_theme(code, "Communication", [ids[2], ids[3]], "t2")
    for n, (person, proposal, dots) in enumerate([(0, 0, 3), (1, 1, 2), (2, 3, 1), (3, 4, 2)]):
        service.workshops.cast_vote(code, people[person], ids[proposal], dots, f"v{n}", None)
    themes.move_to_theme(code, [ids[4]], reach)  # after the votes: the dots follow the proposal
    service.facilitation.set_priorities(code, [ids[0], ids[4], ids[3]])
    documents = app.extensions["workshop.documents"]
    document = documents.workshop(code)
    assert document["themes"] == [
        {"heading": "Community focus", "points": 7, "proposals": 3},
        {"heading": "Communication", "points": 1, "proposals": 2},
    ]
    text = export.markdown(document)
    section = text.split("## Priorities by theme", 1)[1].split("\n## ", 1)[0]
    assert "sum of its proposals' dots" in section
    assert "### Community focus: 7 dots" in section
    assert "| 1 | Reach the villages | 3 |" in section and "| 2 | More training | 2 |" in section
    assert "### Communication: 1 dot" in section and "| 3 | Better communication | 1 |" in section
    assert "Also in this theme: Go beyond the hub towns (2 dots)" in section
    assert "| Community focus | 7 |" in section  # round 1 by theme
    import csv
    import io

    service.facilitation.change_stage(code, Stage.PLAN)
    app.extensions["workshop.usecases"].plans.add_action(
        code, ids[4], ActionFields(text="Courses"), "a"
    )
    rows = list(csv.DictReader(io.StringIO(export.csv_rows([documents.workshop(code)]))))
    assert [(r["priority"], r["theme"], r["action"]) for r in rows] == [
        ("More training", "Community focus", "Courses")
    ]
    copy = import_document(service.core, document)
    again = documents.workshop(copy.code)
    assert again["themes"] == document["themes"]
    assert export.markdown(again).split("## Priorities by theme")[1].split("\n## ")[0] == section


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_every_theme_statement_runs_on_both_databases_and_deleting_the_workshop_removes_them(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    overrides = {}
    if backend == "postgresql":
        overrides["DATABASE_URL"] = request.getfixturevalue("fresh_postgres")
    app = make_app(tmp_path, **overrides)
    try:
        service: UseCases = app.extensions["workshop.usecases"]
        themes: Themes = app.extensions["workshop.usecases"].themes
        code, people, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
        service.facilitation.reveal_proposals(code, True)
        first = themes.create_theme(code, "Community focus", ids[:2], "t1").ack["theme_id"]
        second = themes.create_theme(code, "Training", [], "t2").ack["theme_id"]
        themes.order_themes(code, [second, first])
        themes.rename_theme(code, second, "Training and support")
        themes.allow_theme_suggestions(code, True)
        said = themes.suggest_theme(code, people[0], ids[4], "Training and support", "s")
        themes.answer_suggestion(code, said.ack["suggestion_id"], accept=True)
        themes.spotlight(code, "theme", first)
        assert themes.spotlight_step(code, "proposal", 1).ack["spotlight"]["id"] == ids[4]
        themes.spotlight(code, "proposal", ids[0])
        service.facilitation.hide_proposal(code, ids[0], True)  # the spotlight was on it: it goes
        themes.dissolve_theme(code, first, True)
        app.extensions["workshop.usecases"].run_sheets.start(code, "nominal-group-technique")
        state = service.audiences.snapshot(code, "facilitator")
        assert columns(state) == {"Training and support": [ids[4]]}
        assert state["spotlight"] is None and state["run_sheet"]["current"] == 0
        assert state["dissolved_themes"] == [{"id": first, "heading": "Community focus"}]
        created = service.core.find_workshop(code)
        assert created is not None
        with service.core.store.transaction() as tx:
            tx.privacy.delete_workshop(created.id)
        with service.core.store.transaction() as tx:
            for table in ("themes", "theme_suggestions", "facilitation"):
                left = tx.conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
                assert left == 0, table
    finally:
        app.extensions["workshop.store"].close()
