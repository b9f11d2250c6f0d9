"""Accessibility in a real browser: axe-core on every page and stage, keyboard only,
visible focus, live regions, reflow at 320 px and at 200 % zoom, reduced motion."""

from __future__ import annotations

import re
from collections.abc import Iterator
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
    published,
    run_axe,
)
from tests.servers import Server

pytestmark = pytest.mark.browser

WALL = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 900}
STAGES = ["lobby", "propose", "group", "vote", "results", "plan", "closed"]
SAYS = {  # W.STAGES in static/js/common.js
    "lobby": "Welcome",
    "propose": "Share your ideas",
    "group": "Grouping ideas",
    "vote": "Voting",
    "results": "Results",
    "plan": "Action planning",
    "closed": "Closed",
}
DEVICE = "a11y-phone-device-0001"
IDEAS = [
    "A stronger community focus: take the programme beyond the three hub towns",
    "Go beyond the hub towns",
    "Better communication inside the service and out to the wider community",
    "Something the facilitator hides from the wall at once",
    "More training, personal development and support for service users",
]


class Workshop:
    """A workshop with every kind of content: groups, a timer, hidden, merged, votes."""

    def __init__(self, server: Server) -> None:
        self.made = create_workshop(server, groups=GROUPS)
        self.code = self.made["code"]
        self.fac = facilitator(server, self.made)
        self.phone = attendee(server, self.code, DEVICE, name="Sam", group="g1")
        self.fac.call("change_stage", {"stage": "propose"})
        ids = [
            self.phone.call("submit_proposal", {"text": t, "request_id": f"idea-{n}"})[
                "proposal_id"
            ]
            for n, t in enumerate(IDEAS)
        ]
        self.fac.call("hide_proposal", {"proposal_id": ids[3], "hidden": True})
        self.fac.call("merge_proposals", {"survivor_id": ids[0], "absorbed_id": ids[1]})
        self.fac.call("change_stage", {"stage": "vote"})  # also reveals the proposals
        for n, pid in enumerate((ids[0], ids[0], ids[2])):
            self.phone.call("cast_vote", {"proposal_id": pid, "request_id": f"dot-{n}"})
        self.fac.call("set_priorities", {"proposal_ids": [ids[0], ids[2]]})
        self.fac.call("reveal_results", {"revealed": True})
        self.fac.call("start_timer", {"seconds": 1800})
        action = {
            "priority_id": ids[0],
            "text": "Open a drop-in in Sevenoaks",
            "owner": "Partner staff",
            "due_on": "2026-06-30",
            "request_id": "action-1",
        }
        self.fac.call("add_action", action)
        self.ids = ids

    def stage(self, stage: str) -> None:
        self.fac.call("change_stage", {"stage": stage})

    def close(self) -> None:
        self.phone.close()
        self.fac.close()


@pytest.fixture(scope="module")
def workshop(module_server: Server) -> Iterator[Workshop]:
    made = Workshop(module_server)
    yield made
    made.close()


def joined_phone(pages: Any, workshop: Workshop, **options: Any) -> Any:
    """Open the phone page as the attendee who already joined on this device."""
    page = pages.open("phone", **{**PHONE, **options})
    page.context.add_init_script(
        f"localStorage.setItem('workshop.device.{workshop.code}', '{DEVICE}');"
        f"localStorage.setItem('workshop.joined.{workshop.code}', '1');"
    )
    page.goto(workshop.made["join_url"])
    return page


# -- axe-core -------------------------------------------------------------------------------


def test_axe_home_join_and_message_pages(shared_server: Server, pages: Any, expect: Any) -> None:
    made = create_workshop(shared_server, groups=GROUPS)
    page = pages.open("visitor", **PHONE)
    found = {}
    page.goto(f"{shared_server.url}/")
    found["home"] = run_axe(page)
    page.goto(f"{shared_server.url}/join?code=ZZZZZZ")
    expect(page.locator("#join-error")).to_be_visible()
    found["home with a join error"] = run_axe(page)
    page.goto(f"{shared_server.url}/w/ZZZZZZ")
    found["unknown workshop message"] = run_axe(page)
    page.goto(made["join_url"])
    expect(page.locator("#banner")).to_be_hidden()
    found["phone welcome form"] = run_axe(page)
    page.goto(f"{shared_server.url}/w/{made['code']}/facilitate")
    expect(page.locator("#no-token")).to_be_visible()
    found["facilitator without its link"] = run_axe(page)
    found = {where: v for where, v in found.items() if v}
    assert not found, "serious or critical axe violations:\n" + describe(found)
    pages.assert_clean(ignore=(f"status of 404 (NOT FOUND) [{shared_server.url}/w/ZZZZZZ]",))


