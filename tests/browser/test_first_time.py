"""A facilitator's first time (issue #18), in real browsers: results hidden until "Next:
Results", plain words on every public page, a tie at the cut left to the facilitator, the
facilitator link copied into a fresh browser, each stage's tools in that stage.
Screenshots go to test-artifacts/screenshots/test_first_time/.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
import zxingcpp
from PIL import Image

from tests.browser.helpers import (
    GROUPS,
    PHONE,
    attendee,
    create_workshop,
    describe,
    facilitator,
    run_axe,
)
from tests.servers import Server

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
WALL = {"width": 1280, "height": 720}
A = "A stronger community focus, beyond the three hub towns"
B = "Review how the partners work together"
C = "Better communication inside the service and out"
D = "More training and support for service users"
METHOD_NAMES = re.compile(r"Condorcet|Schulze|Borda", re.IGNORECASE)
# The visible text of a page, less the "how this was counted" notes.
PUBLIC_TEXT = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll('.how-counted, script, [hidden]').forEach(e => e.remove());
  return copy.innerText;
}"""


def open_phone(pages: Any, made: dict, device: str, label: str = "phone") -> Any:
    """Open the phone page as the attendee who already joined on `device`."""
    page = pages.open(label, **PHONE)
    page.context.add_init_script(
        f"localStorage.setItem('workshop.device.{made['code']}', '{device}');"
        f"localStorage.setItem('workshop.joined.{made['code']}', '1');"
    )
    page.goto(made["join_url"])
    return page


def ideas(fac_io: Any, texts: tuple[str, ...]) -> dict[str, int]:
    fac_io.call("change_stage", {"stage": "propose"})
    return {
        t: fac_io.call("add_proposal", {"text": t, "request_id": f"p{n}"})["proposal_id"]
        for n, t in enumerate(texts)
    }


def test_results_stay_off_the_wall_and_phones_until_next_results(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server, groups=GROUPS)
    fac_io = facilitator(shared_server, made)
    for n, group in enumerate(("g1", "g2")):
        attendee(shared_server, made["code"], f"first-time-dev-{n:04d}", group=group).close()
    ideas(fac_io, (A, B, C))
    fac_io.call("change_stage", {"stage": "vote"})
    try:
        fac = pages.open("facilitator", made["facilitator_url"], viewport=LAPTOP)
        wall = pages.open("projector", made["screen_url"], viewport=WALL)
        phone = open_phone(pages, made, "first-time-dev-0000")
        other = open_phone(pages, made, "first-time-dev-0001", "other-phone")
        expect(fac.locator("#t-results")).to_have_attribute("aria-pressed", "false")
        expect(fac.locator("#res-hint")).to_contain_text("only how many people have voted")

        # The first vote of a new workshop, from one person in one group.
        for left in (4, 3):
            phone.get_by_role("button", name=f"Add a dot to: {B}").click()
            expect(phone.locator("#dots-text")).to_have_text(f"You have {left} of 5 dots left")
        expect(wall.locator("#s-part .s-voted")).to_have_text("1 of 2 have voted")
        # Who has voted per group, never a score or a group's figures for any idea.
        expect(wall.locator("#s-list > li")).to_have_count(0)
        expect(wall.locator("#s-list .pts")).to_have_count(0)
        expect(wall.locator(".gbars")).to_have_count(0)
        for where in ("#s-view", "#s-extra", "#s-foot"):
            expect(wall.locator(where)).to_be_hidden()
        for page in (phone, other):
            expect(page.locator("#rank > li")).to_have_count(0)
            expect(page.locator("#rank .pts, #list .pts")).to_have_count(0)
        pages.shot(wall, "wall-after-first-vote", full_page=False)
        pages.shot(phone, "phone-after-first-vote")
        # The console itself counts (the facilitator needs it), the wall does not.
        expect(fac.locator("#props-sum")).to_contain_text("2 dots placed")

        # "Next: Results" shows the results on the wall and every phone.
        fac.get_by_role("button", name="Next: Results").click()
        expect(fac.locator("#t-results")).to_have_attribute("aria-pressed", "true")
        expect(wall.locator("#s-list .ptext").first).to_have_text(B)
        expect(wall.locator("#s-list .pts")).to_have_text(["2"])  # ideas with support only (#13)
        expect(wall.locator("#s-more")).to_have_text("2 ideas with no votes are not shown.")
        fac.get_by_role("button", name="By group").click()
        expect(wall.locator(".gcell").first).to_be_visible()
        for page in (phone, other):
            expect(page.locator("#rank .ptext").first).to_have_text(B)
            expect(page.locator("#rank .pts").first).to_have_text("2 dots")
        pages.shot(wall, "wall-after-next-results", full_page=False)

        # One switch takes them off again, in words.
        fac.get_by_role("button", name="Show the results on the wall and phones").click()
        expect(wall.locator("#s-list > li")).to_have_count(0)
        expect(phone.locator("#rank > li")).to_have_count(0)
        pages.assert_clean()
    finally:
        fac_io.close()


