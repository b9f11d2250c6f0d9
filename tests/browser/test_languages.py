"""Every page in Welsh and in Polish, with no English interface text left (issue #16).

Each page is read as a person sees it: every visible text node, and the names a
screen reader says (aria-label, alt, placeholder). A text that is an English sentence
of the catalogues (a msgid, its {placeholders} matching anything) whose translation
differs is English left behind. What people typed (the title, ideas, actions, group
names) is left out: proposals stay as typed.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.browser.helpers import PHONE, attendee, create_workshop, facilitator, run_axe
from tests.servers import Server

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import catalogues

pytestmark = pytest.mark.browser

TYPED = {
    "cy": (
        "Adolygiad y bartneriaeth",
        ["Mwy o grwpiau gyda'r nos", "Hyfforddiant i wirfoddolwyr"],
        ["Pobl sy'n defnyddio'r gwasanaeth", "Staff"],
        "Gofyn i'r banc bwyd",
    ),
    "pl": (
        "Przegląd partnerstwa",
        ["Więcej grup wieczornych", "Szkolenia dla wolontariuszy"],
        ["Osoby korzystające", "Personel"],
        "Zapytać bank żywności",
    ),
}
VISIBLE_TEXT = """() => {
  const out = [];
  const seen = el => el.checkVisibility ? el.checkVisibility() : !!el.offsetParent;
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const t = n.nodeValue.trim();
    if (t && n.parentElement && seen(n.parentElement)) out.push(t);
  }
  document.querySelectorAll('[aria-label], [alt], [placeholder], [title]').forEach(el => {
    if (!seen(el) && el.tagName !== 'IMG') return;
    ['aria-label', 'alt', 'placeholder'].forEach(a => {
      const v = el.getAttribute(a);
      if (v) out.push(v.trim());
    });
  });
  out.push(document.title);
  return out;
}"""


def english_patterns(language: str) -> list[tuple[re.Pattern[str], str]]:
    """Return a pattern per English sentence whose translation into language differs."""
    catalog = catalogues.read(
        catalogues.FOLDER / language / "LC_MESSAGES" / "messages.po", language
    )
    found = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in strings:
                continue  # the same in both languages ("OK", "(C)")
            literal = re.sub(r"\{\w+\}|%\(\w+\)s", "", english)
            if len(re.findall(r"[A-Za-z]", literal)) < 3:
                continue  # all placeholder: it would match anything
            parts = re.split(r"(\{\w+\}|%\(\w+\)s)", english.replace("&#10;", "\n"))
            pattern = "".join(
                ".+?" if re.fullmatch(r"\{\w+\}|%\(\w+\)s", p) else re.escape(p) for p in parts
            )
            found.append((re.compile(pattern + r"\Z", re.S), english))
    return found


def english_left(page: Any, language: str, typed: list[str]) -> list[str]:
    """Return the English interface sentences the page shows."""
    patterns = english_patterns(language)
    left = []
    for text in page.evaluate(VISIBLE_TEXT):
        if any(t and t in text for t in typed):
            continue
        for pattern, english in patterns:
            if pattern.match(text):
                left.append(f"{text!r} (msgid {english!r})")
                break
    return left


@pytest.mark.parametrize("language", ["cy", "pl"])
def test_every_page_speaks_welsh_and_polish(
    shared_server: Server, pages: Any, expect: Any, language: str
) -> None:
    """Long because it walks one workshop through every stage, reading every page at each."""
    title, ideas, groups, action = TYPED[language]
    typed = [title, *ideas, *groups, action, "Sam"]
    made = create_workshop(shared_server, title=title, groups=groups, language=language)
    steer = facilitator(shared_server, made)
    browser_language = {"locale": language, "extra_http_headers": {"Accept-Language": language}}
    home = pages.open("home", f"{shared_server.url}/", **browser_language)
    phone = pages.open("phone", made["join_url"], **PHONE, **browser_language)
    wall = pages.open("wall", made["screen_url"], viewport={"width": 1280, "height": 720})
    console = pages.open("console", **browser_language, viewport={"width": 1366, "height": 768})
    console.goto(made["facilitator_url"])
    console.locator("#console").wait_for(state="visible")
    seen: dict[str, list[str]] = {}

    def read(page: Any, name: str) -> None:
        seen[name] = english_left(page, language, typed)
        pages.shot(page, f"{language}-{name}")

    read(home, "home")
    expect(phone.locator("html")).to_have_attribute("lang", language)
    read(phone, "phone-welcome")
    phone.fill("#name", "Sam")
    phone.click("#join-btn")
    phone.locator("#stage").wait_for(state="visible")
    wall.locator("#s-joined").wait_for()
    read(phone, "phone-lobby")
    read(wall, "wall-lobby")
    read(console, "console-lobby")

    steer.call("change_stage", {"stage": "propose"})
    phone.locator("#propose-form").wait_for(state="visible")
    phone.fill("#idea", ideas[0])
    phone.click("#idea-btn")
    expect(phone.locator("#mine-list li")).to_have_count(1)
    other = attendee(shared_server, made["code"], "languages-device-0001")
    other.call("submit_proposal", {"text": ideas[1], "request_id": "i2"})
    read(phone, "phone-propose")
    read(wall, "wall-propose")
    # An idea with a phone number waits for the facilitator, who reads why in their language.
    held = "Ffoniwch / Zadzwoń 07700 900123"
    typed.append(held)
    other.call("submit_proposal", {"text": held, "request_id": "i3"})
    console.locator(".q-item").first.wait_for()
    read(console, "console-held")

    steer.call("change_stage", {"stage": "group"})
    steer.call("reveal_proposals", {"revealed": True})
    phone.locator("#list li").first.wait_for()
    read(phone, "phone-group")
    read(wall, "wall-group")

    steer.call("change_stage", {"stage": "vote"})
    phone.locator("#list .dotcard").first.wait_for()
    phone.locator("#list .dotcard button").nth(1).click()
    expect(phone.locator("#dots-text")).to_contain_text("4")
    read(phone, "phone-vote")
    read(wall, "wall-vote")
    read(console, "console-vote")

    steer.call("change_stage", {"stage": "results"})
    steer.call("reveal_results", {"revealed": True})
    phone.locator("#rank li").first.wait_for()
    wall.locator("#s-list li").first.wait_for()
    phone.click("#how summary")  # the method's note, opened: it is server text, translated
    expect(phone.locator("#how-text")).to_be_visible()
    read(phone, "phone-results")
    read(wall, "wall-results")

    state = steer.call(
        "facilitate_workshop", {"code": made["code"], "token": made["facilitator_token"]}
    )
    first = next(p["id"] for p in state["state"]["proposals"] if p["text"] == ideas[0])
    steer.call("change_stage", {"stage": "plan"})
    steer.call("set_priorities", {"proposal_ids": [first]})
    steer.call(
        "add_action",
        {
            "priority_id": first,
            "text": action,
            "owner": "Sam",
            "due_on": "2026-05-01",
            "request_id": "a1",
        },
    )
    phone.locator("#rank .act").first.wait_for()
    wall.locator(".s-act").first.wait_for()
    read(phone, "phone-plan")
    read(wall, "wall-plan")
    console.locator("#plan .fa").first.wait_for()
    read(console, "console-plan")

    steer.call("set_details", {"plan_public": True})
    steer.call("change_stage", {"stage": "closed"})
    expect(phone.locator("#plan-link")).to_be_visible()
    read(phone, "phone-closed")
    read(wall, "wall-closed")
    plan = pages.open("plan", f"{made['join_url']}/plan", **browser_language)
    expect(plan.locator("html")).to_have_attribute("lang", language)
    read(plan, "published-plan")
    missing = pages.open("missing", f"{shared_server.url}/w/ZZZZZZ", **browser_language)
    read(missing, "not-found")

    for client in (steer, other):
        client.close()
    left = {name: found for name, found in seen.items() if found}
    assert not left, "English left:\n" + "\n".join(f"{k}: {v}" for k, v in left.items())
    assert set(seen) >= {"home", "phone-vote", "wall-results", "console-plan", "published-plan"}
    pages.assert_clean(ignore=("/w/ZZZZZZ",))  # the not-found page answers 404, as it should


def test_the_console_makes_the_wall_bilingual(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    """A second wall language chosen on the console reaches the open wall at once."""
    made = create_workshop(shared_server)
    wall = pages.open("wall", made["screen_url"], viewport={"width": 1280, "height": 720})
    expect(wall.locator(".s-code-l")).to_have_text("Join code")
    console = pages.open("console", viewport={"width": 1366, "height": 768})
    console.goto(made["facilitator_url"])
    console.locator("#console").wait_for(state="visible")
    console.select_option("#l-lang2", "cy")
    console.click("#lang-form button[type=submit]")
    expect(console.locator("#lang-msg")).to_have_text("Saved.")
    expect(wall.locator(".s-code-l")).to_have_text("Join code / Cod ymuno")
    expect(wall.locator("#s-stage")).to_have_text("Welcome / Croeso")
    pages.shot(wall, "bilingual-wall")
    pages.assert_clean()


def test_easy_read_words_follow_the_phones_switch(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    """The switch (built beside this) sets data-easy-read and fires workshop:easyread."""
    made = create_workshop(shared_server)
    steer = facilitator(shared_server, made)
    steer.call("change_stage", {"stage": "propose"})
    phone = pages.open("phone", made["join_url"], **PHONE)
    phone.click("#join-btn")
    expect(phone.locator("#stage-h")).to_have_text("Share your ideas")
    switch = """on => { if (on) document.documentElement.dataset.easyRead = 'on';
      else delete document.documentElement.dataset.easyRead;
      window.dispatchEvent(new Event('workshop:easyread')); }"""
    phone.evaluate(switch, True)
    expect(phone.locator("#stage-h")).to_have_text("Tell us your ideas")  # a script's sentence
    expect(phone.locator("#care-open")).to_have_text(  # a sentence of the page itself
        "Tell the person running the meeting in private"
    )
    expect(phone.locator("#idea-count")).to_have_text("500 letters left")
    assert run_axe(phone) == []
    pages.shot(phone, "easy-read-phone")
    phone.evaluate(switch, False)
    expect(phone.locator("#stage-h")).to_have_text("Share your ideas")
    expect(phone.locator("#care-open")).to_have_text("Tell the facilitator privately")
    steer.close()
    pages.assert_clean()