def test_axe_published_plan_and_series_pages(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = published(shared_server, "Peer mentors who have been through recovery")
    found = {}
    page = pages.open("reader", f"{shared_server.url}/w/{made['code']}/plan", **PHONE)
    expect(page.get_by_role("heading", name="Partnership review", level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("Ask the food bank to host a stall")
    found["published plan"] = run_axe(page)
    page.goto(f"{shared_server.url}/s/{made['code']}")
    expect(page.get_by_role("heading", name="The meetings")).to_be_visible()
    found["series page"] = run_axe(page)
    found = {where: v for where, v in found.items() if v}
    assert not found, "serious or critical axe violations:\n" + describe(found)
    # The inline-style CSP errors of these pages are a known bug, tracked by the strict
    # xfail test_published_plan_pages_break_no_csp_rule in test_security_headers.py.
    pages.assert_clean(ignore=("Applying inline style violates",))


@pytest.mark.parametrize("stage", STAGES)
def test_axe_phone_projector_and_console_in_every_stage(
    stage: str, workshop: Workshop, shared_server: Server, pages: Any, expect: Any
) -> None:
    workshop.stage(stage)
    found = {}
    phone = joined_phone(pages, workshop)
    expect(phone.locator("#stage-h")).to_have_text(SAYS[stage])
    found[f"phone ({stage})"] = run_axe(phone)

    wall = pages.open("projector", workshop.made["screen_url"], viewport=WALL)
    expect(wall.locator("#s-stage")).to_have_text(SAYS[stage])
    found[f"projector ({stage})"] = run_axe(wall)
    wall.get_by_role("button", name="High contrast").click()
    expect(wall.locator("body")).to_have_class(re.compile(r"\bhc\b"))
    found[f"projector, high contrast ({stage})"] = run_axe(wall)

    fac = pages.open("facilitator", workshop.made["facilitator_url"], viewport=LAPTOP)
    expect(fac.locator("#stage-now")).to_have_text(SAYS[stage])
    found[f"facilitator console ({stage})"] = run_axe(fac)
    found = {where: v for where, v in found.items() if v}
    assert not found, "serious or critical axe violations:\n" + describe(found)
    pages.assert_clean()


# -- keyboard, focus and live regions --------------------------------------------------------


def tab_to(page: Any, wanted: Any, seen: list[dict[str, Any]], limit: int = 40) -> dict[str, Any]:
    """Press Tab until `wanted(focused)` holds; record every element that took focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_STYLE)
        if focused:
            seen.append(focused)
            if wanted(focused):
                return focused
    raise AssertionError(f"Tab never reached the element; focus went to {seen[-limit:]}")


def test_a_phone_joins_proposes_and_votes_with_the_keyboard_alone(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server, groups=GROUPS)
    fac = facilitator(shared_server, made)
    try:
        phone = pages.open("phone", made["join_url"], **PHONE)
        expect(phone.locator("#banner")).to_be_hidden()
        seen: list[dict[str, Any]] = []

        # Join: Tab to the group question, Arrow Down (how radio groups work) to pick one.
        tab_to(phone, lambda f: f["id"] == "g-none", seen)
        phone.keyboard.press("ArrowDown")
        expect(phone.get_by_label(GROUPS[0])).to_be_checked()
        tab_to(phone, lambda f: f["id"] == "join-btn", seen)
        phone.keyboard.press("Enter")
        expect(phone.locator("#who")).to_have_text(f"You joined without a name, {GROUPS[0]}.")
        expect(phone.locator("#stage-h")).to_be_focused()

        # Propose: the stage change is announced; type an idea and send it with Enter.
        fac.call("change_stage", {"stage": "propose"})
        expect(phone.locator("#announce")).to_contain_text("Now: Share your ideas.")
        tab_to(phone, lambda f: f["id"] == "idea", seen)
        phone.keyboard.type("Peer mentors who have been through recovery")
        tab_to(phone, lambda f: f["id"] == "idea-btn", seen)
        phone.keyboard.press("Enter")
        expect(phone.locator("#idea-ok")).to_have_text("Thank you. Your idea was sent.")
        expect(phone.locator("#announce")).to_contain_text("Your idea was sent.")

        # Vote: Space and Enter on the same "Add a dot" button; each dot is confirmed aloud.
        fac.call("change_stage", {"stage": "vote"})
        expect(phone.locator("#announce")).to_contain_text("Now: Voting.")
        add = "Add a dot to: Peer mentors who have been through recovery"
        tab_to(phone, lambda f: f["text"] == add, seen)
        phone.keyboard.press("Space")
        expect(phone.locator("#dots-text")).to_have_text("You have 4 of 5 dots left")
        expect(phone.locator("#announce")).to_contain_text(
            "Your dot was counted. You have 4 of 5 dots left."
        )
        expect(phone.get_by_role("button", name=add)).to_be_focused()
        phone.keyboard.press("Enter")
        expect(phone.locator("#dots-text")).to_have_text("You have 3 of 5 dots left")
        expect(phone.locator("#announce")).to_contain_text("You have 3 of 5 dots left.")
        pages.shot(phone, "voted-with-the-keyboard", full_page=False)

        invisible = [f for f in seen if not f["visible"]]
        assert len(seen) >= 6, seen
        assert not invisible, f"focus not visible on: {invisible}"
        pages.assert_clean()
    finally:
        fac.close()


def test_live_regions_announce_stage_changes_and_counted_dots(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server)
    fac = facilitator(shared_server, made)
    try:
        fac.call("change_stage", {"stage": "propose"})
        fac.call("add_proposal", {"text": "Evening opening hours", "request_id": "paper-1"})
        phone = pages.open("phone", made["join_url"], **PHONE)
        console = pages.open("facilitator", made["facilitator_url"])
        for page in (phone, console):
            expect(page.locator("[aria-live]").first).to_be_attached()
        expect(console.locator("#stage-now")).to_have_text("Share your ideas")
        phone.get_by_role("button", name="Join").click()
        expect(phone.locator("#announce")).to_have_text("You're in.")

        console.locator("#next").click()
        expect(console.locator("#stage-now")).to_have_text("Grouping ideas")
        console.locator("#next").click()
        for page, said in ((phone, "Now: Voting."), (console, "Stage: Voting.")):
            live = page.locator("#announce")
            expect(live).to_have_attribute("aria-live", "polite")
            expect(live).to_contain_text(said)

        phone.get_by_role("button", name="Add a dot to: Evening opening hours").click()
        expect(phone.locator("#announce")).to_have_text(
            "Your dot was counted. You have 4 of 5 dots left."
        )
        phone.get_by_role("button", name="Take back a dot from: Evening opening hours").click()
        expect(phone.locator("#announce")).to_have_text(
            "Dot taken back. You have 5 of 5 dots left."
        )
        pages.assert_clean()
    finally:
        fac.close()


# -- reflow and zoom -------------------------------------------------------------------------


def assert_fits(page: Any, where: str) -> None:
    found = overflow(page)
    assert found["scrollWidth"] <= found["innerWidth"], f"{where} scrolls sideways: {found}"


def test_no_sideways_scrolling_at_320_css_pixels(
    workshop: Workshop, shared_server: Server, pages: Any, expect: Any
) -> None:
    """WCAG 1.4.10 reflow: 320 CSS px wide, every phone stage, home and console."""
    narrow = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}
    visitor = pages.open("visitor", f"{shared_server.url}/", **narrow)
    assert_fits(visitor, "home")
    visitor.goto(workshop.made["join_url"])
    expect(visitor.locator("#banner")).to_be_hidden()
    assert_fits(visitor, "phone welcome form")
    phone = joined_phone(pages, workshop, **narrow)
    for stage in STAGES:
        workshop.stage(stage)
        expect(phone.locator("#stage-h")).to_have_text(SAYS[stage])
        assert_fits(phone, f"phone ({stage})")
    pages.shot(phone, "phone-320-closed")
    console = pages.open("facilitator", workshop.made["facilitator_url"], **narrow)
    expect(console.locator("#console")).to_be_visible()
    assert_fits(console, "facilitator console")
    pages.shot(console, "console-320")
    pages.assert_clean()


def test_no_sideways_scrolling_at_200_percent_zoom(
    workshop: Workshop, shared_server: Server, pages: Any, expect: Any
) -> None:
    """Two honest emulations of enlarging things by 200 %.

    Browser zoom: Chrome at 200 % lays a page out in half as many CSS pixels and
    doubles devicePixelRatio, so a 1280x800 laptop window at 200 % is exactly a
    640x400 CSS-px viewport at device scale factor 2, which is what we emulate (no
    CSS `zoom`, which leaves media queries and innerWidth unchanged and so is not what
    a browser does). Text-only enlargement (WCAG 1.4.4, a phone's large-font setting)
    is emulated by doubling the root font size on a 360 px phone.
    """
    workshop.stage("vote")
    zoomed = {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2}
    visitor = pages.open("visitor", f"{shared_server.url}/", **zoomed)
    assert_fits(visitor, "home at 200 %")
    console = pages.open("facilitator", workshop.made["facilitator_url"], **zoomed)
    expect(console.locator("#stage-now")).to_have_text("Voting")
    assert_fits(console, "facilitator console at 200 %")
    phone = joined_phone(pages, workshop, **zoomed)
    expect(phone.locator("#dots-text")).to_be_visible()
    assert_fits(phone, "phone at 200 %")

    big_text = joined_phone(pages, workshop)
    expect(big_text.locator("#dots-text")).to_be_visible()
    before = big_text.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    big_text.evaluate("document.documentElement.style.fontSize = '225%'")  # 2 x 112.5 %
    after = big_text.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert after == pytest.approx(2 * before)
    assert_fits(big_text, "phone (vote) with text at 200 %")
    pages.shot(big_text, "phone-vote-text-200")
    pages.assert_clean()


# -- reduced motion --------------------------------------------------------------------------

MOVING = """() => [...document.querySelectorAll('*')].flatMap(e => {
  const s = getComputedStyle(e);
  const moves = s.transitionDuration.split(',').some(d => parseFloat(d) > 0)
    || (s.animationName !== 'none' && s.animationDuration.split(',').some(d => parseFloat(d) > 0));
  return moves ? [`${e.tagName}.${e.className} ${s.transitionDuration} ${s.animationName}`] : [];
})"""


def test_reduced_motion_stops_every_transition_and_animation(
    workshop: Workshop, shared_server: Server, pages: Any, expect: Any
) -> None:
    workshop.stage("vote")
    wall_url = workshop.made["screen_url"]
    wall = pages.open("projector", wall_url, viewport=WALL)
    expect(wall.locator("#s-list .fill").first).to_be_attached()
    assert wall.evaluate(MOVING), "the projector's bars should animate without the preference"

    # The same wall once the system asks for reduced motion (the media query applies live).
    wall.emulate_media(reduced_motion="reduce")
    assert wall.evaluate("matchMedia('(prefers-reduced-motion: reduce)').matches")
    before = wall.locator("#s-h").text_content()
    workshop.phone.call("cast_vote", {"proposal_id": workshop.ids[4], "request_id": "calm-dot"})
    expect(wall.locator("#s-h")).not_to_have_text(before)  # a bar just changed width
    assert wall.evaluate("document.getAnimations().length") == 0
    assert wall.evaluate(MOVING) == []
    workshop.phone.call("retract_vote", {"proposal_id": workshop.ids[4], "request_id": "calm-back"})

    calm = {"reduced_motion": "reduce"}  # from the first paint, as a phone set up that way
    phone = joined_phone(pages, workshop, **calm)
    expect(phone.locator("#dots-text")).to_be_visible()
    console = pages.open("facilitator", workshop.made["facilitator_url"], **calm)
    expect(console.locator("#stage-now")).to_have_text("Voting")
    for page, where in ((phone, "phone"), (console, "facilitator console")):
        assert page.evaluate(MOVING) == [], where
        assert page.evaluate("document.getAnimations().length") == 0, where
    pages.assert_clean()
