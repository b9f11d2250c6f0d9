"""Ready for a real room, in real browsers: Next and Back across rounds, presenting mode,
first paint, compact dot rows at 320 px and the published plan on a phone.
Screenshots go to test-artifacts/screenshots/test_ready_room/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.helpers import (
    GROUPS,
    PHONE,
    attendee,
    create_workshop,
    facilitator,
    overflow,
    published,
)
from tests.servers import Server

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}
IDEAS = [
    "A late bus home from the youth club on Friday and Saturday nights",
    "Revise the youth club opening hours",
    "Better mental health support in schools",
    "A safe place to go after school in every village",
    "Cheaper sports sessions",
    "Youth workers who stay long enough to be trusted",
    "Apprenticeships with local employers",
    "A youth council the district council must answer",
    "Free period products in every youth centre",
    "Help with the cost of driving lessons for care leavers",
    "Skate park repairs",
    "Music studio time for young people",
]


def voting_room(server: Server, phones: int = 3) -> dict[str, Any]:
    """A workshop voting by dots on the 12 ideas, with `phones` attendees who each vote."""
    made = create_workshop(server, "Youth services review", groups=GROUPS)
    fac = facilitator(server, made)
    people = [
        attendee(server, made["code"], f"ready-room-phone-{n:04d}", group="g1")
        for n in range(phones)
    ]
    fac.call("change_stage", {"stage": "propose"})
    ids = [
        fac.call("add_proposal", {"text": t, "request_id": f"i{n}"})["proposal_id"]
        for n, t in enumerate(IDEAS)
    ]
    fac.call("change_stage", {"stage": "vote"})
    for n, person in enumerate(people):
        for k in range(3):
            person.call("cast_vote", {"proposal_id": ids[k], "request_id": f"v{n}{k}"})
    return {"made": made, "fac": fac, "people": people, "ids": ids}


def close(room: dict[str, Any]) -> None:
    room["fac"].close()
    for person in room["people"]:
        person.close()


def test_next_and_back_follow_the_round_after_a_new_round_starts(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    room = voting_room(shared_server)
    made, fac = room["made"], room["fac"]
    try:
        fac.call("change_stage", {"stage": "results"})
        console = pages.open("facilitator", made["facilitator_url"], viewport=LAPTOP)
        expect(console.locator("#stage-now")).to_have_text("Results")
        expect(console.locator("#next")).to_have_text("Next: Action planning")
        # Round 2 starts from round 1's results: the workshop is voting in round 2.
        fac.call(
            "start_round",
            {"method": "ranking", "top_k": 2, "from_round": 1, "top": 3, "request_id": "r2"},
        )
        expect(console.locator("#stage-now")).to_have_text("Voting")
        expect(console.locator("#next")).to_have_text("Next: Results of round 2")
        expect(console.locator("#back")).to_have_text("Back: Results of round 1")
        phone = pages.open("phone", **PHONE)
        phone.context.add_init_script(
            f"localStorage.setItem('workshop.device.{made['code']}', 'ready-room-phone-0000');"
            f"localStorage.setItem('workshop.joined.{made['code']}', '1');"
        )
        phone.goto(made["join_url"])
        expect(phone.locator("#stage-h")).to_have_text("Round 2: ranking")
        pages.shot(console, "console-round-2-voting", full_page=False)

        console.locator("#back").click()
        expect(console.locator("#stage-now")).to_have_text("Results")
        expect(console.locator("#r-now")).to_contain_text("Round 1: Dot voting")
        expect(console.locator("#next")).to_have_text("Next: Voting in round 2")
        expect(console.locator("#back")).to_have_text("Back: Voting in round 1")
        expect(phone.locator("#stage-h")).to_have_text("Results")

        console.locator("#next").click()
        expect(console.locator("#r-now")).to_contain_text("Round 2: Ranking")
        expect(console.locator("#next")).to_have_text("Next: Results of round 2")
        console.locator("#next").click()
        expect(console.locator("#stage-now")).to_have_text("Results")
        expect(console.locator("#r-now")).to_contain_text("Round 2: Ranking")
        expect(console.locator("#next")).to_have_text("Next: Action planning")
    finally:
        close(room)
    pages.assert_clean()


# A score, not a count of dots placed or a round's rule ("5 dots each").
SCORE = re.compile(r"\b\d+ (dots?|points?|votes?)\b(?! (placed|each))")


def visible_scores(page: Any) -> list[str]:
    """Return every score written on the console as a person sees it."""
    return [m.group(0) for m in SCORE.finditer(page.evaluate("document.body.innerText"))]


def test_presenting_mode_hides_every_score_while_the_wall_hides_them(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    room = voting_room(shared_server)
    made, fac = room["made"], room["fac"]
    try:
        fac.call("set_display", {"wall_mode": "participation"})
        wall = pages.open("projector", made["screen_url"], viewport={"width": 1280, "height": 720})
        expect(wall.locator("#s-part .s-voted")).to_have_text("3 of 3 have voted")
        expect(wall.locator("#s-list > li")).to_have_count(0)  # the wall hides the results

        console = pages.open("facilitator", made["facilitator_url"], viewport=LAPTOP)
        expect(console.locator("#props .fp-head .pts").first).to_have_text("3 dots")
        assert "3 dots" in visible_scores(console)  # in the round's own word, not "points"
        expect(console.locator("#present-warn")).to_be_hidden()  # a laptop-sized window
        console.get_by_role("button", name="Presenting mode").click()
        expect(console.locator("#present-note")).to_be_visible()
        assert visible_scores(console) == []
        expect(console.locator("#r-results")).to_be_hidden()
        pages.shot(console, "console-presenting-wall-hides", full_page=False)

        fac.call("reveal_results", {"revealed": True})  # the wall shows them: so may the console
        expect(wall.locator("#s-list > li").first).to_be_visible()
        expect(console.locator("#present-note")).to_be_hidden()
        expect(console.locator("#props .fp-head .pts").first).to_have_text("3 dots")

        # A console window the size of a projector warns, and offers presenting mode.
        big = pages.open(
            "facilitator-big", made["facilitator_url"], viewport={"width": 1920, "height": 1080}
        )
        big.evaluate("localStorage.removeItem('workshop.console.presenting')")
        big.reload()
        expect(big.locator("#present-warn")).to_be_visible()
        pages.shot(big, "console-large-window-warning", full_page=False)
        big.get_by_role("button", name="Turn on presenting mode").click()
        expect(big.locator("#present-warn")).to_be_hidden()
        expect(big.locator("#t-present")).to_have_attribute("aria-pressed", "true")
    finally:
        close(room)
    pages.assert_clean()


def test_console_and_wall_say_they_are_connecting_before_the_socket_answers(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server, "Connecting test")
    for label, url in (("projector", made["screen_url"]), ("facilitator", made["facilitator_url"])):
        page = pages.open(label)
        # No answer from the server: polling is refused and a WebSocket never opens.
        page.route(re.compile(r".*/socket\.io/.*"), lambda route: route.abort())
        page.add_init_script("window.WebSocket = function () { this.close = function () {}; };")
        page.goto(url)
        expect(page.locator("#banner")).to_have_text("Connecting…")
        assert "Nobody has joined yet" not in page.evaluate("document.body.innerText")
    wall, console = pages.contexts[0].pages[0], pages.contexts[1].pages[0]
    expect(wall.locator("#s-stage")).to_have_text("Connecting…")
    expect(wall.locator("#s-joined")).to_have_text("Connecting…")
    expect(console.locator("#joined")).to_have_text("Connecting…")
    pages.assert_clean(ignore=("socket.io", "net::ERR_FAILED"))


def test_dot_voting_at_320_px_is_one_compact_row_per_idea(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    room = voting_room(shared_server, phones=1)
    made = room["made"]
    try:
        phone = pages.open("phone-320", **NARROW)
        phone.context.add_init_script(
            f"localStorage.setItem('workshop.device.{made['code']}', 'ready-room-phone-0000');"
            f"localStorage.setItem('workshop.joined.{made['code']}', '1');"
        )
        phone.goto(made["join_url"])
        cards = phone.locator("#list > li")
        expect(cards).to_have_count(12)
        expect(cards.first.locator(".mine")).to_have_text("Your dots: 1")
        boxes = [cards.nth(i).bounding_box() for i in range(12)]
        assert max(b["height"] for b in boxes) <= 130, [b["height"] for b in boxes]
        # All twelve in about two screens (they took five with two full-width buttons each).
        assert boxes[-1]["y"] + boxes[-1]["height"] - boxes[0]["y"] <= 2.2 * 640
        plus = cards.nth(4).get_by_role("button", name=f"Add a dot to: {IDEAS[4]}")
        assert plus.bounding_box()["y"] < boxes[4]["y"] + 60  # beside the text, not under it
        plus.click()
        expect(cards.nth(4).locator(".mine")).to_have_text("Your dots: 1")
        found = overflow(phone)
        assert found["scrollWidth"] <= found["innerWidth"], found
        pages.shot(phone, "phone-320-dot-rows")
    finally:
        close(room)
    pages.assert_clean()


def test_the_published_plan_reads_on_a_320_px_phone(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = published(shared_server, "Peer mentors who have been through recovery")
    fac = facilitator(shared_server, made)
    fac.call("change_stage", {"stage": "closed"})
    fac.close()
    for label, path in (("plan", f"/w/{made['code']}/plan"), ("series", f"/s/{made['code']}")):
        page = pages.open(label, **NARROW)
        page.goto(shared_server.url + path)
        expect(page.locator("table.cards").first).to_be_attached()
        found = overflow(page)
        assert found["widest"] == [] and found["scrollWidth"] <= 320, (label, found)
        text = page.evaluate("document.body.innerText")
        expect(page.locator("h1")).to_have_count(1)
        assert "Meetings:" not in text  # the series page lists its meetings once
        if label == "plan":  # the title once, the place and date once (they were 3 and 2)
            assert text.count("Partnership review") == 1, text[:400]
            assert text.count("Gravesend, Wednesday 15 April 2026") == 1, text[:400]
        cell = page.locator("td[data-label='Due']").first
        expect(cell).to_be_visible()
        assert cell.bounding_box()["x"] + cell.bounding_box()["width"] <= 320
        pages.shot(page, f"{label}-320")
    pages.assert_clean()
