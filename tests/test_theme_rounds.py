"""A vote round on themes: the ballot lists the themes themselves, and tallies, snapshots,
exports and re-imports say so."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from tests.flows import console_and_phone, workshop_with_proposals
from tests.test_themes import TEXTS
from workshop.domain.errors import InvalidInput, WorkshopError
from workshop.domain.methods import Method
from workshop.domain.model import Stage
from workshop.exports import formats as export
from workshop.usecases import UseCases
from workshop.usecases.documents import import_document
from workshop.usecases.themes import Themes


def three_themes(service: UseCases, themes: Themes) -> tuple[str, list[int], list[int], list[int]]:
    """Return a workshop with three themes of two ideas each, and five attendees."""
    code, people, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP, attendees=5)
    made = [
        themes.create_theme(code, heading, ids[2 * i : 2 * i + 2], f"t{i}").ack["theme_id"]
        for i, heading in enumerate(["Community focus", "Communication", "Support"])
    ]
    return code, people, ids, made


def test_a_round_on_themes_lists_the_themes_and_counts_ballots_by_theme(
    service: UseCases, themes: Themes
) -> None:
    code, people, ids, made = three_themes(service, themes)
    ack = service.rounds.start_round(code, Method.APPROVAL, "r2", on_themes=True).ack
    state = service.audiences.snapshot(code, "phone")
    assert state["round"]["on_themes"] is True
    assert state["round"]["proposal_ids"] == sorted(made)
    headings = ["Community focus", "Communication", "Support"]
    assert state["round"]["candidates"] == [
        {"id": tid, "number": n, "text": heading}
        for n, (tid, heading) in enumerate(zip(made, headings, strict=True), start=1)
    ]
    choices = [[made[0], made[1]], [made[0]], [made[0], made[2]], [made[1]], [made[0]]]
    for n, (person, chosen) in enumerate(zip(people, choices, strict=True)):
        service.rounds.cast_ballot(code, person, ack["round_id"], chosen, f"b{n}")
    tally = service.audiences.tally(code)["facilitator"]
    assert {row["proposal_id"]: row["points"] for row in tally["ranking"]} == {
        made[0]: 4,
        made[1]: 2,
        made[2]: 1,
    }
    # Beside a vote on themes no theme shows a sum of its ideas' scores: the results are
    # the themes' own.
    shown = service.audiences.snapshot(code, "facilitator")["themes"]
    assert [t["support"] for t in shown] == [None, None, None]
    # The voter's own view names the themes it approved.
    assert service.audiences.me(code, people[0])["my_ballot"] == [made[0], made[1]]
    # Moving ideas between themes changes no ballot: a theme's votes are its own.
    themes.move_to_theme(code, [ids[0], ids[1], ids[2]], made[2])
    moved = service.audiences.tally(code)["facilitator"]
    assert moved["ranking"] == tally["ranking"]


def test_an_idea_is_not_a_choice_on_a_ballot_of_themes(service: UseCases, themes: Themes) -> None:
    code, people, ids, made = three_themes(service, themes)
    round_id = service.rounds.start_round(code, Method.APPROVAL, "r2", on_themes=True).ack[
        "round_id"
    ]
    stranger = next(pid for pid in ids if pid not in made)
    with pytest.raises(WorkshopError, match="no longer on the list"):
        service.rounds.cast_ballot(code, people[0], round_id, [stranger], "b")
    assert service.audiences.tally(code)["facilitator"]["votes"] == 0


def test_a_dissolved_theme_leaves_the_ballot_and_the_tally_and_comes_back_restored(
    service: UseCases, themes: Themes
) -> None:
    code, people, _, made = three_themes(service, themes)
    round_id = service.rounds.start_round(code, Method.RANKING, "r2", on_themes=True).ack[
        "round_id"
    ]
    service.rounds.cast_ballot(code, people[0], round_id, [made[2], made[0], made[1]], "b")
    themes.dissolve_theme(code, made[2], True)
    state = service.audiences.snapshot(code, "facilitator")
    assert [c["id"] for c in state["round"]["candidates"]] == made[:2]
    assert made[2] not in {r["proposal_id"] for r in state["tally"]["ranking"]}
    themes.dissolve_theme(code, made[2], False)
    state = service.audiences.snapshot(code, "facilitator")
    assert state["tally"]["ranking"][0]["proposal_id"] == made[2]


def test_a_tie_between_themes_goes_to_a_second_vote_on_those_themes(
    service: UseCases, themes: Themes
) -> None:
    code, people, _, made = three_themes(service, themes)
    first = service.rounds.start_round(code, Method.APPROVAL, "r2", on_themes=True).ack
    for n, chosen in enumerate([[made[0]], [made[1]], [made[0], made[1]]]):
        service.rounds.cast_ballot(code, people[n], first["round_id"], chosen, f"b{n}")
    with pytest.raises(InvalidInput, match="was a vote on themes"):
        service.rounds.start_round(code, Method.APPROVAL, "r3", from_round=first["number"])
    service.rounds.start_round(code, Method.APPROVAL, "r4", runoff_of=first["number"])
    state = service.audiences.snapshot(code, "phone")
    assert state["round"]["on_themes"] is True
    assert [c["text"] for c in state["round"]["candidates"]] == ["Community focus", "Communication"]


def test_a_vote_on_themes_refuses_a_ballot_of_ideas_and_a_second_vote_on_tied_ideas(
    service: UseCases, themes: Themes
) -> None:
    code, people, ids, _ = three_themes(service, themes)
    for bad in ({"proposal_ids": ids[:2]}, {"theme_id": 1}, {"from_round": 1, "top": 2}):
        with pytest.raises(InvalidInput, match="puts every theme on the ballot"):
            service.rounds.start_round(code, Method.APPROVAL, "r", on_themes=True, **bad)
    # A tie between ideas in round 1 goes to a second vote on those ideas, never on themes.
    service.facilitation.change_stage(code, Stage.VOTE)
    service.workshops.cast_vote(code, people[0], ids[0], 1, "v1")
    service.workshops.cast_vote(code, people[1], ids[1], 1, "v2")
    with pytest.raises(InvalidInput, match="Round 1 was a vote on ideas"):
        service.rounds.start_round(code, Method.APPROVAL, "r2", on_themes=True, runoff_of=1)
    assert service.audiences.snapshot(code, "facilitator")["round"]["number"] == 1


def test_dots_and_a_single_theme_are_refused_for_a_vote_on_themes(
    service: UseCases, themes: Themes
) -> None:
    code, _, _, made = three_themes(service, themes)
    with pytest.raises(InvalidInput, match="Dots go on single ideas"):
        service.rounds.start_round(code, Method.DOTS, "r2", on_themes=True)
    themes.dissolve_theme(code, made[1], True)
    themes.dissolve_theme(code, made[2], True)
    with pytest.raises(InvalidInput, match="at least two themes"):
        service.rounds.start_round(code, Method.APPROVAL, "r3", on_themes=True)
    # Nothing changed: still round 1, on the ideas.
    state = service.audiences.snapshot(code, "facilitator")
    assert state["round"]["number"] == 1 and state["round"]["on_themes"] is False
    assert state["round"]["candidates"] is None


def test_the_plan_names_a_round_on_themes_and_keeps_priorities_on_ideas(
    service: UseCases, themes: Themes
) -> None:
    code, people, ids, made = three_themes(service, themes)
    round_id = service.rounds.start_round(code, Method.APPROVAL, "r2", on_themes=True).ack[
        "round_id"
    ]
    for n, person in enumerate(people):
        service.rounds.cast_ballot(code, person, round_id, [made[1]], f"b{n}")
    service.facilitation.set_priorities(code, [ids[0], ids[3]])
    document = service.documents.workshop(code)
    on_themes = document["rounds"][-1]
    assert on_themes["on_themes"] is True
    first = on_themes["results"][0]
    assert (first["id"], first["text"], first["score"]) == (made[1], "Communication", 5)
    markdown = export.markdown(document)
    part = markdown.split("### Round 2: Approval (on themes)", 1)[1]
    assert "| 1 | Communication | 5 |" in part.split("###", 1)[0]
    # The support-by-theme table reads a round on themes by its themes, not as idea ids.
    by_theme = markdown.split("#### Each round's support by theme", 1)[1]
    assert "| Communication | 0 | 5 |" in by_theme
    assert "| Community focus | 0 | 0 |" in by_theme and "| Support | 0 | 0 |" in by_theme
    # The priorities are ideas: their table never takes numbers from the round on themes.
    assert "Ranked by round 2" not in markdown
    # A re-import keeps the themes and the ideas; the round on themes stays in the export.
    copy = import_document(service.core, document)
    again = service.documents.workshop(copy.code)
    assert [t["heading"] for t in again["themes"]] == [t["heading"] for t in document["themes"]]
    assert all(not entry.get("on_themes") for entry in again["rounds"])


def test_a_round_on_themes_over_the_socket(
    connect: Callable[..., Any], workshop: dict[str, Any]
) -> None:
    facilitator, phone = console_and_phone(connect, workshop)
    ideas = [
        phone.emit("submit_proposal", {"text": text, "request_id": f"p{n}"}, callback=True)[
            "proposal_id"
        ]
        for n, text in enumerate(TEXTS[:2])
    ]
    made = [
        facilitator.emit(
            "create_theme",
            {"heading": heading, "proposal_ids": [pid], "request_id": f"t{n}"},
            callback=True,
        )["theme_id"]
        for n, (heading, pid) in enumerate(zip(["Places", "Words"], ideas, strict=True))
    ]
    bad = facilitator.emit(
        "start_round", {"method": "approval", "request_id": "r0", "on_themes": "yes"}, callback=True
    )
    assert bad["ok"] is False and "on_themes setting must be true or false" in bad["error"]
    started = facilitator.emit(
        "start_round", {"method": "approval", "request_id": "r1", "on_themes": True}, callback=True
    )
    assert started["ok"] is True
    voted = phone.emit(
        "cast_ballot",
        {"round_id": started["round_id"], "choices": [made[1]], "request_id": "b1"},
        callback=True,
    )
    assert voted["ok"] is True, voted


def test_paper_for_a_vote_on_themes_is_printed_and_typed_in_by_the_themes_numbers(
    app: Flask, service: UseCases, themes: Themes
) -> None:
    code, _, _, made = three_themes(service, themes)
    service.rounds.start_round(code, Method.RANKING, "r2", on_themes=True)
    page = app.test_client().get(f"/w/{code}/print/ballot").get_data(as_text=True)
    rows = re.findall(r'<td class="b-num">(\d+)</td><td class="b-text">([^<]+)</td>', page)
    assert rows == [("1", "Community focus"), ("2", "Communication"), ("3", "Support")]
    # Typed in from that paper by number: 3 first, then 1.
    service.rounds.enter_assisted_ballot(code, "", [3, 1], "", "a1", by_number=True)
    tally = service.audiences.tally(code)["facilitator"]
    assert tally["assisted"][0]["counts"] == {str(made[2]): 1, str(made[0]): 2}
    assert tally["ranking"][0]["proposal_id"] == made[2]
