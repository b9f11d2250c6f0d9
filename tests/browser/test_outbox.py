"""A phone on weak Wi-Fi keeps what a person taps, sends it once, and never says "not sent"."""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.browser.helpers import (
    NETWORK_NOISE,
    PHONE,
    create_workshop,
    describe,
    facilitator,
    run_axe,
)
from tests.browser.test_resilience import IDEAS, voting_workshop
from tests.servers import Server

pytestmark = pytest.mark.browser

# Runs in the phone before its scripts: every sentence the message box or the banner ever
# shows, so a test can say what the page never said, not only what it says at the end.
SAID = """
window.__said = [];
new MutationObserver(() => {
  for (const id of ['msg-text', 'banner']) {
    const n = document.getElementById(id);
    const box = id === 'banner' ? n : document.getElementById('msg');
    const text = n && box && !box.hidden ? n.textContent : '';
    if (text && window.__said.at(-1) !== text) window.__said.push(text);
  }
}).observe(document, {subtree: true, childList: true, characterData: true, attributes: true});
"""


@pytest.fixture
def server(start_server: Callable[..., Server]) -> Server:
    return start_server()


@pytest.fixture
def made(server: Server) -> dict[str, Any]:
    return voting_workshop(server)


@pytest.fixture
def fac(server: Server, made: dict[str, Any]) -> Iterator[Any]:
    client = facilitator(server, made)
    yield client
    client.close()


def totals(fac: Any, made: dict[str, Any]) -> dict[int, int]:
    """Return the facilitator's tally: dots per proposal, read afresh from the server."""
    auth = {"code": made["code"], "token": made["facilitator_token"]}
    tally = fac.call("facilitate_workshop", auth)["state"]["tally"]
    return {pid: int(tally["totals"].get(str(pid), 0)) for pid in made["ids"]}


def joined_phone(pages: Any, made: dict[str, Any], expect: Any) -> Any:
    phone = pages.open("phone", **PHONE)
    phone.add_init_script(SAID)
    phone.goto(made["join_url"])
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#dots-text")).to_have_text("You have 5 of 5 dots left")
    return phone


def add(phone: Any, idea: str) -> Any:
    return phone.get_by_role("button", name=f"Add a dot to: {idea}", exact=True)


def take(phone: Any, idea: str) -> Any:
    return phone.get_by_role("button", name=f"Take back a dot from: {idea}", exact=True)


def mine(phone: Any, idea: str) -> Any:
    return phone.locator("#list > li").filter(has_text=idea).locator(".mine")


def outbox_stored(phone: Any, code: str) -> Any:
    return phone.evaluate(f"localStorage.getItem('workshop.outbox.{code}')")


def never_said_not_sent(phone: Any) -> None:
    said = phone.evaluate("window.__said")
    wrong = re.compile(r"not sent|not counted|Check your Wi-Fi", re.I)
    assert not [s for s in said if wrong.search(s)], said
    assert phone.locator("#msg").is_hidden(), phone.locator("#msg-text").text_content()


def test_two_dots_placed_offline_are_shown_waiting_then_counted_once(
    server: Server, made: dict[str, Any], fac: Any, pages: Any, expect: Any
) -> None:
    phone = joined_phone(pages, made, expect)
    phone.context.set_offline(True)
    expect(phone.locator("#banner")).to_have_text("No connection: your taps are kept.")
    add(phone, IDEAS[0]).click()
    add(phone, IDEAS[0]).click()
    # Waiting, never counted: the page says so, and the laptop has nothing yet.
    expect(phone.locator("#dots-text")).to_have_text(
        "You have 3 of 5 dots left (2 dots waiting to send)"
    )
    expect(mine(phone, IDEAS[0])).to_have_text("Your dots: 0 (2 waiting to send)")
    expect(phone.locator("#outbox-text")).to_have_text(
        "2 dots waiting to send. Kept on this phone: sent as soon as it reconnects."
    )
    expect(phone.locator("#outbox-list > li")).to_have_count(2)
    assert totals(fac, made)[made["ids"][0]] == 0
    found = run_axe(phone)
    assert not found, describe({"phone with waiting dots": found})
    pages.shot(phone, "two-dots-waiting-offline")

    phone.context.set_offline(False)
    expect(phone.locator("#dots-text")).to_have_text("You have 3 of 5 dots left", timeout=5_000)
    expect(mine(phone, IDEAS[0])).to_have_text("Your dots: 2", timeout=5_000)
    expect(phone.locator("#outbox")).to_be_hidden()
    assert outbox_stored(phone, made["code"]) is None
    assert totals(fac, made) == dict(zip(made["ids"], [2, 0, 0], strict=True))
    never_said_not_sent(phone)
    pages.assert_clean(ignore=NETWORK_NOISE)


