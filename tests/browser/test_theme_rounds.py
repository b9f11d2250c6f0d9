"""A round on the themes themselves, in real browsers: the console starts it, a phone's
ballot lists the theme headings, and the wall's results name the themes."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import PHONE, attendee, create_workshop, facilitator
from tests.servers import Server

pytestmark = pytest.mark.browser

TEXTS = ["Outreach in the villages", "A drop-in in Swanley", "A monthly newsletter"]
HEADINGS = ["Reaching people", "Talking to people"]


def test_a_vote_on_themes_lists_the_themes_on_the_phone_and_the_wall(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server)
    code = made["code"]
    fac_io = facilitator(shared_server, made)
    other = attendee(shared_server, code, "theme-round-other-0001")
    try:
        fac_io.call("change_stage", {"stage": "propose"})
        ids = [
            other.call("submit_proposal", {"text": t, "request_id": f"p{n}"})["proposal_id"]
            for n, t in enumerate(TEXTS)
        ]
        fac_io.call("change_stage", {"stage": "group"})
        themes = [
            fac_io.call(
                "create_theme", {"heading": h, "proposal_ids": chosen, "request_id": f"t{n}"}
            )["theme_id"]
            for n, (h, chosen) in enumerate(zip(HEADINGS, [ids[:2], ids[2:]], strict=True))
        ]
        fac = pages.open(
            "facilitator", made["facilitator_url"], viewport={"width": 1366, "height": 900}
        )
        wall = pages.open("projector", made["screen_url"], viewport={"width": 1280, "height": 720})
        phone = pages.open("phone", **PHONE)
        phone.goto(made["join_url"])
        phone.get_by_role("button", name="Join").click()

        fac.locator("#th-vote-theme").select_option(
            label="The themes themselves (each theme is one choice)"
        )
        fac.locator("#th-vote-method").select_option("approval")
        fac.locator("form.th-vote").get_by_role("button", name="Start the round").click()
        expect(fac.locator("#r-now")).to_contain_text("2 themes on the ballot (a vote on themes)")

        # The phone's ballot lists the headings, not the ideas.
        expect(phone.locator("#lead")).to_contain_text("This vote is on themes")
        expect(phone.locator("#ballot")).to_contain_text("Choose every theme you support")
        expect(phone.get_by_label("Support: " + HEADINGS[1])).to_have_count(1)
        expect(phone.get_by_label("Support: " + TEXTS[0])).to_have_count(0)
        phone.get_by_label("Support: " + HEADINGS[1]).click()
        phone.get_by_role("button", name="Send my vote").click()
        other.call("cast_ballot", {"choices": [themes[1], themes[0]], "request_id": "b1"})
        pages.shot(phone, "phone-ballot-on-themes")

        fac_io.call("change_stage", {"stage": "results"})
        fac_io.call("reveal_results", {"revealed": True})
        expect(wall.locator("#s-list .ptext").first).to_have_text(HEADINGS[1])
        expect(wall.locator("#s-list")).not_to_contain_text(TEXTS[0])
        # No "by theme" sums of ideas beside a vote whose results are the themes.
        expect(wall.locator("#w-sums")).to_be_hidden()
        expect(fac.locator("#r-results .r-col").first.locator(".r-t").first).to_have_text(
            HEADINGS[1]
        )
        # Priorities are ideas: the console will not mark themes' ids as priorities.
        fac.locator("#top-n").fill("1")
        fac.locator("#mark-top").click()
        expect(fac.locator("#msg-text")).to_contain_text("This round was a vote on themes")
        assert (
            fac_io.call("facilitate_workshop", {"code": code, "token": made["facilitator_token"]})[
                "state"
            ]["proposals"][0]["priority_rank"]
            is None
        )
        pages.shot(wall, "wall-results-on-themes", full_page=False)
        pages.shot(fac, "console-results-on-themes")
    finally:
        fac_io.close()
        other.close()
