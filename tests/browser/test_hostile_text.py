"""Hostile text typed as a title, a nickname and an action stays literal text on every page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import GROUPS, PHONE, attendee, create_workshop, facilitator
from tests.servers import Server

pytestmark = pytest.mark.browser

TITLE = "<script>alert('title')</script> review"
NAME = "<img/src=x/onerror=alert(2)> Quarterby"
SHOWN_NAME = NAME.split()[0]  # only a name's first word is ever shown to others
PRIORITY = "**Bold** [link](javascript:alert(3))"
ACTION = "<svg onload=alert(4)> drop-in"
OWNER = "\u202eevil.exe | # owner"
OWNER_SHOWN = "evil.exe | # owner"  # bidirectional overrides are removed on the way in
PARTNERS = "&lt;b&gt; & ![i](http://x/y.png)"


def test_hostile_title_name_and_action_are_shown_as_typed_everywhere(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server, title=TITLE, groups=GROUPS)
    code = made["code"]
    fac = facilitator(shared_server, made)
    fac.call("change_stage", {"stage": "propose"})
    priority = fac.call("add_proposal", {"text": PRIORITY, "request_id": "p"})["proposal_id"]
    fac.call("set_priorities", {"proposal_ids": [priority]})
    fac.call("change_stage", {"stage": "plan"})
    action = fac.call(
        "add_action",
        {
            "priority_id": priority,
            "text": ACTION,
            "owner": OWNER,
            "partners": PARTNERS,
            "request_id": "a",
        },
    )["action_id"]
    helper = attendee(shared_server, code, "hostile-helper-000001", name=NAME)
    helper.call(
        "volunteer", {"action_id": action, "helping": True, "show_name": True, "request_id": "h"}
    )

    wall = pages.open("wall", made["screen_url"], viewport={"width": 1920, "height": 1080})
    console = pages.open(
        "console", made["facilitator_url"], viewport={"width": 1366, "height": 900}
    )
    phone = pages.open("phone", made["join_url"], **PHONE)
    phone.get_by_role("button", name="Join").click()
    for page in (wall, console, phone):
        for text in (ACTION, PRIORITY):
            expect(page.get_by_text(text, exact=False).first).to_be_visible()
        expect(page.get_by_text(OWNER_SHOWN, exact=False).first).to_be_attached()
    expect(wall.get_by_text(TITLE, exact=True)).to_be_visible()
    # Only the console names helpers who chose to be named; phones and the wall count them.
    expect(console.get_by_text(SHOWN_NAME, exact=False).first).to_be_visible()
    assert "Quarterby" not in console.inner_text("body")
    assert SHOWN_NAME not in wall.inner_text("body") and SHOWN_NAME not in phone.inner_text("body")
    for page in (wall, console, phone):
        assert page.locator("img[src^='x'], svg[onload], a[href^='javascript']").count() == 0
        assert page.locator("strong").filter(has_text="Bold").count() == 0
    pages.shot(wall, "hostile-wall")
    pages.shot(phone, "hostile-phone")

    fac.call("set_details", {"plan_public": True})
    fac.call("change_stage", {"stage": "closed"})
    reader = pages.open("reader", f"{shared_server.url}/w/{code}/plan", **PHONE)
    for text in (TITLE, PRIORITY, ACTION, PARTNERS):
        expect(reader.get_by_text(text, exact=False).first).to_be_attached()
    assert reader.locator("main img, main a[href^='javascript'], main svg[onload]").count() == 0
    assert SHOWN_NAME not in reader.inner_text("body")  # names never reach the published plan
    pages.shot(reader, "hostile-plan")
    fac.close()
    helper.close()
    pages.assert_clean()
    assert pages.dialogs == []
