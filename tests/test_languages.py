"""Languages (issue #16): complete catalogues, refusals in the asker's language, the
workshop's language on the wall and the published plan, and Easy Read for the phone."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import last
from tests.test_realtime import ack
from workshop.domain.errors import InvalidInput, Phrase, fill
from workshop.usecases.language import Languages, from_accept_language

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import catalogues

Connect = Callable[..., Any]
WELSH_UNKNOWN = (
    "Does dim gweithdy gyda'r cod hwnnw: gwiriwch y cod ar y sgrin a rhowch gynnig arall arni."
)


def test_every_sentence_is_in_the_welsh_and_polish_catalogues() -> None:
    """Extract every translatable sentence (Python, templates, JS) and find each translated."""
    extracted = catalogues.extract()
    # the extraction itself reaches all three kinds of source
    where = {path.split("/")[0] for m in extracted if m.id for path, _ in m.locations}
    assert where == {"workshop", "templates", "static"}
    assert catalogues.missing() == []


def test_every_translation_keeps_its_placeholders() -> None:
    """A translation that drops or invents a {name} would show a brace or lose a number."""
    assert catalogues.wrong_placeholders() == []


def test_every_phone_sentence_has_an_easy_read_form() -> None:
    """Easy Read covers the phone page's sentences: its template, its frame and its scripts."""
    phone = catalogues.phone_template(catalogues.extract())
    easy = catalogues.read(catalogues.FOLDER / "en" / "LC_MESSAGES" / "easyread.po", "en")
    ids = [m.id for m in phone if m.id]
    assert len(ids) > 200  # the phone's sentences are really there
    assert [i for i in ids if not catalogues.translated(easy.get(i))] == []
    # and Easy Read is plainer, not a copy: most sentences read differently
    changed = [i for i in ids if easy.get(i).string != i]
    assert len(changed) > len(ids) / 2


def test_a_refusal_is_a_template_filled_in_the_language_asked() -> None:
    """The domain keeps English with named parameters; the edge translates, then fills."""
    refusal = InvalidInput("You only have {left} dots left.", left=2)
    assert refusal.message == "You only have 2 dots left."
    welsh = {"You only have {left} dots left.": "Dim ond {left} dot sydd gennych ar ôl."}
    assert refusal.as_dict(lambda text: welsh.get(text, text)) == {
        "ok": False,
        "error": "Dim ond 2 dot sydd gennych ar ôl.",
        "reason": "invalid",
    }
    # a counted phrase inside a sentence is translated with it
    nested = {"{count} dots": "kropki: {count}", "A {value} B": "A {value} B"}
    assert fill("A {value} B", {"value": Phrase("{count} dots", count=3)}, nested.get) == (
        "A kropki: 3 B"
    )


def test_accept_language_picks_the_best_offered_language() -> None:
    assert from_accept_language("pl-PL,pl;q=0.9,en;q=0.5") == "pl"
    assert from_accept_language("fr, cy;q=0.8, en;q=0.7") == "cy"
    assert from_accept_language("de, fr") == "en"
    assert from_accept_language(None) == "en"


def test_a_socket_refusal_comes_in_the_connections_language(connect: Connect) -> None:
    welsh = connect(auth={"lang": "cy"})
    english = connect()
    refused = ack(welsh, "join_workshop", {"code": "ZZZZZZ"})
    assert refused == {"ok": False, "error": WELSH_UNKNOWN, "reason": "not_found"}
    plain = ack(english, "join_workshop", {"code": "ZZZZZZ"})
    assert plain["reason"] == "not_found"
    assert plain["error"].startswith("There is no workshop with that code")


def test_a_socket_refusal_follows_the_handshakes_accept_language(app: Flask) -> None:
    socketio = app.extensions["workshop.socketio"]
    polish = socketio.test_client(app, headers={"Accept-Language": "pl"})
    try:
        refused = ack(polish, "cast_vote", {"proposal_id": 1, "request_id": "r1"})
        assert refused["reason"] == "forbidden"
        assert refused["error"].startswith("Najpierw dołącz do warsztatu")
    finally:
        polish.disconnect()


