"""A screen reader's walk through the phone page (issue #16, point 7), beyond axe.

One attendee joins, proposes, places dots, is refused, sees results, votes in a ranking
round, helps plan and sends a private word. At every step the page's accessibility tree
(Playwright's ARIA snapshot, what Chromium exposes to a screen reader) must name every
control, and each change the person must know of must be spoken: a recorder installed
before the page loads keeps every text a live region (aria-live, role=status or alert)
takes, as a screen reader would hear it.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.helpers import (
    GROUPS,
    NETWORK_NOISE,
    PHONE,
    Client,
    attendee,
    create_workshop,
    facilitator,
)
from tests.servers import Server

pytestmark = pytest.mark.browser

IDEAS = [
    "Peer mentors who have been through recovery",
    "Evening opening hours in Gravesend",
    "A drop-in in Sevenoaks",
]

# Every text a visible live region takes, in order (read back and emptied by heard()).
RECORDER = """
window.__said = [];
new MutationObserver(function (records) {
  records.forEach(function (r) {
    var n = r.target.nodeType === 1 ? r.target : r.target.parentElement;
    var live = n && n.closest(
      '[aria-live]:not([aria-live=off]),[role=status],[role=alert],[role=log]');
    if (!live || live.closest('[hidden],[aria-hidden=true]')) return;
    var text = live.textContent.replace(/\\s+/g, ' ').trim();
    if (text) window.__said.push(text);
  });
}).observe(document, {subtree: true, childList: true, characterData: true});
"""

# Roles a person operates, and pictures: each must carry a name in the tree.
NAMED = (
    "button|link|textbox|searchbox|checkbox|radio|switch|combobox|listbox|option|"
    "spinbutton|slider|menuitem|tab|img"
)
# A snapshot line: `- button "Name" [disabled]: text`, YAML-quoted ('...') when it holds a colon.
NODE = re.compile(rf'^\s*- (?P<q>\'?)(?P<role>{NAMED})(?![\w-])(?: "(?P<name>(?:[^"\\]|\\.)*)")?')


def tree(page: Any) -> list[tuple[str, str]]:
    """Return (role, name) of every named-role node the accessibility tree exposes."""
    found = []
    for line in page.locator("body").aria_snapshot().splitlines():
        node = NODE.match(line)
        if node:
            name = node["name"] or ""
            found.append((node["role"], name.replace("''", "'") if node["q"] else name))
    return found


def check_names(page: Any, step: str, *wanted: tuple[str, str]) -> None:
    """Assert no control is nameless and the step's own controls are there by name."""
    nodes = tree(page)
    nameless = [role for role, name in nodes if not name]
    assert not nameless, f"{step}: controls without an accessible name: {nameless}\n{nodes}"
    for role, name in wanted:
        assert any(r == role and n.startswith(name) for r, n in nodes), (
            f"{step}: no {role} named {name!r} in the accessibility tree:\n{nodes}"
        )


def heard(page: Any, *texts: str) -> None:
    """Wait until a live region has said each text, then forget what was said."""
    for text in texts:
        try:
            page.wait_for_function(
                "t => window.__said.some(s => s.includes(t))", arg=text, timeout=10_000
            )
        except Exception as error:  # a Playwright TimeoutError: say what was heard instead
            said = page.evaluate("window.__said")
            raise AssertionError(f"never announced: {text!r}; heard: {said}") from error
    page.evaluate("window.__said.splice(0)")


def test_a_screen_reader_user_walks_the_phone_from_join_to_plan(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server, groups=GROUPS)
    fac = facilitator(shared_server, made)
    try:
        walk(shared_server, made, fac, pages, expect)
    finally:
        fac.close()


