"""Easy Read on the phone (issue #16, point 5, its look): the switch and what it promises
the translations (stored, on <html>, an event), remembered across a reload; in every stage
axe finds nothing serious, no text is under 14 pt, each action has its picture with a text
alternative, nothing scrolls sideways; screenshots at 320 and 390 px, on and off."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.helpers import (
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

DEVICE = "easy-read-phone-device-01"
KEY = "workshop.easyRead"
IDEAS = [
    "Peer mentors who have been through recovery",
    "Evening opening hours in Gravesend",
    "Better communication inside the service and out to the wider community",
]
# Each stage and the picture beside its action (None: the stage asks nothing of the person).
STAGES = {
    "welcome": None,
    "lobby": None,
    "propose": "You share an idea.",
    "group": None,
    "vote": "You vote with dots.",
    "results": None,
    "plan": "You suggest what to do next.",
    "closed": None,
    "ranking": "You put ideas in order.",
}
HEADING = {
    "lobby": "Welcome",
    "propose": "Share your ideas",
    "group": "Grouping ideas",
    "vote": "Voting",
    "results": "Results",
    "plan": "Action planning",
    "closed": "Closed",
    "ranking": "Round 2: ranking",
}
# The same headings in Easy Read words (translations/en/LC_MESSAGES/easyread.po).
EASY_HEADING = {
    "lobby": "Welcome",
    "propose": "Tell us your ideas",
    "group": "Putting ideas together",
    "vote": "Choosing",
    "results": "What people chose",
    "plan": "Making a plan",
    "closed": "Finished",
    "ranking": "Round 2: putting in order",
}
FOURTEEN_POINT = 14 * 96 / 72  # 18.67 CSS px

# Visible text set smaller than 14 pt (visually hidden live regions are not seen).
SMALL_TEXT = """(least) => [...document.querySelectorAll('body *')].filter(e => {
  if (e.closest('.vh') || !e.getClientRects().length) return false;
  const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  return own && parseFloat(getComputedStyle(e).fontSize) < least;
}).map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className + ': '
  + getComputedStyle(e).fontSize + ' ' + e.textContent.trim().slice(0, 40))"""


# What the translations will see at each `workshop:easyread` event: <html>'s flag and storage.
LISTEN = """(key) => { window.heardEasy = [];
  addEventListener('workshop:easyread', () => window.heardEasy.push(
    [document.documentElement.dataset.easyRead || 'off', localStorage.getItem(key)])); }"""
SPRITE_LOADED = """() => performance.getEntriesByType('resource')
  .some(e => e.name.includes('/static/img/easy-read.svg'))"""


def sprite_loaded(page: Any) -> bool:
    """Return whether the page fetched the Easy Read pictures."""
    found: bool = page.evaluate(SPRITE_LOADED)
    return found


class Workshop:
    """A workshop with ideas, dots, a priority with an action, then a ranking round."""

    def __init__(self, server: Server) -> None:
        self.made = create_workshop(server, groups=GROUPS)
        self.fac = facilitator(server, self.made)
        phone = attendee(server, self.made["code"], DEVICE, name="Sam", group="g1")
        self.fac.call("change_stage", {"stage": "propose"})
        self.ids = [
            phone.call("submit_proposal", {"text": t, "request_id": f"er-{n}"})["proposal_id"]
            for n, t in enumerate(IDEAS)
        ]
        self.fac.call("change_stage", {"stage": "vote"})
        phone.call("cast_vote", {"proposal_id": self.ids[0], "request_id": "er-dot"})
        phone.close()
        self.fac.call("set_priorities", {"proposal_ids": self.ids[:2]})
        action = {"priority_id": self.ids[0], "text": "Train six peer mentors", "request_id": "a"}
        self.fac.call("add_action", action)
        self.ranking = False

    def stage(self, stage: str) -> None:
        if stage == "ranking":
            if not self.ranking:  # once: it is the module's last stage
                self.fac.call("change_stage", {"stage": "results"})  # a closed one is refused
                self.fac.call("start_round", {"method": "ranking", "request_id": "er-rank"})
                self.ranking = True
        elif stage != "welcome":
            self.fac.call("change_stage", {"stage": stage})


@pytest.fixture(scope="module")
def workshop(module_server: Server) -> Iterator[Workshop]:
    made = Workshop(module_server)
    yield made
    made.fac.close()


def phone(pages: Any, workshop: Workshop, width: int, easy: bool, joined: bool = True) -> Any:
    """Open the phone page `width` px wide, as the attendee of DEVICE, Easy Read on or off."""
    size = {"width": width, "height": 740}
    page = pages.open(f"phone-{width}", **{**PHONE, "viewport": size})
    code = workshop.made["code"]
    setup = f"localStorage.setItem('workshop.device.{code}', '{DEVICE}');"
    if joined:
        setup += f"localStorage.setItem('workshop.joined.{code}', '1');"
    if easy:
        setup += f"localStorage.setItem('{KEY}', '1');"
    page.context.add_init_script(setup)
    page.goto(workshop.made["join_url"])
    return page


def test_the_switch_keeps_its_promise_and_is_remembered_across_a_reload(
    workshop: Workshop, pages: Any, expect: Any
) -> None:
    workshop.stage("vote")
    page = phone(pages, workshop, 390, easy=False)
    switch = page.get_by_role("switch", name="Easy Read")
    expect(switch).not_to_be_checked()
    small = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert small < 19
    page.evaluate(LISTEN, KEY)
    expect(page.locator("#lead")).to_have_text("Add dots to the ideas that matter most to you.")
    assert sprite_loaded(page) is False  # a phone without Easy Read never fetches the pictures
    switch.click()
    expect(switch).to_be_checked()
    assert page.evaluate("heardEasy") == [["on", "1"]]
    expect(page.get_by_role("img", name="You vote with dots.")).to_be_visible()
    page.wait_for_function(SPRITE_LOADED)

    page.reload()
    switch = page.get_by_role("switch", name="Easy Read")
    expect(switch).to_be_checked()
    expect(page.locator("html")).to_have_attribute("data-easy-read", "on")
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 19
    picture = page.get_by_role("img", name="You vote with dots.")
    expect(picture).to_be_visible()

    page.evaluate(LISTEN, KEY)
    switch.click()
    expect(switch).not_to_be_checked()
    assert page.evaluate("heardEasy") == [["off", None]]
    expect(picture).to_be_hidden()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == small
    page.reload()
    expect(page.get_by_role("switch", name="Easy Read")).not_to_be_checked()
    expect(page.locator("html")).not_to_have_attribute("data-easy-read", "on")
    pages.assert_clean()


@pytest.mark.parametrize("stage", list(STAGES))
def test_easy_read_in_every_stage(stage: str, workshop: Workshop, pages: Any, expect: Any) -> None:
    workshop.stage(stage)
    joined = stage != "welcome"
    found = {}
    for width in (390, 320):
        for easy in (True, False):
            page = phone(pages, workshop, width, easy, joined)
            if joined:
                heading = EASY_HEADING[stage] if easy else HEADING[stage]
                expect(page.locator("#stage-h")).to_have_text(heading)
            else:
                expect(page.get_by_role("button", name="Join")).to_be_enabled()
            if easy:
                expect(page.get_by_role("switch", name="Easy Read")).to_be_checked()
                size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
                assert size >= 19, f"{stage}: body text {size}px with Easy Read on"
                small = page.evaluate(SMALL_TEXT, FOURTEEN_POINT)
                assert not small, f"{stage}, {width}px: text under 14 pt: {small}"
                if STAGES[stage]:
                    pic = page.get_by_role("img", name=STAGES[stage])
                    expect(pic).to_be_visible()
                    expect(pic).to_have_attribute("aria-label", re.compile(r"^Picture: "))
                if joined and stage != "closed":
                    care = "You can talk to the facilitator in private."
                    expect(page.get_by_role("img", name=care)).to_be_visible()
                found[f"{stage}, {width}px, Easy Read"] = run_axe(page)
            else:
                expect(page.locator("svg.er-pic").first).to_be_hidden()
            wide = overflow(page)
            assert wide["scrollWidth"] <= wide["innerWidth"], f"{stage}, {width}px: {wide}"
            pages.shot(page, f"{stage}-{width}-easy-{'on' if easy else 'off'}")
    found = {where: v for where, v in found.items() if v}
    assert not found, "serious or critical axe violations:\n" + describe(found)
    pages.assert_clean()
