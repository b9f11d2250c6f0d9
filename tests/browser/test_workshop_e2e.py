"""One whole workshop in real browsers: facilitator laptop, projector, three phones.

The facilitator creates the workshop on the home page, the phones join by the
address the projector's QR code encodes, and every stage is driven from the
facilitator console, as in the room. Screenshots of every screen at every stage go
to test-artifacts/screenshots/test_workshop_e2e/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from tests.browser.helpers import GROUPS
from tests.servers import Server

pytestmark = pytest.mark.browser

TITLE = "West Kent partnership review"
COMMUNITY = "A stronger community focus, beyond the three hub towns"
TRAINING = "More training and support for service users"
COMMS = "Better communication inside the service and out"
# A disclosure the detector cannot see (a phone number would be held before the wall):
# the facilitator hides it by hand.
PRIVATE = "I relapsed last week and I am scared to tell anyone here"
HOSTILE = "<img src=x onerror=alert(1)>"
DUPLICATE = "Take the programme out beyond the hub towns"

# label, viewport, name, group label, ideas
PHONES = [
    ("phone-360", {"width": 360, "height": 740}, "Sam", GROUPS[0], [COMMUNITY, TRAINING]),
    ("phone-390", {"width": 390, "height": 844}, "", GROUPS[1], [COMMS, PRIVATE]),
    ("phone-320", {"width": 320, "height": 640}, "", None, [HOSTILE, DUPLICATE]),
]


def exactly(text: str) -> re.Pattern[str]:
    return re.compile("^" + re.escape(text) + "$")


def wall_row(wall: Any, text: str) -> Any:
    """Return the projector's row whose proposal text is exactly `text`."""
    return wall.locator("#s-list > li").filter(has=wall.locator(".ptext", has_text=exactly(text)))


def phone_card(phone: Any, text: str) -> Any:
    """Return the phone's card whose proposal text is exactly `text`."""
    return phone.locator("#list > li").filter(has=phone.locator(".ptext", has_text=exactly(text)))


def fac_item(fac: Any, text: str) -> Any:
    """Return the facilitator console's item whose proposal text is exactly `text`."""
    return fac.locator("#props > li").filter(has=fac.locator(".ptext", has_text=exactly(text)))


