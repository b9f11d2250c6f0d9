"""A voting phone in a real browser rides out Wi-Fi drops, a server restart and a reload."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest

from tests.browser.helpers import (
    GROUPS,
    NETWORK_NOISE,
    PHONE,
    attendee,
    create_workshop,
    facilitator,
)
from tests.servers import Server

pytestmark = pytest.mark.browser

IDEAS = ["Peer mentors", "Evening opening hours", "Help with transport to the hubs"]
RECONNECTING = "Reconnecting to the laptop… Your taps are kept."
OFFLINE = "No connection: your taps are kept."


def voting_workshop(server: Server, **fields: Any) -> dict[str, Any]:
    """Create a workshop with three proposals, in the vote stage."""
    made = create_workshop(server, **fields)
    fac = facilitator(server, made)
    fac.call("change_stage", {"stage": "propose"})
    made["ids"] = [
        fac.call("add_proposal", {"text": text, "request_id": f"paper-{n}"})["proposal_id"]
        for n, text in enumerate(IDEAS)
    ]
    fac.call("change_stage", {"stage": "vote"})
    fac.close()
    return made


def dots_left(phone: Any, expect: Any, left: int) -> None:
    expect(phone.locator("#dots-text")).to_have_text(f"You have {left} of 5 dots left")


def test_a_voting_phone_survives_wifi_drops_and_a_server_restart(
    start_server: Callable[..., Server], pages: Any, expect: Any
) -> None:
    server = start_server()
    made = voting_workshop(server)
    code = made["code"]
    wall = pages.open("wall", made["screen_url"], viewport={"width": 1280, "height": 720})
    phone = pages.open("phone", made["join_url"], **PHONE)
    phone.get_by_role("button", name="Join").click()
    dots_left(phone, expect, 5)
    phone.get_by_role("button", name=f"Add a dot to: {IDEAS[0]}").click()
    dots_left(phone, expect, 4)
    device = phone.evaluate(f"localStorage.getItem('workshop.device.{code}')")
    phone.evaluate("window.sameDocument = true")  # gone if the page reloads
    banner = phone.locator("#banner")
    add = phone.get_by_role("button", name=f"Add a dot to: {IDEAS[1]}")

    # -- the Wi-Fi drops: a banner, and a tap is kept as waiting (see test_outbox.py) -----
    phone.context.set_offline(True)
    expect(banner).to_have_text(OFFLINE)
    add.click()
    expect(phone.locator("#dots-text")).to_have_text(
        "You have 3 of 5 dots left (1 dot waiting to send)"
    )
    pages.shot(phone, "offline-vote-waiting")
    # Meanwhile the same person places a dot from another tab that is still online.
    other_tab = attendee(server, code, device)
    vote = {"proposal_id": made["ids"][2], "request_id": "other-tab-1"}
    assert other_tab.call("cast_vote", vote)["dots_left"] == 3

    # -- the Wi-Fi comes back: reconnects by itself and sends the waiting dot -------------
    phone.context.set_offline(False)
    expect(banner).to_be_hidden()
    dots_left(phone, expect, 2)
    expect(add).not_to_have_attribute("aria-disabled", "true")
    other_tab.close()

    # -- the server stops and starts again on the same port and data ----------------------
    server.stop()
    expect(banner).to_have_text(RECONNECTING)
    # The wall names what is away: the laptop, not the projector's Wi-Fi.
    expect(wall.locator("#banner")).to_have_text("Reconnecting to the laptop…")
    pages.shot(wall, "wall-while-the-laptop-is-away", full_page=False)
    server.start()
    expect(banner).to_be_hidden(timeout=30_000)
    expect(wall.locator("#banner")).to_be_hidden(timeout=30_000)
    dots_left(phone, expect, 2)
    assert phone.evaluate("window.sameDocument") is True, "the page was reloaded"
    pages.shot(phone, "back-after-restart")
    # Bound again as the same attendee: a dot from the other tab reaches this phone live.
    other_tab = attendee(server, code, device)
    other_tab.call("cast_vote", {"proposal_id": made["ids"][2], "request_id": "other-tab-2"})
    dots_left(phone, expect, 1)
    other_tab.close()
    add.click()
    dots_left(phone, expect, 0)
    mine = phone.locator("#list > li").filter(has_text=IDEAS[1]).locator(".mine")
    expect(mine).to_have_text("Your dots: 2")
    expect(phone.locator("#msg")).to_be_hidden()
    pages.assert_clean(ignore=NETWORK_NOISE)  # failed requests while offline are expected


def test_a_reload_keeps_the_same_attendee_and_dots(
    start_server: Callable[..., Server], pages: Any, expect: Any
) -> None:
    server = start_server()
    made = voting_workshop(server, groups=GROUPS)
    phone = pages.open("phone", made["join_url"], **PHONE)
    phone.get_by_label("First name or nickname").fill("Jo")
    phone.get_by_label(GROUPS[1]).check()
    phone.get_by_role("button", name="Join").click()
    for left in (4, 3):
        phone.get_by_role("button", name=f"Add a dot to: {IDEAS[2]}").click()
        dots_left(phone, expect, left)

    phone.reload()
    expect(phone.locator("#who")).to_have_text(f"You joined as Jo, {GROUPS[1]}.")
    dots_left(phone, expect, 3)
    mine = phone.locator("#list > li").filter(has_text=IDEAS[2]).locator(".mine")
    expect(mine).to_have_text("Your dots: 2")
    expect(phone.locator("#welcome")).to_be_hidden()
    with urllib.request.urlopen(f"{server.url}/api/workshops/{made['code']}", timeout=5) as answer:
        snapshot = json.loads(answer.read())
    assert snapshot["joined"] == 1, "the reload must not make a second attendee"
    # Results are hidden until revealed: the public snapshot says who voted, not the dots.
    assert snapshot["tally"]["participation"]["voted"] == 1
    pages.assert_clean()