def walk(server: Server, made: dict, fac: Client, pages: Any, expect: Any) -> None:
    """Long because it is one person's whole session, step by step, as they hear it."""
    phone = pages.open("phone", **PHONE)
    phone.add_init_script(RECORDER)
    phone.goto(made["join_url"])
    expect(phone.locator("#banner")).to_be_hidden()

    # Join: a labelled name, a group question of radios, the Easy Read switch.
    check_names(
        phone,
        "welcome",
        ("switch", "Easy Read"),
        ("textbox", "First name or nickname"),
        ("radio", "Prefer not to say"),
        ("radio", GROUPS[0]),
        ("button", "Join"),
    )
    phone.get_by_role("textbox", name="First name or nickname").fill("Sam")
    phone.get_by_role("radio", name=GROUPS[1]).check()
    phone.get_by_role("button", name="Join").click()
    heard(phone, "You're in.")
    check_names(phone, "lobby", ("button", "Change name or group"))

    # Propose: the new stage is said; an empty idea is refused aloud; a sent one thanked.
    fac.call("change_stage", {"stage": "propose"})
    heard(phone, "Now: Share your ideas.")
    check_names(
        phone,
        "propose",
        ("textbox", "Your idea"),
        ("button", "Submit"),
        ("button", "Tell the facilitator privately"),
    )
    phone.get_by_role("button", name="Submit").click()
    heard(phone, "Type your idea first, then press Submit.")
    phone.get_by_role("button", name="OK").click()
    phone.get_by_role("textbox", name="Your idea").fill(IDEAS[0])
    phone.get_by_role("button", name="Submit").click()
    heard(phone, "Your idea was sent.")
    for n, text in enumerate(IDEAS[1:]):
        fac.call("add_proposal", {"text": text, "request_id": f"sr-{n}"})

    # Dots: each dot counted is said with the dots left; a full idea refuses aloud.
    fac.call("change_stage", {"stage": "vote"})
    heard(phone, "Now: Voting.")
    add = f"Add a dot to: {IDEAS[0]}"
    check_names(
        phone,
        "dot voting",
        *(("button", f"Add a dot to: {t}") for t in IDEAS),
        *(("button", f"Take back a dot from: {t}") for t in IDEAS),
    )
    phone.get_by_role("button", name=add).click()
    heard(phone, "Your dot was counted. You have 4 of 5 dots left.")
    for left in (3, 2):
        phone.get_by_role("button", name=add).click()
        heard(phone, f"You have {left} of 5 dots left.")
    phone.get_by_role("button", name=add).focus()  # a fourth on one idea: at most 3
    phone.keyboard.press("Enter")  # aria-disabled keeps it focusable, so it can say why
    heard(phone, "You can put at most 3 dots on one idea.")
    phone.get_by_role("button", name="OK").click()

    # A dot sent while away, after voting closed: the refusal and the new stage are said.
    phone.context.set_offline(True)
    expect(phone.locator("#banner")).to_be_visible()
    phone.get_by_role("button", name=f"Add a dot to: {IDEAS[1]}").click()
    fac.call("change_stage", {"stage": "results"})
    phone.context.set_offline(False)
    said = f'Your dot on "{IDEAS[1]}" was not counted.'
    heard(phone, said, "Now: Results.", "The results are shown.")
    phone.get_by_role("button", name="OK").click()

    # Results hidden, then shown again: the page changes without a new stage, so it is said.
    fac.call("reveal_results", {"revealed": False})
    expect(phone.locator("#lead")).to_have_text(
        "Results will appear when the facilitator reveals them."
    )
    fac.call("reveal_results", {"revealed": True})
    heard(phone, "The results are shown.")
    expect(phone.locator("#rank li").first).to_contain_text(IDEAS[0])
    check_names(phone, "results")

    # A ranking round: its start is said; every move of the ballot is said; so is sending.
    fac.call("start_round", {"method": "ranking", "top_k": 2, "request_id": "sr-rank"})
    heard(phone, "Round 2 has started: ranking.")
    check_names(
        phone,
        "ranking",
        *(("button", f"Add to my ranking: {t}") for t in IDEAS),
        ("button", "Send my ranking"),
    )
    phone.get_by_role("button", name=f"Add to my ranking: {IDEAS[2]}").click()
    heard(phone, f"Added {IDEAS[2]} as number 1. Not sent yet.")
    phone.get_by_role("button", name=f"Add to my ranking: {IDEAS[0]}").click()
    heard(phone, f"Added {IDEAS[0]} as number 2. Not sent yet.")
    check_names(
        phone,
        "ranked",
        ("button", f"Move up: {IDEAS[0]}"),
        ("button", f"Move down: {IDEAS[2]}"),
        ("button", f"Remove from my ranking: {IDEAS[0]}"),
    )
    phone.get_by_role("button", name=f"Move up: {IDEAS[0]}").click()
    heard(phone, f"{IDEAS[0]} is now number 1 of 2. Not sent yet.")
    phone.get_by_role("button", name="Send my ranking").click()
    heard(phone, "Your vote is in")
    fac.call("change_stage", {"stage": "results"})
    heard(phone, "Now: Results.", "The results are shown.")
    check_names(phone, "ranking results")
    expect(phone.locator("#rank li").first).to_contain_text(IDEAS[0])

    # Plan: suggesting an action and offering to help are both said.
    auth = {"code": made["code"], "token": made["facilitator_token"]}
    ids = {p["text"]: p["id"] for p in fac.call("facilitate_workshop", auth)["state"]["proposals"]}
    fac.call("set_priorities", {"proposal_ids": [ids[IDEAS[0]]]})
    fac.call(
        "add_action",
        {"priority_id": ids[IDEAS[0]], "text": "Train six peer mentors", "request_id": "sr-a"},
    )
    fac.call("change_stage", {"stage": "plan"})
    heard(phone, "Now: Action planning.")
    check_names(
        phone,
        "plan",
        ("button", "Suggest an action, for priority 1"),
        ("button", "I can help with: Train six peer mentors"),
        ("checkbox", "Show"),
    )
    phone.get_by_role("button", name="Suggest an action, for priority 1").click()
    phone.get_by_role("textbox", name="Your suggested action").fill("Ask the college")
    phone.get_by_role("button", name="Send", exact=True).click()
    heard(phone, "Thank you. Your suggestion was sent.")
    phone.get_by_role("button", name="I can help with: Train six peer mentors").click()
    heard(phone, "Thank you for offering to help.")

    # The private word: its form is named, its sending said.
    phone.get_by_role("button", name="Tell the facilitator privately").click()
    check_names(
        phone,
        "private word",
        ("button", "I need to talk to someone"),
        ("textbox", "Or write a short message"),
        ("textbox", "How can they find you?"),
        ("button", "Send privately"),
    )
    phone.get_by_role("button", name="I need to talk to someone").click()
    heard(phone, "Sent. Only the facilitator can see it.")

    # Easy Read: a switch whose state is in the tree, its change said.
    phone.get_by_role("switch", name="Easy Read").click()
    heard(phone, "Easy Read is on.")
    expect(phone.get_by_role("switch", name="Easy Read")).to_be_checked()
    check_names(phone, "plan in Easy Read", ("img", "Picture:"))

    fac.call("change_stage", {"stage": "closed"})
    heard(phone, "Now: Finished.")  # Easy Read is still on: its word for "Closed"
    check_names(phone, "closed")
    pages.assert_clean(ignore=NETWORK_NOISE)


