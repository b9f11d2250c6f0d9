"""The Content-Security-Policy as the browser receives and enforces it; no console errors."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.helpers import PHONE, create_workshop, published
from tests.servers import Server

pytestmark = pytest.mark.browser

SCRIPT_DIRECTIVES = ("default-src", "script-src", "script-src-elem", "script-src-attr")
LOOSE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:")
IDEA = "Link up with the Gravesend food bank"
STAGE_NAMES = [
    "Welcome",
    "Share your ideas",
    "Grouping ideas",
    "Voting",
    "Results",
    "Action planning",
    "Closed",
]


def directives(policy: str) -> dict[str, list[str]]:
    """Split a CSP header into {directive: [sources]}."""
    found = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            found[words[0].lower()] = words[1:]
    return found


def test_every_page_sends_a_policy_that_forbids_inline_script(
    shared_server: Server, pages: Any
) -> None:
    made = published(shared_server, IDEA)
    code = made["code"]
    page = pages.open("visitor")
    urls = {
        "home": f"{shared_server.url}/",
        "home after an unknown join code": f"{shared_server.url}/join?code=ZZZZZZ",
        "phone": made["join_url"],
        "projector": made["screen_url"],
        "facilitator console": made["facilitator_url"],
        "QR code opened on its own": f"{shared_server.url}/w/{code}/qr.svg",
        "unknown workshop": f"{shared_server.url}/w/ZZZZZZ",
        "published plan": f"{shared_server.url}/w/{code}/plan",
        "series page": f"{shared_server.url}/s/{code}",
    }
    for where, url in urls.items():
        response = page.goto(url)
        headers = response.all_headers()
        assert "content-security-policy" in headers, f"{where}: no enforced CSP: {headers}"
        policy = directives(headers["content-security-policy"])
        assert "script-src" in policy or "default-src" in policy, f"{where}: {policy}"
        for name in SCRIPT_DIRECTIVES:
            loose = [s for s in policy.get(name, []) if s.lower() in LOOSE]
            assert not loose, f"{where}: {name} allows {loose}"
        assert policy.get("script-src", policy.get("default-src")) == ["'self'"], where
        assert headers.get("x-content-type-options") == "nosniff", where
    pages.assert_clean(
        ignore=(
            f"status of 404 (NOT FOUND) [{urls['unknown workshop']}]",
            # A browser asks for /favicon.ico for a bare SVG document (pages say data:,).
            f"status of 404 (NOT FOUND) [{shared_server.url}/favicon.ico]",
            # A known bug, tracked by test_published_plan_pages_break_no_csp_rule below.
            "Applying inline style violates",
        )
    )


def test_published_plan_pages_break_no_csp_rule(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = published(shared_server, IDEA)
    reader = pages.open("reader", f"{shared_server.url}/w/{made['code']}/plan", **PHONE)
    expect(reader.locator("main")).to_contain_text("Ask the food bank to host a stall")
    reader.goto(f"{shared_server.url}/s/{made['code']}")
    expect(reader.get_by_role("heading", name="The meetings")).to_be_visible()
    pages.assert_clean()


def test_the_browser_blocks_injected_inline_script_and_reports_it(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server)
    phone = pages.open("phone", made["join_url"], **PHONE)
    expect(phone.locator("#banner")).to_be_hidden()
    phone.evaluate(
        """() => {
          const s = document.createElement('script');
          s.textContent = 'window.inlineRan = true';
          document.head.appendChild(s);
          const b = document.createElement('button');
          b.setAttribute('onclick', 'window.handlerRan = true');
          document.body.appendChild(b);
          b.click();
        }"""
    )
    assert phone.evaluate("[window.inlineRan, window.handlerRan]") == [None, None]
    blocked = [p for p in pages.problems if "Content Security Policy" in p]
    assert len(blocked) >= 2, pages.problems  # the suite sees CSP violations as errors
    assert pages.errors(ignore=("Content Security Policy",)) == []


def test_no_console_errors_on_any_page_through_a_whole_session(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    home = pages.open("home", f"{shared_server.url}/")
    home.get_by_role("button", name="Create the workshop").click()  # no title: a message
    expect(home.locator("#create-msg")).to_have_text("Type a title for the workshop.")
    home.get_by_label("Workshop title").fill("Follow-up meeting, Gravesend")
    home.get_by_role("button", name="Create the workshop").click()
    expect(home.locator("#created")).to_be_visible()
    code = home.locator("#l-join").text_content().rsplit("/", 1)[-1]

    phone = pages.open("phone", f"{shared_server.url}/", **PHONE)
    phone.get_by_label("Join code").fill(code.lower())
    phone.get_by_role("button", name="Join").click()
    expect(phone.get_by_role("heading", name="Follow-up meeting, Gravesend")).to_be_visible()
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#stage-h")).to_have_text("Welcome")

    wall = pages.open(
        "projector",
        f"{shared_server.url}/w/{code}/screen?theme=contrast",
        viewport={"width": 1920, "height": 1080},
    )
    expect(wall.locator("body")).to_have_class(re.compile(r"\bhc\b"))
    wall.keyboard.press("c")
    expect(wall.locator("body")).not_to_have_class(re.compile(r"\bhc\b"))

    home.get_by_role("button", name="Open the facilitator console").click()
    expect(home.locator("#console")).to_be_visible()
    for number, name in enumerate(STAGE_NAMES, start=1):
        home.get_by_role("button", name=f"{number}. {name}").click()
        for page, where in ((home, "#stage-now"), (phone, "#stage-h"), (wall, "#s-stage")):
            expect(page.locator(where)).to_have_text(name)
        if name == "Share your ideas":
            phone.get_by_label("Your idea").fill(IDEA)
            phone.get_by_role("button", name="Submit").click()
            expect(phone.locator("#idea-ok")).to_be_visible()
        if name == "Voting":
            phone.get_by_role("button", name=f"Add a dot to: {IDEA}").click()
            # results stay hidden until revealed: the wall says who voted, not the dots
            expect(wall.locator("#s-part .s-voted")).to_have_text("1 of 1 have voted")
            expect(wall.locator("#s-list .pts")).to_have_count(0)
    with home.expect_download() as download:
        home.locator("#download").click()
    assert download.value.suggested_filename == f"{code}-plan.md"

    stranger = pages.open("stranger", f"{shared_server.url}/w/{code}/facilitate")
    expect(stranger.locator("#no-token")).to_be_visible()
    pages.assert_clean()