def test_a_waiting_dot_can_be_cancelled_and_the_budget_counts_waiting_dots(
    server: Server, made: dict[str, Any], fac: Any, pages: Any, expect: Any
) -> None:
    phone = joined_phone(pages, made, expect)
    add(phone, IDEAS[1]).click()
    expect(mine(phone, IDEAS[1])).to_have_text("Your dots: 1")
    phone.context.set_offline(True)
    expect(phone.locator("#banner")).to_be_visible()
    for _ in range(3):
        add(phone, IDEAS[0]).click()
    # A fourth dot on one idea is refused on the phone, as the laptop would refuse it.
    expect(add(phone, IDEAS[0])).to_have_attribute("aria-disabled", "true")
    add(phone, IDEAS[0]).click(force=True)
    expect(phone.locator("#msg-text")).to_have_text("You can put at most 3 dots on one idea.")
    phone.locator("#msg-close").click()
    add(phone, IDEAS[2]).click()
    # 1 counted + 4 waiting = 5: no dot left to place, even though the laptop knows of one.
    expect(phone.locator("#dots-text")).to_have_text(
        "You have 0 of 5 dots left (4 dots waiting to send)"
    )
    expect(add(phone, IDEAS[2])).to_have_attribute("aria-disabled", "true")
    cancel = phone.get_by_role("button", name=f"Cancel: A dot for: {IDEAS[2]}")
    cancel.click()
    expect(phone.locator("#dots-text")).to_have_text(
        "You have 1 of 5 dots left (3 dots waiting to send)"
    )
    # Taking back a dot that is still waiting cancels it instead of sending both.
    take(phone, IDEAS[0]).click()
    expect(mine(phone, IDEAS[0])).to_have_text("Your dots: 0 (2 waiting to send)")
    pages.shot(phone, "waiting-dots-with-cancel")

    phone.context.set_offline(False)
    expect(phone.locator("#dots-text")).to_have_text("You have 2 of 5 dots left", timeout=5_000)
    assert totals(fac, made) == dict(zip(made["ids"], [2, 1, 0], strict=True))
    pages.assert_clean(ignore=NETWORK_NOISE)


def test_the_server_answer_wins_with_a_sentence(
    server: Server, made: dict[str, Any], fac: Any, pages: Any, expect: Any
) -> None:
    phone = joined_phone(pages, made, expect)
    phone.context.set_offline(True)
    expect(phone.locator("#banner")).to_be_visible()
    add(phone, IDEAS[2]).click()
    expect(mine(phone, IDEAS[2])).to_have_text("Your dots: 0 (1 waiting to send)")
    fac.call("change_stage", {"stage": "results"})  # voting closed while the phone was away
    phone.context.set_offline(False)
    expect(phone.locator("#msg-text")).to_contain_text(
        f'Your dot on "{IDEAS[2]}" was not counted. ', timeout=5_000
    )
    expect(phone.locator("#stage-h")).to_have_text("Results")
    assert outbox_stored(phone, made["code"]) is None
    assert totals(fac, made)[made["ids"][2]] == 0
    pages.assert_clean(ignore=NETWORK_NOISE)


def test_a_tap_at_the_instant_the_connection_drops_counts_once_and_is_never_called_not_sent(
    server: Server, made: dict[str, Any], fac: Any, pages: Any, expect: Any
) -> None:
    # Record every WebSocket, so the page can lose its connection in the same instant as the tap.
    phone = pages.open("phone", **PHONE)
    phone.add_init_script(
        "const R = WebSocket; window.__ws = [];"
        "window.WebSocket = function (u, p) {"
        "  const w = p ? new R(u, p) : new R(u); __ws.push(w); return w; };"
        "Object.assign(window.WebSocket, {CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3});"
    )
    phone.add_init_script(SAID)
    phone.goto(made["join_url"])
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#dots-text")).to_have_text("You have 5 of 5 dots left")

    # 1. The tap leaves the phone, then the connection dies before the laptop's answer comes back.
    phone.evaluate(
        """(name) => {
          document.querySelector(`[aria-label="${name}"]`).click();
          __ws.filter(w => w.readyState === 1).forEach(w => w.close());
        }""",
        f"Add a dot to: {IDEAS[0]}",
    )
    expect(mine(phone, IDEAS[0])).to_have_text("Your dots: 1", timeout=10_000)
    # 2. Real drops (Chromium's offline switch) right after real taps, three times.
    for n in range(1, 4):
        add(phone, IDEAS[1]).click()
        phone.context.set_offline(True)
        phone.wait_for_timeout(300)
        phone.context.set_offline(False)
        expect(mine(phone, IDEAS[1])).to_have_text(f"Your dots: {n}", timeout=10_000)
    expect(phone.locator("#dots-text")).to_have_text("You have 1 of 5 dots left")
    assert totals(fac, made) == dict(zip(made["ids"], [1, 3, 0], strict=True))
    assert outbox_stored(phone, made["code"]) is None
    never_said_not_sent(phone)
    pages.assert_clean(ignore=NETWORK_NOISE)


