"""A facilitator's first time (issue #18): plain words in public text, nobody singled out by
paper or help, "Next: Results" reveals, the facilitator link as a QR code, a trailing "/"."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.flows import workshop_with_proposals
from workshop.domain.disclosure import SMALLEST_SHOWN, public_tally
from workshop.domain.how_counted import NOTE_START, how_counted
from workshop.domain.methods import Method
from workshop.domain.model import Stage
from workshop.exports import formats as export
from workshop.usecases import UseCases

ROOT = Path(__file__).resolve().parent.parent
METHOD_NAMES = re.compile(r"Condorcet|Schulze|Borda", re.IGNORECASE)
# In source files the wire keys (condorcet_winner, schulze) are lower case: names people
# read are capitalised.
NAMES_IN_SOURCE = re.compile(r"Condorcet|Schulze|Borda")
TEXTS = ["Reach the villages", "Better communication", "More training"]
# Everything the wall, the phones, the published page and the Markdown plan are made of.
# The method names may be said only by the "how this was counted" note (how_counted.py).
PUBLIC_SOURCES = [
    "templates/base.html",
    "templates/home.html",
    "templates/phone.html",
    "templates/screen.html",
    "templates/plan.html",
    "templates/series.html",
    "templates/message.html",
    "static/js/common.js",
    "static/js/phone.js",
    "static/js/phone-ballots.js",
    "static/js/phone-plan.js",
    "static/js/screen.js",
    "static/js/wall-results.js",
    "static/js/plan.js",
    "workshop/exports/formats.py",
    "workshop/exports/round_markdown.py",
    "workshop/web/published.py",
    "workshop/web/plans.py",
]


def without_notes(markdown: str) -> str:
    return "\n".join(line for line in markdown.splitlines() if not line.startswith(NOTE_START))


@pytest.fixture
def ranked(service: UseCases) -> tuple[str, list[int], list[int]]:
    """A ranking round with three ballots, an assisted one among them, and a clear winner."""
    code, people, ids = workshop_with_proposals(service, TEXTS, attendees=3)
    round_id = service.rounds.start_round(code, Method.RANKING, "r", settings={"top_k": 3}).ack[
        "round_id"
    ]
    for n, order in enumerate(([0, 1, 2], [0, 2, 1])):
        service.rounds.cast_ballot(code, people[n], round_id, [ids[i] for i in order], f"b{n}")
    service.rounds.enter_assisted_ballot(code, "g1", [ids[1], ids[0], ids[2]], "for Jo", "help")
    return code, people, ids


@pytest.mark.parametrize("path", PUBLIC_SOURCES)
def test_public_sources_never_name_a_counting_method(path: str) -> None:
    text = (ROOT / path).read_text()
    assert not NAMES_IN_SOURCE.search(text), (path, NAMES_IN_SOURCE.findall(text))


def test_the_note_is_the_one_place_the_method_names_are_said() -> None:
    assert METHOD_NAMES.search(how_counted("ranking"))
    for method in Method:
        assert how_counted(method.value).startswith(NOTE_START)


def test_the_markdown_plan_says_it_plainly_and_names_methods_only_in_the_note(
    app: Flask, service: UseCases, ranked: tuple[str, list[int], list[int]]
) -> None:
    code, _, _ = ranked
    text = export.markdown(app.extensions["workshop.documents"].workshop(code))
    assert f"Ranked first by most people when compared two at a time: {TEXTS[0]}." in text
    assert "Order when compared two at a time: 1. " in text
    assert how_counted("ranking") in text and how_counted("dots") in text  # both rounds
    plain = without_notes(text)
    assert not METHOD_NAMES.search(plain), METHOD_NAMES.findall(plain)
    assert "## All ideas" in plain and "| Idea |" in plain and "proposal" not in plain.lower()


def test_the_wall_and_phones_are_sent_plain_words_and_the_note(
    service: UseCases, ranked: tuple[str, list[int], list[int]]
) -> None:
    code, _, _ = ranked
    service.facilitation.change_stage(code, Stage.RESULTS)
    for audience in ("screen", "phone"):
        state = service.audiences.snapshot(code, audience)
        assert state["round"]["how_counted"] == how_counted("ranking")
        state["round"].pop("how_counted")
        # Only wire keys (condorcet_winner, schulze) remain, never words a person reads.
        words = " ".join(v for v in _strings(state) if " " in v)
        assert not METHOD_NAMES.search(words), audience


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_one_assisted_ballot_is_never_pointed_at_on_the_wall_phones_or_the_plan(
    app: Flask, service: UseCases, ranked: tuple[str, list[int], list[int]]
) -> None:
    code, _, ids = ranked
    service.facilitation.reveal_results(code, True)
    full = service.audiences.tally(code)["facilitator"]
    assert full is not None and full["from_assisted"][str(ids[1])] == 2  # the console knows
    for audience in ("screen", "phone"):
        shown = service.audiences.tally(code)[audience]
        assert shown is not None
        assert shown["from_paper"] == {} and shown["from_assisted"] == {}
        assert shown["assisted"][0]["counts"] == {} and shown["assisted"][0]["note"] == ""
        assert shown["totals"] == full["totals"]  # it still counts, unmarked
    text = export.markdown(app.extensions["workshop.documents"].workshop(code))
    assert "Counted on paper or with help (already in the table above): 1 person.\n" in text
    assert "Their support" not in text.split("### Round 2")[1] and "for Jo" not in text


def test_paper_and_help_show_as_one_pool_once_it_is_big_enough() -> None:
    base = {"from_paper": {"4": 2}, "from_assisted": {"4": 1, "5": 2}, "paper": [], "assisted": []}
    small = public_tally({**base, "paper_voters": SMALLEST_SHOWN - 2, "assisted_ballots": 1})
    assert small["from_paper"] == {} and small["from_assisted"] == {}
    big = public_tally({**base, "paper_voters": SMALLEST_SHOWN - 1, "assisted_ballots": 1})
    assert big["from_paper"] == {"4": 3, "5": 2} and big["from_assisted"] == {}


def test_next_results_reveals_and_going_back_keeps_what_the_facilitator_chose(
    service: UseCases,
) -> None:
    code, people, ids = workshop_with_proposals(service, TEXTS)
    service.workshops.cast_vote(code, people[0], ids[0], 1, "v")
    assert service.audiences.snapshot(code, "phone")["tally"] is None
    service.facilitation.change_stage(code, Stage.RESULTS)
    state = service.audiences.snapshot(code, "phone")
    assert state["results_revealed"] is True and state["tally"]["totals"][str(ids[0])] == 1
    service.facilitation.change_stage(code, Stage.VOTE)  # back: nothing is taken from the room
    assert service.audiences.snapshot(code, "phone")["results_revealed"] is True
    service.rounds.start_round(code, Method.DOTS, "r2")  # a new round starts hidden again
    assert service.audiences.snapshot(code, "screen")["tally"]["results_hidden"] is True


def test_a_new_round_shows_the_wall_only_who_has_voted_by_default(
    service: UseCases,
) -> None:
    code, people, ids = workshop_with_proposals(service, TEXTS)
    assert service.audiences.snapshot(code, "facilitator")["round"]["wall_mode"] == "participation"
    service.rounds.start_round(code, Method.APPROVAL, "r2")
    assert service.audiences.snapshot(code, "facilitator")["round"]["wall_mode"] == "participation"
    service.rounds.cast_ballot(code, people[0], None, [ids[0]], "b")
    assert "totals" not in service.audiences.snapshot(code, "screen")["tally"]


def test_the_facilitator_link_comes_as_a_qr_code_only_with_the_token(
    client: FlaskClient, workshop: dict[str, Any]
) -> None:
    path = f"/api/workshops/{workshop['code']}/facilitator-qr.svg"
    refused = client.get(path)
    assert refused.status_code == 401 and refused.get_json()["reason"] == "forbidden"
    wrong = client.get(path, headers={"Authorization": "Bearer not-the-token-at-all"})
    assert wrong.status_code in (401, 403) and "svg" not in wrong.content_type
    answer = client.get(path, headers={"Authorization": f"Bearer {workshop['facilitator_token']}"})
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    assert answer.headers["Cache-Control"] == "no-store"
    join = client.get(f"/w/{workshop['code']}/qr.svg").data
    assert answer.data.startswith(b"<?xml") and answer.data != join


@pytest.mark.parametrize("suffix", ["/", "/screen/", "/facilitate/"])
def test_a_page_address_with_a_trailing_slash_still_opens(
    client: FlaskClient, workshop: dict[str, Any], suffix: str
) -> None:
    answer = client.get(f"/w/{workshop['code']}{suffix}".replace("//", "/"))
    assert answer.status_code == 200 and b"Partnership review" in answer.data
    lower = client.get(f"/w/{workshop['code'].lower()}/")
    assert lower.status_code == 200


def test_the_json_export_keeps_the_full_record_for_the_organiser(
    app: Flask, ranked: tuple[str, list[int], list[int]]
) -> None:
    code, _, ids = ranked
    document = app.extensions["workshop.documents"].workshop(code)
    # The token-only archive keeps what was counted, so a re-import gives the same plan.
    row = next(r for r in document["rounds"][1]["results"] if r["id"] == ids[1])
    assert row["from_assisted"] == 2 and "for Jo" not in json.dumps(document)