def test_an_http_refusal_and_a_page_come_in_the_requests_language(client: FlaskClient) -> None:
    answer = client.get("/api/workshops/ZZZZZZ", headers={"Accept-Language": "cy"})
    assert answer.status_code == 404
    assert answer.get_json() == {"ok": False, "error": WELSH_UNKNOWN, "reason": "not_found"}
    page = client.get("/?lang=pl").get_data(as_text=True)
    assert '<html lang="pl">' in page
    assert "Dołącz do warsztatu" in page
    # the menu's choice is remembered on this phone, over the browser's wish
    again = client.get("/", headers={"Accept-Language": "cy"}).get_data(as_text=True)
    assert '<html lang="pl">' in again


def test_the_workshop_language_is_set_at_creation_and_changeable(
    client: FlaskClient, connect: Connect
) -> None:
    made = client.post("/api/workshops", json={"title": "Adolygiad", "language": "cy"})
    assert made.status_code == 201
    code, token = made.get_json()["code"], made.get_json()["facilitator_token"]
    assert client.get(f"/api/workshops/{code}").get_json()["language"] == "cy"
    wall = client.get(f"/w/{code}/screen", headers={"Accept-Language": "pl"})
    assert "Cod ymuno" in wall.get_data(as_text=True)  # the workshop's language, not the laptop's
    refused = client.post("/api/workshops", json={"title": "T", "language": "fr"})
    assert refused.get_json()["reason"] == "invalid"

    console = connect(auth={"code": code, "token": token})
    assert ack(console, "set_languages", {"language": "en", "wall_language2": "cy"})["ok"]
    assert ack(console, "set_languages", {"language": "xx"})["reason"] == "invalid"
    snapshot = client.get(f"/api/workshops/{code}").get_json()
    assert (snapshot["language"], snapshot["wall_language2"]) == ("en", "cy")
    bilingual = client.get(f"/w/{code}/screen").get_data(as_text=True)
    assert "Join code / Cod ymuno" in bilingual
    assert '"lang2":"cy"' in bilingual  # the wall's scripts get both catalogues


def test_a_phone_page_embeds_only_its_own_scripts_sentences(
    client: FlaskClient, workshop: dict[str, Any]
) -> None:
    page = client.get(f"/w/{workshop['code']}", headers={"Accept-Language": "pl"})
    text = page.get_data(as_text=True)
    assert "Twoje pomysły" in text  # the template
    assert "Wyślij mój głos" in text  # a script loaded later (phone-ballots.js) comes too
    assert "Konsola" not in text and "Open the projector screen" not in text


def test_easy_read_sentences_are_served_for_the_switch(client: FlaskClient) -> None:
    words = client.get("/i18n/easyread.json").get_json()
    assert words["Tell the facilitator privately"] == (
        "Tell the person running the meeting in private"
    )
    assert words["{n} idea so far."] == ["{n} idea so far.", "{n} ideas so far."]


def test_english_stays_the_default_everywhere(client: FlaskClient, connect: Connect) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "Join a workshop" in page
    phone = connect()
    refused = ack(phone, "submit_proposal", {"text": "x", "request_id": "r1"})
    assert refused["error"].startswith("Join the workshop first")


def test_the_catalogues_load_with_every_language(app: Flask) -> None:
    languages: Languages = app.extensions["workshop.languages"]
    assert set(languages.catalogues) == {"cy", "pl"}
    assert languages.translate("cy")("Voting") == "Pleidleisio"
    assert languages.translate("pl")("Voting") == "Głosowanie"
    assert languages.translate("en", easy=True)("Voting") == "Choosing"
    assert languages.translate("cy", easy=True)("Voting") == "Pleidleisio"


@pytest.mark.parametrize("language", ["cy", "pl"])
def test_a_phones_state_is_unchanged_by_its_language(
    connect: Connect, workshop: dict[str, Any], language: str
) -> None:
    """Proposals stay as typed; only the interface's words change."""
    phone = connect(auth={"lang": language})
    joined = ack(phone, "join_workshop", {"code": workshop["code"], "device_id": "d" * 22})
    assert joined["ok"]
    assert joined["state"]["title"] == "Partnership review"
    phone.get_received()
    facilitator = connect(auth={"code": workshop["code"], "token": workshop["facilitator_token"]})
    assert ack(facilitator, "change_stage", {"stage": "propose"})["ok"]
    sent = ack(phone, "submit_proposal", {"text": "More evening groups", "request_id": "p1"})
    assert sent["ok"]
    app_state = last(phone.get_received(), "state_changed")
    assert app_state["stage"] == "propose"