def test_a_reload_sends_the_waiting_dots_once(
    server: Server, made: dict[str, Any], fac: Any, pages: Any, expect: Any
) -> None:
    # The laptop made unreachable while the page itself still loads: socket.io traffic only
    # goes through these routes (installed before the page loads, as Playwright requires).
    blocked, routes = {"on": False}, []

    def websocket(ws: Any) -> None:
        if blocked["on"]:
            ws.close()
        else:
            routes.append(ws)
            ws.connect_to_server()

    phone = pages.open("phone", **PHONE)
    phone.context.route_web_socket(re.compile(r"/socket\.io/"), websocket)
    phone.context.route(
        re.compile(r"/socket\.io/"),
        lambda route: route.abort() if blocked["on"] else route.continue_(),
    )
    phone.goto(made["join_url"])
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#dots-text")).to_have_text("You have 5 of 5 dots left")
    blocked["on"] = True
    for ws in routes:
        ws.close()
    expect(phone.locator("#banner")).to_be_visible()
    add(phone, IDEAS[2]).click()
    add(phone, IDEAS[1]).click()
    expect(phone.locator("#outbox-text")).to_contain_text("2 dots waiting to send.")

    phone.reload()
    expect(phone.locator("#outbox-text")).to_contain_text("2 dots waiting to send.")
    expect(phone.locator("#outbox-list > li").first).to_contain_text(f"A dot for: {IDEAS[2]}")
    assert totals(fac, made) == dict(zip(made["ids"], [0, 0, 0], strict=True))
    pages.shot(phone, "waiting-after-reload")

    blocked["on"] = False
    phone.context.set_offline(True)  # the Wi-Fi comes back: the browser says "online"
    phone.context.set_offline(False)
    expect(phone.locator("#dots-text")).to_have_text("You have 3 of 5 dots left")
    expect(phone.locator("#outbox")).to_be_hidden()
    phone.reload()  # a second reload finds nothing left to send
    expect(phone.locator("#dots-text")).to_have_text("You have 3 of 5 dots left")
    assert totals(fac, made) == dict(zip(made["ids"], [0, 1, 1], strict=True))
    assert outbox_stored(phone, made["code"]) is None
    pages.assert_clean(ignore=NETWORK_NOISE)


def test_flapping_wifi_with_taps_and_take_backs_ends_with_page_wall_and_tally_agreeing(
    server: Server, made: dict[str, Any], fac: Any, pages: Any, expect: Any
) -> None:
    fac.call("set_display", {"wall_mode": "results"})  # this wall counts live, as votes come in
    wall = pages.open("wall", made["screen_url"], viewport={"width": 1280, "height": 720})
    phone = joined_phone(pages, made, expect)
    rng = random.Random(17)
    expected = dict.fromkeys(IDEAS, 0)
    taps = taps_offline = 0
    offline = False
    started = time.monotonic()
    flipped = started
    while time.monotonic() - started < 20:
        if time.monotonic() - flipped >= 1.5:
            offline = not offline
            phone.context.set_offline(offline)
            flipped = time.monotonic()
        idea = rng.choice(IDEAS)
        adding = rng.random() < 0.6
        button = add(phone, idea) if adding else take(phone, idea)
        if button.get_attribute("aria-disabled") != "true":  # the page's own budget rules
            button.click()
            expected[idea] += 1 if adding else -1
            taps += 1
            taps_offline += offline
        phone.wait_for_timeout(rng.randint(100, 400))
    phone.context.set_offline(False)
    assert taps >= 20 and taps_offline >= 5, (taps, taps_offline)

    expect(phone.locator("#outbox")).to_be_hidden(timeout=15_000)
    assert outbox_stored(phone, made["code"]) is None
    placed = sum(expected.values())
    expect(phone.locator("#dots-text")).to_have_text(f"You have {5 - placed} of 5 dots left")
    for idea, n in expected.items():
        expect(mine(phone, idea)).to_have_text(f"Your dots: {n}")
    tally = totals(fac, made)
    assert tally == {pid: expected[idea] for pid, idea in zip(made["ids"], IDEAS, strict=True)}
    assert all(0 <= n <= 3 for n in tally.values()) and sum(tally.values()) <= 5
    expect(wall.locator("#s-h")).to_have_text(
        "1 dot placed" if placed == 1 else f"{placed} dots placed"
    )
    for idea, n in expected.items():
        row = wall.locator("#s-list > li").filter(has_text=idea)
        if n:
            expect(row.locator(".pts")).to_have_text(str(n))
        else:  # the wall lists only proposals with support
            expect(row).to_have_count(0)
    pages.shot(phone, "after-flapping-phone")
    pages.shot(wall, "after-flapping-wall", full_page=False)
    never_said_not_sent(phone)
    pages.assert_clean(ignore=NETWORK_NOISE)


