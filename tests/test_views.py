"""HTTP pages and JSON API: answers, sentences, headers and escaping."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from workshop.domain.model import Stage
from workshop.usecases import UseCases
from workshop.usecases.events import PROTOCOL_VERSION


def test_healthz(client: FlaskClient) -> None:
    assert client.get("/healthz").get_json() == {"ok": True, "protocol": PROTOCOL_VERSION}


def test_creating_a_workshop_returns_every_link_and_a_token(client: FlaskClient) -> None:
    answer = client.post("/api/workshops", json={"title": "Review", "dots": 4})
    body = answer.get_json()
    assert answer.status_code == 201
    code = body["code"]
    assert body["join_url"] == f"http://testserver/w/{code}"
    assert body["screen_url"] == f"http://testserver/w/{code}/screen"
    assert (
        body["facilitator_url"]
        == f"http://testserver/w/{code}/facilitate#token={body['facilitator_token']}"
    )
    assert len(body["facilitator_token"]) >= 40
    snapshot = client.get(f"/api/workshops/{code}").get_json()
    assert (snapshot["title"], snapshot["dots"], snapshot["max_per_proposal"]) == ("Review", 4, 3)
    assert body["facilitator_token"] not in str(snapshot)


BAD_CREATIONS = [
    (None, "The request was not understood: send a JSON object."),
    ([], "The request was not understood: send a JSON object."),
    ({}, "The title must be text."),
    ({"title": " "}, "The title is empty: write something first."),
    ({"title": "x" * 121}, "The title is too long: keep it under 120 characters (it has 121)."),
    ({"title": "T", "dots": "5"}, "The number of dots per attendee must be a whole number."),
    ({"title": "T", "dots": 0}, "The number of dots per attendee must be between 1 and 20."),
    (
        {"title": "T", "dots": 3, "max_per_proposal": 4},
        "The most dots on one idea cannot be more than the dots per attendee.",
    ),
    ({"title": "T", "groups": "staff"}, "Groups must be a list of names."),
    (
        {"title": "T", "groups": ["Staff", "staff"]},
        "Each stakeholder group must have a different name.",
    ),
    ({"title": "T", "groups": [str(i) for i in range(9)]}, "Use at most 8 stakeholder groups."),
]


@pytest.mark.parametrize(("body", "sentence"), BAD_CREATIONS)
def test_bad_creations_are_refused_with_a_sentence(
    client: FlaskClient, service: UseCases, body: Any, sentence: str
) -> None:
    answer = client.post("/api/workshops", json=body)
    assert answer.status_code == 400
    assert answer.get_json() == {"ok": False, "error": sentence, "reason": "invalid"}
    with service.core.store.transaction() as tx:
        assert (
            not tx.workshops.code_exists("ANY")
            and tx.conn.exec_driver_sql("SELECT COUNT(*) FROM workshops").scalar() == 0
        )


def test_a_huge_body_is_refused_in_words(client: FlaskClient) -> None:
    answer = client.post("/api/workshops", data="x" * 300_000, content_type="application/json")
    assert answer.status_code == 413
    assert answer.get_json()["error"] == "That request is too large: send less than 256 KB."


def test_unknown_workshops_answer_404_with_a_sentence(client: FlaskClient) -> None:
    sentence = "There is no workshop with that code: check the code on the screen and try again."
    for path in ("/api/workshops/ZZZZZZ", "/api/workshops/not-a-code", "/w/ZZZZZZ/qr.svg"):
        answer = client.get(path)
        assert (answer.status_code, answer.get_json()["error"]) == (404, sentence), path
    page = client.get("/w/ZZZZZZ")
    assert page.status_code == 404 and sentence in page.get_data(as_text=True)


def test_join_by_code_redirects_or_explains(client: FlaskClient, workshop: dict[str, Any]) -> None:
    found = client.get(f"/join?code={workshop['code'].lower()}")
    assert found.status_code == 303 and found.headers["Location"].endswith(f"/w/{workshop['code']}")
    missing = client.get("/join?code=ZZZZZZ")
    assert missing.status_code == 200
    assert "There is no workshop with that code" in missing.get_data(as_text=True)
    spoofed = client.get("/?error=Send+your+bank+details+to+the+facilitator.")
    assert "bank details" not in spoofed.get_data(as_text=True)  # no text from a URL


def test_qr_code_is_an_svg(client: FlaskClient, workshop: dict[str, Any]) -> None:
    answer = client.get(f"/w/{workshop['code']}/qr.svg")
    assert answer.status_code == 200 and answer.mimetype == "image/svg+xml"
    assert answer.get_data(as_text=True).lstrip().startswith(
        "<?xml"
    ) and "<path" in answer.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/w/{code}", "/w/{code}/screen", "/w/{code}/facilitate"])
def test_every_page_forbids_inline_script(
    client: FlaskClient, workshop: dict[str, Any], path: str
) -> None:
    answer = client.get(path.format(code=workshop["code"]))
    assert answer.status_code == 200
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert answer.headers["X-Frame-Options"] == "DENY"
    html = answer.get_data(as_text=True)
    assert "<script>" not in html and " onclick=" not in html


def test_a_hostile_title_is_escaped_in_pages(client: FlaskClient) -> None:
    hostile = "<img src=x onerror=alert(1)>"
    code = client.post("/api/workshops", json={"title": hostile}).get_json()["code"]
    for path in (f"/w/{code}", f"/w/{code}/screen", f"/w/{code}/facilitate"):
        html = client.get(path).get_data(as_text=True)
        assert hostile not in html and "&lt;img src=x onerror=alert(1)&gt;" in html, path


def test_the_plan_needs_the_facilitator_token(
    client: FlaskClient, workshop: dict[str, Any], service: UseCases
) -> None:
    code = workshop["code"]
    other = client.post("/api/workshops", json={"title": "Other"}).get_json()
    for headers in (
        {},
        {"Authorization": "Bearer nope"},
        {"Authorization": f"Bearer {other['facilitator_token']}"},
        {"Authorization": workshop["facilitator_token"]},
    ):
        answer = client.get(f"/api/workshops/{code}/plan.md", headers=headers)
        assert answer.status_code == 401 and answer.get_json()["reason"] == "forbidden"
    service.facilitation.change_stage(code, Stage.PROPOSE)
    service.facilitation.add_proposal(code, "A stronger community focus", "r1")
    hidden = service.facilitation.add_proposal(code, "Personal details of someone", "r2").ack[
        "proposal_id"
    ]
    service.facilitation.hide_proposal(code, hidden, True)
    answer = client.get(
        f"/api/workshops/{code}/plan.md",
        headers={"Authorization": f"Bearer {workshop['facilitator_token']}"},
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200 and answer.mimetype == "text/markdown"
    assert "# Partnership review" in text and "A stronger community focus" in text
    assert "Personal details" not in text


def test_pages_and_scripts_are_gzipped_for_clients_that_accept_it(
    client: FlaskClient, workshop: dict[str, Any]
) -> None:
    import gzip

    with client.get("/static/vendor/socket.io.min.js") as plain:
        plain_body = plain.get_data()
        assert "Content-Encoding" not in plain.headers
    with client.get(
        "/static/vendor/socket.io.min.js", headers={"Accept-Encoding": "gzip, br"}
    ) as zipped:
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.get_data()) == plain_body
        assert len(zipped.get_data()) < len(plain_body) / 2
    page = client.get(f"/w/{workshop['code']}", headers={"Accept-Encoding": "gzip"})
    assert page.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in page.headers["Vary"]