def test_a_welsh_workshop_exports_its_plan_in_welsh(client: FlaskClient, connect: Connect) -> None:
    """Markdown, CSV and the SVG chart take the workshop's language; people's words stay."""
    made = client.post(
        "/api/workshops",
        json={"title": "Adolygiad Maidstone", "language": "cy", "groups": ["Staff"]},
    ).get_json()
    console = connect(auth={"code": made["code"], "token": made["facilitator_token"]})
    ack(console, "facilitate_workshop", {"code": made["code"], "token": made["facilitator_token"]})
    assert ack(console, "change_stage", {"stage": "propose"})["ok"]
    idea = ack(console, "add_proposal", {"text": "More evening groups", "request_id": "p1"})
    assert ack(console, "set_priorities", {"proposal_ids": [idea["proposal_id"]]})["ok"]
    action = {
        "priority_id": idea["proposal_id"],
        "text": "Ask the hub",
        "owner": "Jo",
        "due_on": "2026-05-01",
        "request_id": "a1",
    }
    assert ack(console, "add_action", action)["ok"]
    bearer = {"Authorization": f"Bearer {made['facilitator_token']}"}
    # the laptop asks in Polish: the plan still speaks the workshop's Welsh
    asked = {**bearer, "Accept-Language": "pl"}
    text = client.get(f"/api/workshops/{made['code']}/plan.md", headers=asked).get_data(
        as_text=True
    )
    for welsh in (
        "## Blaenoriaethau",
        "## Camau gweithredu",
        "## Pob syniad",
        "| Safle |",
        "| Cam gweithredu | Yn gyfrifol | Erbyn | Partneriaid | Statws |",
        "## Rowndiau pleidleisio",
        "Sut cafodd hyn ei gyfrif:",
        "Wedi'i gynnig",
    ):
        assert welsh in text, welsh
    for english in (
        "## Priorities",
        "## Actions",
        "All ideas",
        "| Owner |",
        "Proposed",
        "How this was counted",
        "took part",
    ):
        assert english not in text, english
    assert "More evening groups" in text and "Ask the hub" in text  # as typed
    sheet = client.get(f"/api/workshops/{made['code']}/plan.csv", headers=bearer)
    assert sheet.get_data(as_text=True).splitlines()[0].startswith("gweithdy,lle,dyddiad,")
    saved = client.get(f"/api/workshops/{made['code']}/plan.json", headers=bearer).get_json()
    assert saved["workshop"]["language"] == "cy"  # keys stay; the language travels with it
    # re-imported, it is a Welsh workshop again
    again = client.post("/api/workshops/import", json=saved).get_json()
    assert client.get(f"/api/workshops/{again['code']}").get_json()["language"] == "cy"


def test_an_english_workshops_exports_are_unchanged(client: FlaskClient, workshop: dict) -> None:
    bearer = {"Authorization": f"Bearer {workshop['facilitator_token']}", "Accept-Language": "cy"}
    text = client.get(f"/api/workshops/{workshop['code']}/plan.md", headers=bearer).get_data(
        as_text=True
    )
    assert "## Priorities" in text and "No priorities have been chosen yet." in text


def test_a_phone_with_easy_read_on_gets_easy_read_refusals(connect: Connect) -> None:
    easy = connect(auth={"easy": True})
    refused = ack(easy, "join_workshop", {"code": "ZZZZZZ"})
    assert refused == {
        "ok": False,
        "error": "We cannot find a meeting with that code. Look at the code on the big screen. "
        "Then try again.",
        "reason": "not_found",
    }
    # Easy Read is English: a Welsh phone with the switch on still reads Welsh
    welsh = connect(auth={"easy": True, "lang": "cy"})
    assert ack(welsh, "join_workshop", {"code": "ZZZZZZ"})["error"] == WELSH_UNKNOWN