def test_a_whole_workshop_from_creation_to_close(
    start_server: Callable[..., Server], pages: Any, expect: Any
) -> None:
    server = start_server()

    def shoot_all(stage: str) -> None:
        pages.shot(fac, f"{stage}-facilitator")
        pages.shot(wall, f"{stage}-projector", full_page=False)
        for (label, *_), phone in zip(PHONES, phones, strict=True):
            pages.shot(phone, f"{stage}-{label}")

    # -- the facilitator creates the workshop on the home page -------------------------
    fac = pages.open("facilitator", f"{server.url}/", viewport={"width": 1366, "height": 900})
    fac.get_by_label("Workshop title").fill(TITLE)
    fac.get_by_label("Stakeholder groups").fill("\n".join(GROUPS))
    fac.get_by_role("button", name="Create the workshop").click()
    expect(fac.get_by_role("heading", name="Your workshop is ready")).to_be_focused()
    screen_url = fac.locator("#l-screen").get_attribute("href")
    assert re.fullmatch(rf"{server.url}/w/[A-Z2-9]{{6}}/screen", screen_url)
    code = screen_url.split("/")[-2]
    pages.shot(fac, "created-home")
    fac.get_by_role("button", name="Open the facilitator console").click()
    expect(fac.locator("#console")).to_be_visible()
    # The page drops the token from the address bar (the laptop is often on the wall);
    # Playwright learns of history.replaceState a moment later, so wait for it.
    expect(fac).not_to_have_url(re.compile("token"))
    expect(fac.locator("#stage-now")).to_have_text("Welcome")

    # -- the projector, and the address its QR code encodes ------------------------------
    wall = pages.open("projector", screen_url, viewport={"width": 1920, "height": 1080})
    expect(wall.locator("#s-stage")).to_have_text("Welcome")
    expect(wall.locator("#s-code")).to_have_text(code)
    qr_png = pages.shot_element(wall.locator(".qr img"), "projector-qr-code")
    decoded = [result.text for result in zxingcpp.read_barcodes(Image.open(qr_png))]
    assert decoded == [f"{server.url}/w/{code}"], decoded

    # -- three phones join by that address, names and groups optional -------------------
    phones = []
    for label, viewport, name, group, _ideas in PHONES:
        phone = pages.open(label, decoded[0], viewport=viewport, is_mobile=True, has_touch=True)
        expect(phone.get_by_role("heading", name=TITLE)).to_be_visible()
        if name:
            phone.get_by_label("First name or nickname").fill(name)
        if group:
            phone.get_by_label(group).check()
        phone.get_by_role("button", name="Join").click()
        expect(phone.locator("#stage-h")).to_have_text("Welcome")
        who = "You joined" + (f" as {name}" if name else " without a name")
        expect(phone.locator("#who")).to_have_text(who + (f", {group}." if group else "."))
        phones.append(phone)
    expect(wall.locator("#s-joined")).to_have_text("3 people joined")
    expect(fac.locator("#joined")).to_have_text("3 people joined")
    for part in (f"{GROUPS[0]}: 1", f"{GROUPS[1]}: 1", "Not said: 1"):
        expect(fac.locator("#by-group")).to_contain_text(part)
    expect(wall.locator("body")).not_to_contain_text("Sam")  # names are never published
    shoot_all("1-lobby")

    # -- propose: every phone sends two ideas, one of them hostile markup ---------------
    fac.locator("#next").click()
    expect(fac.locator("#stage-now")).to_have_text("Share your ideas")
    expect(wall.locator("#s-stage")).to_have_text("Share your ideas")
    for phone, (*_, ideas) in zip(phones, PHONES, strict=True):
        expect(phone.locator("#stage-h")).to_have_text("Share your ideas")
        for idea in ideas:
            phone.get_by_label("Your idea").fill(idea)
            phone.get_by_role("button", name="Submit").click()
            expect(phone.locator("#idea-ok")).to_have_text("Thank you. Your idea was sent.")
            expect(phone.locator("#mine-list").get_by_text(idea, exact=True)).to_be_visible()
        expect(phone.get_by_label("Your idea")).to_have_value("")
    expect(wall.locator("#s-big")).to_have_text("6 ideas so far")
    expect(wall.locator("#s-list > li")).to_have_count(0)  # not revealed yet
    expect(phones[0].locator("#list > li")).to_have_count(0)
    expect(fac.locator("#props > li")).to_have_count(6)
    shoot_all("2-propose")

    # -- the facilitator shows the proposals; the hostile one stays literal text --------
    fac.get_by_role("button", name=re.compile("Show the ideas on the wall")).click()
    expect(fac.locator("#t-props")).to_have_attribute("aria-pressed", "true")
    expect(wall.locator("#s-h")).to_have_text("Ideas so far")
    expect(wall.locator("#s-list > li")).to_have_count(6)
    for phone in phones:
        expect(phone.locator("#all-h")).to_have_text("All ideas")
        expect(phone.locator("#list > li")).to_have_count(6)
    lists = [(wall, "#s-list"), (fac, "#props > li > .ptext"), *((p, "#list") for p in phones)]
    for page, where in lists:
        expect(page.locator(where).get_by_text(HOSTILE, exact=True)).to_be_visible()
        expect(page.locator("img[src='x']")).to_have_count(0)
    expect(phones[2].locator("#mine-list").get_by_text(HOSTILE, exact=True)).to_be_visible()
    assert pages.dialogs == [], "the hostile proposal ran script"
    shoot_all("3-revealed")

    # -- duty of care: hide a disclosure at once, from the wall and every phone ---------
    fac_item(fac, PRIVATE).get_by_role("button", name=re.compile("^Hide from everyone")).click()
    expect(fac_item(fac, PRIVATE).get_by_text("Hidden from everyone")).to_be_visible()
    expect(fac.locator("#props-sum")).to_contain_text("5 ideas on the list, 1 hidden")
    expect(wall.get_by_text(PRIVATE)).to_have_count(0)
    expect(wall.locator("#s-list > li")).to_have_count(5)
    for phone in phones:
        expect(phone.locator("#list > li")).to_have_count(5)
        expect(phone.locator("#list").get_by_text(PRIVATE)).to_have_count(0)
    for phone in (phones[0], phones[2]):
        expect(phone.get_by_text(PRIVATE)).to_have_count(0)
    # Its author is told, on their own list only, rather than seeing it vanish.
    expect(phones[1].locator("#mine-list > li").filter(has_text=PRIVATE)).to_contain_text(
        "The facilitator has hidden this idea: only you can see it."
    )
    shoot_all("4-hidden")

    # -- group: merge a duplicate into the proposal it repeats ---------------------------
    fac.locator("#next").click()
    expect(fac.locator("#stage-now")).to_have_text("Grouping ideas")
    duplicate = fac_item(fac, DUPLICATE)
    duplicate.get_by_label("Merge into…").select_option(label=COMMUNITY)
    duplicate.get_by_role("button", name=re.compile("^Merge:")).click()
    expect(fac_item(fac, COMMUNITY).locator(".merged")).to_contain_text(f"also: {DUPLICATE}")
    expect(fac_item(fac, DUPLICATE)).to_have_count(0)
    expect(wall.locator("#s-h")).to_have_text("Grouping similar ideas")
    expect(wall.locator("#s-list > li")).to_have_count(4)
    expect(wall_row(wall, COMMUNITY).locator(".also")).to_have_text(f"also: {DUPLICATE}")
    expect(wall.get_by_text(DUPLICATE, exact=True)).to_have_count(0)
    for phone in phones:
        expect(phone.locator("#stage-h")).to_have_text("Grouping ideas")
        expect(phone.locator("#list > li")).to_have_count(4)
        expect(phone_card(phone, COMMUNITY).locator(".also")).to_have_text(f"also: {DUPLICATE}")
    shoot_all("5-group-merged")

    # -- vote: dots on the phones, live tally on the wall --------------------------------
    fac.locator("#next").click()
    expect(fac.locator("#stage-now")).to_have_text("Voting")
    expect(wall.locator("#s-part .s-voted")).to_have_text("0 of 3 have voted")
    for phone in phones:
        expect(phone.locator("#dots-text")).to_have_text("You have 5 of 5 dots left")
        expect(phone.locator("#list > li")).to_have_count(4)

    def dot(phone: Any, text: str, left: int, add: bool = True) -> None:
        verb = "Add a dot to: " if add else "Take back a dot from: "
        phone.get_by_role("button", name=verb + text).click()
        expect(phone.locator("#dots-text")).to_have_text(f"You have {left} of 5 dots left")

    dot(phones[0], COMMUNITY, 4)
    dot(phones[0], COMMUNITY, 3)
    dot(phones[0], TRAINING, 2)
    dot(phones[1], COMMUNITY, 4)
    dot(phones[1], COMMUNITY, 3)
    dot(phones[1], COMMS, 2)
    dot(phones[1], COMMS, 1)
    dot(phones[2], COMMS, 4)
    dot(phones[2], HOSTILE, 3)
    dot(phones[2], TRAINING, 2)
    dot(phones[2], TRAINING, 1)
    expect(phone_card(phones[0], COMMUNITY).locator(".mine")).to_have_text("Your dots: 2")
    # Results are hidden until revealed: the wall says who voted, never a score.
    expect(wall.locator("#s-part .s-voted")).to_have_text("3 of 3 have voted")
    expect(wall.locator("#s-list > li")).to_have_count(0)
    expect(fac.locator("#props-sum")).to_contain_text("11 dots placed")
    shoot_all("6-vote")

    dot(phones[2], TRAINING, 2, add=False)  # one dot taken back
    expect(fac.locator("#props-sum")).to_contain_text("10 dots placed")
    for phone, left in zip(phones, (2, 1, 2), strict=True):
        expect(phone.locator("#dots-text")).to_have_text(f"You have {left} of 5 dots left")
    shoot_all("7-vote-dot-taken-back")

    # -- results: "Next: Results" shows the ranking everywhere ----------------------------
    fac.locator("#next").click()
    expect(fac.locator("#stage-now")).to_have_text("Results")
    ranking = [COMMUNITY, COMMS, TRAINING, HOSTILE]
    expect(wall.locator("#s-list .ptext")).to_have_text(ranking)
    expect(wall.locator("#s-list .rank")).to_have_text(["1", "2", "3", "4"])
    expect(wall.locator("#s-list .pts")).to_have_text(["4", "3", "2", "1"])
    for phone in phones:
        expect(phone.locator("#all-h")).to_have_text("Most dots first")
        expect(phone.locator("#rank .ptext")).to_have_text(ranking)
        expect(phone.locator("#rank .pts")).to_have_text(
            ["4 dots", "3 dots", "2 dots", "1 dot"]  # a dot round says dots
        )
        expect(phone.locator("#rank, #list").get_by_text(PRIVATE)).to_have_count(0)
    expect(phones[1].locator("#mine")).to_be_hidden()  # the author's own list: propose only
    expect(wall.get_by_text(PRIVATE)).to_have_count(0)
    shoot_all("9-results")

    # -- the facilitator marks the top three as the priorities ---------------------------
    fac.get_by_label("Mark the top").fill("3")
    fac.get_by_role("button", name="Mark as priorities").click()
    expect(fac.locator("#prio-list > li")).to_have_text(
        [f"{COMMUNITY} (4 dots)", f"{COMMS} (3 dots)", f"{TRAINING} (2 dots)"]
    )
    expect(fac_item(fac, COMMUNITY).locator(".pbadge")).to_have_text("Priority 1")

    # -- plan, then closed ---------------------------------------------------------------
    fac.locator("#next").click()
    expect(fac.locator("#stage-now")).to_have_text("Action planning")
    expect(wall.locator("#s-h")).to_have_text("Our priorities")
    expect(wall.locator("#s-list .ptext")).to_have_text(ranking[:3])
    for phone in phones:
        expect(phone.locator("#all-h")).to_have_text("Priorities")
        expect(phone.locator("#rank .ptext")).to_have_text(ranking[:3])
        expect(phone.locator("#rank .rank")).to_have_text(["1", "2", "3"])
    shoot_all("10-plan")

    fac.locator("#next").click()
    expect(fac.locator("#stage-now")).to_have_text("Closed")
    expect(fac.locator("#next")).to_be_disabled()
    expect(wall.locator("#s-stage")).to_have_text("Closed")
    expect(wall.locator("#s-sub")).to_have_text("Thank you for taking part.")
    expect(wall.locator("#s-list .ptext")).to_have_text(ranking[:3])
    for phone in phones:
        expect(phone.locator("#stage-h")).to_have_text("Closed")
        expect(phone.locator("#lead")).to_have_text("Thank you for taking part.")
        expect(phone.locator("#rank .ptext")).to_have_text(ranking[:3])
        expect(phone.locator("img[src='x']")).to_have_count(0)
    shoot_all("11-closed")

    pages.assert_clean()  # no console error, CSP violation, page error or dialog anywhere