def test_ideas_ballots_suggestions_and_offers_wait_offline_and_are_sent_once(
    server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(server)
    fac = facilitator(server, made)
    auth = {"code": made["code"], "token": made["facilitator_token"]}

    def state() -> dict[str, Any]:
        answer: dict[str, Any] = fac.call("facilitate_workshop", auth)["state"]
        return answer

    fac.call("change_stage", {"stage": "propose"})
    phone = pages.open("phone", made["join_url"], **PHONE)
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#stage-h")).to_have_text("Share your ideas")
    box = phone.locator("#outbox-text")

    # An idea
    phone.context.set_offline(True)
    expect(phone.locator("#banner")).to_be_visible()
    phone.get_by_label("Your idea").fill("A drop-in in Swanley")
    phone.get_by_role("button", name="Submit").click()
    expect(phone.locator("#idea-ok")).to_have_text(
        "Your idea is waiting to send. It will be sent when you are reconnected."
    )
    expect(phone.locator("#mine-list")).to_have_text("A drop-in in Swanley (waiting to send)")
    expect(box).to_have_text(
        "1 idea waiting to send. Kept on this phone: sent as soon as it reconnects."
    )
    phone.context.set_offline(False)
    expect(phone.locator("#idea-ok")).to_have_text("Thank you. Your idea was sent.")
    expect(phone.locator("#mine-list")).to_have_text("A drop-in in Swanley")
    assert [p["text"] for p in state()["proposals"]] == ["A drop-in in Swanley"]

    # A whole ballot
    fac.call("add_proposal", {"text": "Peer mentors", "request_id": "p1"})
    fac.call("start_round", {"method": "approval", "request_id": "r-approval"})
    expect(phone.locator("#b-send")).to_have_text("Send my vote")
    phone.context.set_offline(True)
    expect(phone.locator("#banner")).to_be_visible()
    phone.get_by_role("button", name="Support: Peer mentors").click()
    phone.get_by_role("button", name="Send my vote").click()
    expect(phone.locator("#b-status")).to_have_text(
        "Your vote is waiting to send. It will be sent when you are reconnected."
    )
    expect(box).to_contain_text("1 vote waiting to send.")
    assert state()["tally"]["voters"] == 0
    phone.context.set_offline(False)
    expect(phone.locator("#b-status")).to_have_text(
        "Your vote is in — you can change it until voting closes."
    )
    tally = state()["tally"]
    assert tally["voters"] == 1 and sum(tally["totals"].values()) == 1

    # A suggested action and an offer to help
    priority = state()["proposals"][1]["id"]
    fac.call("set_priorities", {"proposal_ids": [priority]})
    fac.call(
        "add_action", {"priority_id": priority, "text": "Train peer mentors", "request_id": "a1"}
    )
    fac.call("change_stage", {"stage": "plan"})
    helping = phone.get_by_role("button", name="I can help with: Train peer mentors", exact=True)
    expect(helping).to_have_attribute("aria-pressed", "false")
    phone.context.set_offline(True)
    expect(phone.locator("#banner")).to_be_visible()
    helping.click()
    expect(helping).to_have_attribute("aria-pressed", "true")
    phone.get_by_role("button", name="Suggest an action, for priority 1").click()
    phone.get_by_label("Your suggested action").fill("Ask the library for a room")
    phone.get_by_role("button", name="Send", exact=True).click()
    expect(box).to_have_text(
        "1 suggested action, 1 offer to help waiting to send. "
        "Kept on this phone: sent as soon as it reconnects."
    )
    pages.shot(phone, "plan-waiting-offline")
    phone.context.set_offline(False)
    expect(phone.locator("#outbox")).to_be_hidden()
    expect(phone.get_by_text("Thank you. Your suggestion was sent.")).to_be_visible()
    actions = {a["text"]: a for a in state()["actions"]}
    assert set(actions) == {"Train peer mentors", "Ask the library for a room"}
    assert actions["Train peer mentors"]["volunteers"] == 1
    fac.close()
    pages.assert_clean(ignore=NETWORK_NOISE)
