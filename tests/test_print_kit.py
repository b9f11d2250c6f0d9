"""The printed kit over HTTP: poster, ballots and wall chart, numbered as the console types them."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.flows import workshop_with_proposals
from workshop.domain.errors import InvalidInput
from workshop.domain.methods import Method
from workshop.domain.model import Stage
from workshop.usecases import UseCases

TEXTS = ["Reach the villages", "Go <beyond> the hub towns", "Better communication", "Peer mentors"]


def page(client: FlaskClient, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, path
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    return answer.get_data(as_text=True)


def test_the_poster_shows_the_title_a_large_code_and_the_join_address(
    client: FlaskClient, workshop: dict[str, Any]
) -> None:
    html = page(client, f"/w/{workshop['code']}/print/poster")
    assert "<h1>Partnership review</h1>" in html
    assert f'src="/w/{workshop["code"]}/qr.svg"' in html
    assert f'<p class="poster-url">{workshop["join_url"]}</p>' in html
    assert "/static/css/print-a4.css" in html
    assert "/static/css/print-letter.css" in page(
        client, f"/w/{workshop['code']}/print/poster?paper=letter"
    )
    assert client.get("/w/ZZZZZZ/print/poster").status_code == 404


@pytest.mark.parametrize("method", list(Method))
def test_a_ballot_lists_every_proposal_on_the_round_with_its_number_and_plain_instructions(
    client: FlaskClient, service: UseCases, method: Method
) -> None:
    code, _, ids = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    service.facilitation.hide_proposal(code, ids[2], True)
    if method is not Method.DOTS:
        service.rounds.start_round(code, method, "r2")
    service.facilitation.change_stage(code, Stage.VOTE)
    html = page(client, f"/w/{code}/print/ballot")
    rows = re.findall(r'<td class="b-num">(\d+)</td><td class="b-text">([^<]*)</td>', html)
    assert rows == [("1", TEXTS[0]), ("2", "Go &lt;beyond&gt; the hub towns"), ("4", TEXTS[3])]
    assert {
        Method.DOTS: "Colour in one circle for each dot",
        Method.APPROVAL: "Tick the box of every idea you support",
        Method.RANKING: "Write 1 in the box of your first choice",
        Method.POINTS: "You have 100 points to share",
    }[method] in html
    assert "Do not write your name" in html


def test_nothing_is_printed_before_the_room_may_see_the_proposals(
    client: FlaskClient, service: UseCases
) -> None:
    code, _, _ = workshop_with_proposals(service, TEXTS, stage=Stage.GROUP)
    for kind in ("ballot", "wall-chart"):
        html = page(client, f"/w/{code}/print/{kind}")
        assert "not shown to the room yet" in html and TEXTS[0] not in html


def test_the_wall_chart_has_room_for_dots_beside_each_numbered_proposal(
    client: FlaskClient, service: UseCases
) -> None:
    code, _, _ = workshop_with_proposals(service, TEXTS)
    html = page(client, f"/w/{code}/print/wall-chart")
    assert "5 dots each, at most 3 on one idea" in html
    assert re.findall(r'<td class="b-num">(\d+)</td>', html) == ["1", "2", "3", "4"]


def test_paper_and_assisted_votes_are_typed_in_by_the_printed_numbers(
    app: Flask, service: UseCases
) -> None:
    code, _, ids = workshop_with_proposals(service, TEXTS)
    service.rounds.enter_paper(
        code, "wall_chart", "", 3, {"4": 5, "1": 2}, "", "w1", by_number=True
    )
    tally = service.audiences.tally(code)["facilitator"]
    assert tally is not None
    assert tally["totals"][str(ids[3])] == 5 and tally["totals"][str(ids[0])] == 2
    service.rounds.start_round(code, Method.RANKING, "r2")
    service.rounds.enter_assisted_ballot(code, "", [4, 2, 1], "", "a1", by_number=True)
    tally = service.audiences.tally(code)["facilitator"]
    assert tally is not None and tally["ranking"][0]["proposal_id"] == ids[3]
    with pytest.raises(InvalidInput, match="no idea numbered 9"):
        service.rounds.enter_assisted_ballot(code, "", [9], "", "a2", by_number=True)


def test_by_number_over_the_socket(app: Flask, connect: Any, service: UseCases) -> None:
    created = service.workshops.create_workshop("Review", dots=5, max_per_proposal=3, groups=[])
    service.facilitation.change_stage(created.code, Stage.PROPOSE)
    service.facilitation.add_proposal(created.code, "One", "x1")
    service.facilitation.change_stage(created.code, Stage.VOTE)
    facilitator = connect({"code": created.code, "token": created.token})
    ack = facilitator.emit(
        "enter_assisted_ballot",
        {"choices": {"1": 2}, "by": "number", "request_id": "a"},
        callback=True,
    )
    assert ack["ok"] is True
    bad = facilitator.emit(
        "enter_assisted_ballot",
        {"choices": {"1": 2}, "by": "name", "request_id": "b"},
        callback=True,
    )
    assert bad["ok"] is False and "as printed on paper" in bad["error"]
