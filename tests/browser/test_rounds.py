"""Vote rounds in real browsers: a dot round, a ranking run on its top three, paper and
assisted votes, the wall's participation and three results views; approval and points
ballots on a phone. axe-core runs on every new screen; screenshots go to
test-artifacts/screenshots/test_rounds/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.helpers import (
    FOCUS_STYLE,
    GROUPS,
    PHONE,
    attendee,
    create_workshop,
    describe,
    facilitator,
    overflow,
    run_axe,
)
from tests.servers import Server

pytestmark = pytest.mark.browser

WALL = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 900}
NARROW = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}
A = "A stronger community focus, beyond the three hub towns"
B = "Review how the partners work together"
C = "Better communication inside the service and out"
D = "More ways for service users to shape the programme"
E = "More training and support for service users"
DONE = "Your vote is in — you can change it until voting closes."


def exactly(text: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(text) + "$")


def wall_row(wall: Any, text: str) -> Any:
    return wall.locator("#s-list > li").filter(has=wall.locator(".ptext", has_text=exactly(text)))


def group_row(wall: Any, label: str) -> Any:
    return wall.locator("#s-part .s-grp").filter(
        has=wall.locator(".g-name", has_text=exactly(label))
    )


def open_phone(pages: Any, made: dict, device: str, label: str, **options: Any) -> Any:
    """Open the phone page as the attendee who already joined on `device`."""
    page = pages.open(label, **{**PHONE, **options})
    page.context.add_init_script(
        f"localStorage.setItem('workshop.device.{made['code']}', '{device}');"
        f"localStorage.setItem('workshop.joined.{made['code']}', '1');"
    )
    page.goto(made["join_url"])
    return page


def tab_to(page: Any, label: str, back: bool = False, limit: int = 40) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the button named `label` has a visible focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused:
            seen.append(focused["text"])
            if focused["text"] == label:
                assert focused["visible"], f"focus not visible on {label}: {focused}"
                return focused
    raise AssertionError(f"Tab never reached {label!r}; focus went to {seen}")


def assert_fits(page: Any, where: str) -> None:
    found = overflow(page)
    assert found["scrollWidth"] <= found["innerWidth"], f"{where} scrolls sideways: {found}"


def test_a_ranking_round_on_the_top_of_a_dot_round_with_paper_and_assisted_votes(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server, groups=GROUPS)
    code, found = made["code"], {}
    fac_io = facilitator(shared_server, made)
    other = attendee(shared_server, code, "rounds-other-device-01", group="g3")
    for device, group in (("rounds-phone-360-dev-01", "g1"), ("rounds-phone-320-dev-01", "g2")):
        attendee(shared_server, code, device, group=group).close()
    fac_io.call("change_stage", {"stage": "propose"})
    ids = {
        t: fac_io.call("add_proposal", {"text": t, "request_id": f"p{n}"})["proposal_id"]
        for n, t in enumerate((A, B, C, D, E))
    }
    fac_io.call("change_stage", {"stage": "vote"})
    try:
        fac = pages.open("facilitator", made["facilitator_url"], viewport=LAPTOP)
        wall = pages.open("projector", made["screen_url"], viewport=WALL)
        wide = open_phone(pages, made, "rounds-phone-360-dev-01", "phone-360")
        narrow = open_phone(pages, made, "rounds-phone-320-dev-01", "phone-320", **NARROW)
        expect(fac.locator("#r-now")).to_contain_text("Round 1: Dot voting")

        # -- round 1, dots: the phone sends round_id with each dot; paper counts in too --
        for _ in range(2):
            wide.get_by_role("button", name=f"Add a dot to: {C}").click()
        expect(wide.locator("#dots-text")).to_have_text("You have 3 of 5 dots left")
        found["phone, dot ballot"] = run_axe(wide)
        for n, (pid, dots) in enumerate(((ids[A], 3), (ids[B], 1))):
            for k in range(dots):
                other.call("cast_vote", {"proposal_id": pid, "request_id": f"o{n}{k}"})
        narrow_io = attendee(shared_server, code, "rounds-phone-320-dev-01")
        for k in range(2):
            narrow_io.call(
                "cast_vote", {"proposal_id": ids[E], "round_id": 1, "request_id": f"n{k}"}
            )
        narrow_io.close()
        expect(wall.locator("#s-part .s-voted")).to_have_text("3 of 3 have voted")

        fac.locator("#pp summary").click()
        fac.get_by_label("What you are counting").select_option(label="A paper wall chart")
        fac.get_by_label("Their group").select_option(label=GROUPS[2])
        fac.get_by_label("Number of people counted").fill("2")
        for text, n in ((A, "2"), (C, "2"), (E, "1")):
            fac.locator("#pp-counts").get_by_label(text, exact=True).fill(n)
        fac.get_by_role("button", name="Count these votes").click()
        entry = fac.locator("#pp-list > li")
        expect(entry).to_have_count(1)
        expect(entry.first).to_contain_text(f"Paper wall chart, {GROUPS[2]}, 2 people")
        expect(wall.locator("#s-part .s-voted")).to_have_text(
            "5 of 5 have voted (2 on paper or helped)"
        )
        expect(wall.locator("#s-list > li")).to_have_count(0)  # results hidden by default
        fac.get_by_role("button", name="Show the results on the wall and phones").click()
        # Only ideas with support on the wall; D (no dots) is counted in words.
        expect(wall.locator("#s-list .ptext")).to_have_text([A, C, E, B])
        expect(wall.locator("#s-list .pts")).to_have_text(["5", "4", "3", "1"])
        expect(wall.locator("#s-more")).to_have_text("1 idea with no votes is not shown.")
        # Two people on paper could be picked out: their support is not marked.
        expect(wall_row(wall, A).locator(".s-meta")).to_be_hidden()
        # a mistaken second count, taken back
        fac.get_by_label("What you are counting").select_option(label="A show of hands")
        fac.get_by_label("Number of people counted").fill("1")
        fac.locator("#pp-counts").get_by_label(B, exact=True).fill("1")
        fac.get_by_role("button", name="Count these votes").click()
        expect(entry).to_have_count(2)
        expect(wall_row(wall, B).locator(".pts")).to_have_text("2")
        # three people counted that way now: their support shows as one pool
        expect(wall_row(wall, A).locator(".s-meta")).to_have_text(
            "includes 2 counted on paper or with help"
        )
        fac.get_by_role("button", name=re.compile("^Take back: Show of hands")).click()
        expect(entry).to_have_count(1)
        expect(wall_row(wall, B).locator(".pts")).to_have_text("1")
        expect(wall_row(wall, A).locator(".s-meta")).to_be_hidden()
        pages.shot(wall, "wall-dots-with-paper", full_page=False)

        # -- round 2: a ranking of round 1's top three, the wall showing turnout only ----
        fac.locator("#nr summary").click()
        fac.get_by_label("Voting method").select_option("ranking")
        fac.get_by_label("How many each person ranks").fill("3")
        fac.get_by_label("The top of an earlier round").check()
        fac.get_by_label("Top", exact=True).fill("3")
        fac.get_by_label("of round").select_option("1")
        found["console, new round form"] = run_axe(fac)
        pages.shot(fac, "console-new-round-form")
        fac.get_by_role("button", name="Start the round").click()
        expect(fac.locator("#r-now")).to_contain_text("Round 2: Ranking · top 3 · 3 ideas")
        expect(wall.locator("#s-h")).to_have_text("Round 2: Ranking")
        expect(wall.locator("#s-part")).to_have_class(re.compile(r"\bbig\b"))
        expect(wall.locator("#s-part .s-voted")).to_have_text("0 of 3 have voted")
        expect(wall.locator("#s-list > li")).to_have_count(0)  # no results: no anchoring
        expect(wall.locator("#s-sub")).to_have_text("Results will be shown when voting closes.")
        found["wall, participation only"] = run_axe(wall)
        pages.shot(wall, "wall-ranking-participation-only", full_page=False)

        # The 360 px phone: tap in order, then move E up twice (E, A, C).
        for text in (A, C, E):
            wide.get_by_role("button", name=f"Add to my ranking: {text}").click()
        expect(wide.locator("#b-left")).to_have_text("You have ranked 3 of up to 3")
        for _ in range(2):
            wide.get_by_role("button", name=f"Move up: {E}").click()
        expect(wide.locator(".ranked .ptext")).to_have_text([E, A, C])
        expect(wide.get_by_role("button", name=f"Move up: {E}")).to_have_attribute(
            "aria-disabled", "true"
        )
        pages.shot(wide, "phone-360-ranking-before-send")
        found["phone, ranking ballot"] = run_axe(wide)
        wide.get_by_role("button", name="Send my ranking").click()
        expect(wide.locator("#b-status")).to_have_text(DONE)
        expect(wide.locator("#announce")).to_contain_text(DONE)

        # The 320 px phone, keyboard only: C, then A, then A moved above C.
        tab_to(narrow, f"Add to my ranking: {C}")
        narrow.keyboard.press("Enter")
        expect(narrow.locator(".ranked .ptext")).to_have_text([C])
        tab_to(narrow, f"Add to my ranking: {A}")
        narrow.keyboard.press("Enter")
        tab_to(narrow, f"Move up: {A}", back=True)
        narrow.keyboard.press("Enter")
        expect(narrow.locator(".ranked .ptext")).to_have_text([A, C])
        expect(narrow.get_by_role("button", name=f"Move up: {A}")).to_be_focused()
        expect(narrow.locator("#announce")).to_contain_text(f"{A} is now number 1 of 2.")
        tab_to(narrow, "Send my ranking")
        narrow.keyboard.press("Enter")
        expect(narrow.locator("#b-status")).to_have_text(DONE)
        assert_fits(narrow, "phone at 320 px, ranking")
        pages.shot(narrow, "phone-320-ranking-sent")

        other.call("cast_ballot", {"choices": [ids[A], ids[E], ids[C]], "request_id": "o-rank"})
        expect(wall.locator("#s-part .s-voted")).to_have_text("3 of 3 have voted")
        expect(group_row(wall, GROUPS[0]).locator(".g-n")).to_have_text("1 of 1")
        expect(group_row(wall, GROUPS[2]).locator(".g-n")).to_have_text("1 of 1")

        # An assisted ballot: places typed beside the proposals (C first, then A).
        expect(fac.get_by_label("What you are counting")).to_have_value("assisted")
        fac.get_by_label("Their group").select_option(label=GROUPS[2])
        fac.locator("#pp-counts").get_by_label(C, exact=True).fill("1")
        fac.locator("#pp-counts").get_by_label(A, exact=True).fill("2")
        fac.get_by_label("Note").fill("Helped at the door")
        fac.get_by_role("button", name="Count these votes").click()
        expect(entry).to_have_count(1)
        expect(entry.first).to_contain_text("Note: Helped at the door")
        # Even while the wall shows only who has voted, the person helped counts in "of M".
        expect(wall.locator("#s-part .s-voted")).to_have_text(
            "4 of 4 have voted (1 on paper or helped)"
        )
        expect(group_row(wall, GROUPS[2]).locator(".g-n")).to_have_text("2 of 2")
        expect(wall.locator("body")).not_to_contain_text("Helped at the door")

        # Console: three views side by side, the tie marked with a run-off beside it.
        cols = fac.locator("#r-results .r-col")
        expect(cols.nth(0).locator(".r-t")).to_have_text([A, C, E])
        expect(cols.nth(0).locator(".r-v")).to_have_text(["6 points", "3 points", "3 points"])
        expect(cols.nth(2).locator(".r-t")).to_have_text([A, E, C])
        expect(cols.nth(2).locator(".r-v")).to_have_text(["1.50", "0.83", "0.67"])
        expect(fac.locator("#r-results .r-cond")).to_have_text(
            f"Ranked first by most people when compared two at a time: {A}."
        )
        expect(fac.locator("#r-ties")).to_contain_text("Tied in round 2:")
        expect(fac.locator("#r-ties .r-tied > li")).to_have_text([C, E])  # one a line
        expect(
            fac.locator("#r-ties").get_by_role("button", name=re.compile("^Vote again between"))
        ).to_be_visible()
        fac.locator("#r-earlier summary").first.click()
        expect(fac.locator("#r-earlier details").first).to_contain_text("Round 1: Dot voting")
        found["console, rounds panel"] = run_axe(fac)
        pages.shot(fac, "console-rounds-panel")

        # The wall: results shown, then by group, then balanced.
        fac.get_by_role("button", name="Show the results on the wall and phones").click()
        expect(wall.locator("#s-extra")).to_have_text(
            f"Ranked first by most people when compared two at a time: {A}"
        )
        expect(wall.locator("#s-list .ptext")).to_have_text([A, C, E])
        expect(wall.locator("#s-list .rank")).to_have_text(["1", "=2", "=2"])
        # One person's ballot, filled in with them, is never pointed at.
        expect(wall_row(wall, C).locator(".s-meta")).to_have_text("tied")
        # The order agrees with the list's top three here: the wall does not repeat it.
        expect(wall.locator("#s-foot")).to_be_hidden()
        found["wall, overall"] = run_axe(wall)
        pages.shot(wall, "wall-ranking-overall", full_page=False)
        fac.get_by_role("button", name="By group").click()
        expect(wall.locator("#s-view")).to_have_text("By group: each group’s own points")
        # One voter per group: the wall shows them together, or each column would be
        # one person's ballot (issue #14); the console still has every group.
        folded = "Other groups (fewer than 3 voters each)"
        expect(wall.locator(".s-ghead > span:not(.rank)")).to_have_text(["Proposal", folded])
        expect(wall_row(wall, A).locator(".gcell .g-n")).to_have_text(["6"])
        found["wall, by group"] = run_axe(wall)
        pages.shot(wall, "wall-ranking-by-group", full_page=False)
        fac.get_by_role("button", name="Each group equal").click()
        expect(wall.locator("#s-view")).to_have_text("Each group counts equally")
        # With every group folded into one, balancing changes nothing: the console keeps
        # the per-group balance (1.50, 0.83, 0.67 above).
        expect(wall.locator("#s-list .ptext")).to_have_text([A, C, E])
        expect(wall.locator("#s-list .pts")).to_have_text(["1.50", "0.75", "0.75"])
        found["wall, balanced"] = run_axe(wall)
        pages.shot(wall, "wall-ranking-balanced", full_page=False)
        wall.get_by_role("button", name="High contrast").click()
        found["wall, balanced, high contrast"] = run_axe(wall)
        pages.shot(wall, "wall-ranking-balanced-contrast", full_page=False)

        # Results: the phones show the order in plain words, the methods in a note.
        fac.get_by_role("button", name=re.compile("Next: Results")).click()
        for phone in (wide, narrow):
            expect(phone.locator("#all-h")).to_have_text("Highest score first")
            expect(phone.locator("#rank .ptext")).to_have_text([A, C, E])
            expect(phone.locator("#rank .rank")).to_have_text(["1", "=2", "=2"])
            expect(phone.locator("#lead")).to_contain_text(
                f"Ranked first by most people when compared two at a time: {A}."
            )
            expect(phone.locator("#how summary")).to_have_text("How this was counted")
        pages.shot(narrow, "phone-320-ranking-results")
        found["phone, ranking results"] = run_axe(wide)

        # The priorities come from the current round's ranking.
        fac.get_by_label("Mark the top").fill("1")
        fac.get_by_role("button", name="Mark as priorities").click()
        expect(fac.locator("#prio-list > li")).to_have_text([f"{A} (6 points)"])

        # A second vote between the tied pair: same method, only those two on the ballot.
        fac.get_by_role("button", name=f"Vote again between these: {C} and {E}").click()
        expect(fac.locator("#r-now")).to_have_text(
            "Round 3: Ranking · top 2 · 2 ideas on the ballot"
            " · a second vote on the ideas tied in round 2"
        )
        expect(wide.locator("#ballot button", has_text="Add to my ranking")).to_have_count(2)
        expect(wide.locator("#b-status")).to_have_text("")  # nothing cast in the new round
        found = {where: v for where, v in found.items() if v}
        assert not found, "serious or critical axe violations:\n" + describe(found)
        pages.assert_clean()
    finally:
        other.close()
        fac_io.close()


def test_approval_and_points_ballots_on_a_phone(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server, groups=GROUPS)
    code, found = made["code"], {}
    fac_io = facilitator(shared_server, made)
    attendee(shared_server, code, "rounds-approval-dev-01", group="g1").close()
    fac_io.call("change_stage", {"stage": "propose"})
    for n, text in enumerate((A, B, C)):
        fac_io.call("add_proposal", {"text": text, "request_id": f"p{n}"})
    try:
        # a scripted round may still show the wall results live, as votes come in
        fac_io.call(
            "start_round",
            {"method": "approval", "wall_mode": "results", "request_id": "r-approval"},
        )
        phone = open_phone(pages, made, "rounds-approval-dev-01", "phone-360")
        wall = pages.open("projector", made["screen_url"], viewport=WALL)
        expect(phone.locator("#b-send")).to_have_text("Send my vote")
        for text in (A, C):
            phone.get_by_role("button", name=f"Support: {text}").click()
        expect(phone.get_by_role("button", name=f"Support: {A}")).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(phone.locator("#b-status")).to_have_text("Not sent yet.")
        found["phone, approval ballot"] = run_axe(phone)
        pages.shot(phone, "phone-360-approval")
        phone.get_by_role("button", name="Send my vote").click()
        expect(phone.locator("#b-status")).to_have_text(DONE)
        expect(wall.locator("#s-list .pts")).to_have_text(["1", "1"])
        expect(wall.locator("#s-part .s-voted")).to_have_text("1 of 1 have voted")
        pages.shot(wall, "wall-approval", full_page=False)

        # The ballot comes back from the server after a reload, and can be changed.
        phone.reload()
        expect(phone.get_by_role("button", name=f"Support: {C}")).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(phone.locator("#b-status")).to_have_text(DONE)
        phone.get_by_role("button", name=f"Support: {C}").click()
        expect(phone.locator("#b-status")).to_have_text(
            "You have changes that are not sent yet. Send again to count them."
        )
        phone.get_by_role("button", name="Send my vote").click()
        expect(phone.locator("#b-status")).to_have_text(DONE)
        expect(wall_row(wall, C)).to_have_count(0)  # no support now: off the wall's list

        # Points: Send stays unavailable, with a sentence, until exactly 100 are shared.
        fac_io.call(
            "start_round", {"method": "points", "wall_mode": "results", "request_id": "r-points"}
        )
        expect(phone.locator("#b-left")).to_have_text("100 of 100 points left")
        send = phone.get_by_role("button", name="Send my points")
        expect(send).to_have_attribute("aria-disabled", "true")
        expect(phone.locator("#b-why")).to_have_text("Share all 100 points to send: 100 left.")
        for _ in range(2):
            phone.get_by_role("button", name=f"5 more points: {A}").click()
        expect(phone.get_by_label(f"Points for: {A}")).to_have_value("10")
        phone.get_by_label(f"Points for: {B}").fill("60")
        expect(phone.locator("#b-left")).to_have_text("30 of 100 points left")
        send.focus()  # aria-disabled keeps it focusable: pressing it says why
        phone.keyboard.press("Enter")
        expect(phone.locator("#msg-text")).to_have_text("Share all 100 points to send: 30 left.")
        phone.locator("#msg-close").click()
        phone.get_by_label(f"Points for: {C}").fill("40")
        expect(phone.locator("#b-why")).to_have_text(
            "You have given 110 points: take 10 off to send."
        )
        expect(send).to_have_attribute("aria-disabled", "true")
        phone.get_by_role("button", name=f"5 fewer points: {C}").click()
        phone.get_by_role("button", name=f"5 fewer points: {C}").click()
        expect(phone.locator("#b-left")).to_have_text("0 of 100 points left")
        expect(send).not_to_have_attribute("aria-disabled", "true")
        found["phone, points ballot"] = run_axe(phone)
        pages.shot(phone, "phone-360-points")
        send.click()
        expect(phone.locator("#b-status")).to_have_text(DONE)
        expect(wall.locator("#s-list .ptext")).to_have_text([B, C, A])
        expect(wall.locator("#s-list .pts")).to_have_text(["60", "30", "10"])
        pages.shot(wall, "wall-points", full_page=False)

        narrow = open_phone(pages, made, "rounds-approval-dev-01", "phone-320", **NARROW)
        expect(narrow.get_by_label(f"Points for: {B}")).to_have_value("60")
        expect(narrow.locator("#b-status")).to_have_text(DONE)
        assert_fits(narrow, "phone at 320 px, points")
        pages.shot(narrow, "phone-320-points")

        # A dot round with every dot to be placed says so.
        fac_io.call(
            "start_round", {"method": "dots", "dots": 3, "spend_all": True, "request_id": "r-dots"}
        )
        expect(phone.locator("#lead")).to_contain_text("Place all 3 dots for your vote to count.")
        expect(phone.locator("#dots-text")).to_have_text("You have 3 of 3 dots left")
        found = {where: v for where, v in found.items() if v}
        assert not found, "serious or critical axe violations:\n" + describe(found)
        pages.assert_clean()
    finally:
        fac_io.close()