def test_the_console_and_wall_name_every_control_and_the_console_speaks(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    """The facilitator's console and the wall, stage by stage, read the same way."""
    made = create_workshop(shared_server, groups=GROUPS)
    fac = facilitator(shared_server, made)
    phone = attendee(shared_server, made["code"], "screen-reader-console-01", name="Sam")
    try:
        console = pages.open("facilitator", viewport={"width": 1366, "height": 900})
        console.add_init_script(RECORDER)
        console.goto(made["facilitator_url"])
        wall = pages.open("projector", made["screen_url"], viewport={"width": 1280, "height": 720})
        expect(console.locator("#stage-now")).to_have_text("Welcome")
        check_names(console, "console (lobby)", ("button", "Next"))
        check_names(wall, "wall (lobby)")
        steps = (
            ("propose", "Share your ideas"),
            ("vote", "Voting"),
            ("results", "Results"),
            ("plan", "Action planning"),
            ("closed", "Closed"),
        )
        for stage, says in steps:
            fac.call("change_stage", {"stage": stage})  # from the facilitator's other tab
            heard(console, f"Stage: {says}.")
            expect(wall.locator("#s-stage")).to_have_text(says)
            if stage == "propose":
                for n, text in enumerate(IDEAS):
                    phone.call("submit_proposal", {"text": text, "request_id": f"c-{n}"})
                expect(console.locator("p.ptext", has_text=IDEAS[2])).to_be_visible()
            if stage == "vote":
                word = {"message": "", "whereabouts": "red coat", "request_id": "c-word"}
                phone.call("send_private_word", word)
                heard(console, "A private message has arrived for you.")
            check_names(console, f"console ({stage})")
            check_names(wall, f"wall ({stage})")
        pages.assert_clean()
    finally:
        phone.close()
        fac.close()