def test_public_pages_say_it_in_plain_words_and_name_methods_only_in_the_note(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server, groups=GROUPS)
    fac_io = facilitator(shared_server, made)
    voters = [
        attendee(shared_server, made["code"], f"plain-words-dev-{n:04d}", group="g1")
        for n in range(3)
    ]
    ids = ideas(fac_io, (A, B, C))
    fac_io.call("start_round", {"method": "ranking", "top_k": 3, "request_id": "rank"})
    try:
        for n, order in enumerate(([A, B, C], [A, C, B], [B, A, C])):
            voters[n].call(
                "cast_ballot", {"choices": [ids[t] for t in order], "request_id": f"b{n}"}
            )
        fac_io.call("change_stage", {"stage": "results"})
        wall = pages.open("projector", made["screen_url"], viewport=WALL)
        phone = open_phone(pages, made, "plain-words-dev-0000")
        expect(wall.locator("#s-extra")).to_contain_text(
            f"Ranked first by most people when compared two at a time: {A}"
        )
        expect(phone.locator("#lead")).to_contain_text("when compared two at a time")
        # The phone keeps the method names in its folded note, and nowhere else.
        expect(phone.locator("#how")).to_be_visible()
        expect(phone.locator("#how-text")).to_contain_text("Schulze")
        for label, page in (("wall", wall), ("phone", phone)):
            text = page.evaluate(PUBLIC_TEXT)
            assert not METHOD_NAMES.search(text), (label, METHOD_NAMES.findall(text))

        fac_io.call("set_priorities", {"proposal_ids": [ids[A]]})
        fac_io.call("set_details", {"plan_public": True})
        fac_io.call("change_stage", {"stage": "closed"})
        plan = pages.open("published", made["join_url"], viewport=LAPTOP)
        note = plan.locator(".doc-body details.how-counted")
        expect(note.first).to_be_visible()
        expect(note.first.locator("summary")).to_have_text("How this was counted")
        # the names are there, folded in the ranking round's note
        expect(note.filter(has_text="Condorcet")).to_have_count(1)
        text = plan.evaluate(PUBLIC_TEXT)
        assert "Ranked first by most people when compared two at a time" in text
        assert not METHOD_NAMES.search(text), METHOD_NAMES.findall(text)
        found = {
            k: v for k, v in {"published": run_axe(plan), "phone": run_axe(phone)}.items() if v
        }
        assert not found, describe(found)
        pages.shot(plan, "published-plain-words")
        pages.assert_clean()
    finally:
        for voter in voters:
            voter.close()
        fac_io.close()


def test_a_tie_at_the_cut_is_reported_and_left_to_the_facilitator(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server)
    fac_io = facilitator(shared_server, made)
    voters = [attendee(shared_server, made["code"], f"tie-cut-dev-{n:04d}") for n in range(2)]
    ids = ideas(fac_io, (A, B, C, D))
    fac_io.call("change_stage", {"stage": "vote"})
    try:
        # A 3, B 2, C 2, D 1: marking the top 2 would cut between B and C.
        for n, (text, dots, who) in enumerate(((A, 3, 0), (B, 2, 1), (C, 2, 0), (D, 1, 1))):
            voters[who].call(
                "cast_vote", {"proposal_id": ids[text], "points": dots, "request_id": f"v{n}"}
            )
        fac_io.call("change_stage", {"stage": "results"})
        fac = pages.open("facilitator", made["facilitator_url"], viewport=LAPTOP)
        # In Results, marking priorities is at the top of the main column.
        expect(fac.locator("#f-main #prio-sec")).to_be_visible()
        fac.get_by_label("Mark the top").fill("2")
        fac.get_by_role("button", name="Mark as priorities").click()
        tie = fac.locator("#prio-tie")
        expect(tie).to_be_visible()
        expect(fac.locator("#prio-tie-text")).to_have_text(
            f"2 ideas are tied at place 2 with 2 dots each, so the top 2 cannot be marked "
            f"without choosing: {B}; {C}. Nothing has been marked yet."
        )
        expect(fac.locator("#prio-tie-text")).to_be_focused()
        expect(fac.locator("#prio-list > li")).to_have_count(0)  # nothing chosen for them
        found = run_axe(fac)
        assert not found, describe({"console, tie question": found})
        pages.shot(fac, "console-tie-at-the-cut")

        fac.get_by_role("button", name="Mark 3: include every tied idea").click()
        expect(tie).to_be_hidden()
        expect(fac.locator("#prio-list > li")).to_have_count(3)
        fac.get_by_role("button", name="Mark as priorities").click()  # ask again
        fac.get_by_role("button", name="Mark 1: leave the tied ideas out").click()
        expect(fac.locator("#prio-list > li")).to_have_count(1)
        fac.get_by_role("button", name="Mark as priorities").click()
        fac.locator("#tie-pick").get_by_label(C).check()
        fac.get_by_role("button", name="Mark with the ones I ticked").click()
        expect(fac.locator("#prio-list > li")).to_have_count(2)
        expect(fac.locator("#prio-list > li").nth(1)).to_contain_text(C)
        pages.assert_clean()
    finally:
        for voter in voters:
            voter.close()
        fac_io.close()


def test_the_facilitator_link_is_copied_and_opens_the_console_in_a_fresh_browser(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server, title="Tenants' meeting")
    fac = pages.open(
        "facilitator",
        made["facilitator_url"],
        viewport=LAPTOP,
        permissions=["clipboard-read", "clipboard-write"],
    )
    expect(fac.locator("#console")).to_be_visible()
    expect(fac).not_to_have_url(re.compile("token"))
    link = fac.locator("#link-sec")
    expect(link).to_contain_text("Anyone with this link controls the workshop.")
    expect(fac.get_by_label("The link to this console")).to_have_value(made["facilitator_url"])
    fac.get_by_role("button", name="Copy the link").click()
    expect(fac.locator("#link-msg")).to_contain_text("Copied.")
    copied = fac.evaluate("navigator.clipboard.readText()")
    assert copied == made["facilitator_url"]

    # The QR code for a co-facilitator's phone says the same link.
    fac.get_by_role("button", name="Show a QR code for a co-facilitator’s phone").click()
    expect(fac.locator("#link-qr-img")).to_be_visible()
    png = pages.shot_element(fac.locator("#link-qr-img"), "facilitator-link-qr")
    assert [r.text for r in zxingcpp.read_barcodes(Image.open(png))] == [copied]
    found = run_axe(fac)
    assert not found, describe({"console, link panel": found})

    # A fresh browser (no storage) opens the console from the copied link.
    fresh = pages.open("co-facilitator", copied, viewport=LAPTOP)
    expect(fresh.locator("#console")).to_be_visible()
    expect(fresh.locator("#stage-now")).to_have_text("Welcome")
    # Without it, the console says where the link is and takes it pasted.
    stranger = pages.open("stranger", made["join_url"] + "/facilitate/", viewport=LAPTOP)
    expect(stranger.locator("#no-token")).to_be_visible()
    stranger.get_by_label("Paste the facilitator link here").fill("not a link")
    stranger.get_by_role("button", name="Open the console").click()
    expect(stranger.locator("#paste-msg")).to_contain_text("That is not a facilitator link")
    stranger.get_by_label("Paste the facilitator link here").fill(copied)
    stranger.get_by_role("button", name="Open the console").click()
    expect(stranger.locator("#console")).to_be_visible()

    # A new link stops the old one at once.
    fac.get_by_text("The link got out?").click()
    fac.get_by_role("button", name="Make a new facilitator link").click()
    expect(fac.locator("#link-msg")).to_contain_text("the old one no longer works")
    expect(fac.get_by_label("The link to this console")).not_to_have_value(copied)
    late = pages.open("late", copied, viewport=LAPTOP)
    expect(late.locator("#no-token")).to_be_visible()
    pages.assert_clean()


def test_each_stage_shows_its_tools_and_the_guide_ticks_itself(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server)
    fac = pages.open("facilitator", made["facilitator_url"], viewport=LAPTOP)
    guide = fac.locator("#guide")
    expect(guide).to_be_visible()
    steps = guide.locator("#guide-list > li")
    expect(steps).to_have_count(7)
    expect(steps.nth(0)).to_have_class("next")
    with fac.context.expect_page() as opened:
        fac.locator("#open-wall").click()
    opened.value.close()
    expect(steps.nth(0)).to_have_class("done")
    # The side column scrolls on a laptop screen, and says so.
    more = fac.locator("#more-below")
    expect(more).to_be_visible()
    pages.shot(fac, "console-lobby-with-guide", full_page=False)
    more.click()  # brings the rest of the column into view
    fac.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    fac.locator(".f-col").evaluate("c => c.scrollTo(0, c.scrollHeight)")
    expect(more).to_be_hidden()  # nothing more below
    fac.evaluate("window.scrollTo(0, 0)")

    phone = pages.open("phone", made["join_url"] + "/", **PHONE)  # a trailing "/" too
    phone.get_by_role("button", name="Join").click()
    expect(steps.nth(1)).to_have_class("done")
    fac.get_by_role("button", name="Next: Share your ideas").click()
    expect(fac.locator("#f-main #add-sec")).to_be_visible()
    fac.get_by_label("The idea, as written").fill(A)
    fac.get_by_role("button", name="Add idea").click()
    fac.get_by_label("The idea, as written").fill(B)
    fac.get_by_role("button", name="Add idea").click()
    expect(steps.nth(2)).to_have_class("done")

    fac.get_by_role("button", name="Next: Grouping ideas").click()
    group = fac.locator("#group-sec")
    expect(group).to_be_visible()
    group.get_by_label("Merge", exact=True).select_option(label=B)
    group.get_by_label("into").select_option(label=A)
    group.get_by_role("button", name="Merge").click()
    expect(fac.locator("#props > li")).to_have_count(1)
    pages.shot(fac, "console-grouping-tools", full_page=False)

    fac.get_by_role("button", name="Next: Voting").click()
    expect(group).to_be_hidden()
    fac.get_by_role("button", name="Next: Results").click()
    expect(steps.nth(4)).to_have_class("done")
    fac.get_by_role("button", name="Next: Action planning").click()
    fac.get_by_role("button", name="Next: Closed").click()
    closing = fac.locator("#f-main #exp-sec")
    expect(closing).to_be_visible()
    expect(fac.locator("#f-main #fu-sec")).to_be_visible()
    fac.get_by_role("button", name="Publish the plan").click()
    expect(fac.locator("#t-public")).to_have_attribute("aria-pressed", "true")
    expect(steps.nth(6)).to_have_class("done")
    with fac.expect_download() as download:
        closing.get_by_role("button", name="Download plan (Markdown)").click()
    assert download.value.suggested_filename == f"{made['code']}-plan.md"
    expect(fac.locator("#exp-msg")).to_have_text(
        f"Downloaded {made['code']}-plan.md: look in your Downloads folder."
    )
    found = run_axe(fac)
    assert not found, describe({"console, closed": found})
    pages.shot(fac, "console-closed-tools", full_page=False)

    fac.get_by_role("button", name="Hide this guide").click()
    expect(guide).to_be_hidden()
    fac.reload()
    expect(fac.locator("#console")).to_be_visible()
    expect(guide).to_be_hidden()
    pages.assert_clean()
