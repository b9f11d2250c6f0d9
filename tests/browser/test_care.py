"""Duty of care in a browser: the review queue by keyboard, a private word, the pause."""

from __future__ import annotations

from typing import Any

from tests.browser.helpers import PHONE, attendee, create_workshop, describe, facilitator, run_axe
from tests.servers import Server

WIDTHS = [(320, 640), (390, 844), (1024, 768), (1280, 720), (1366, 768), (1920, 1080)]


def open_console(pages: Any, made: dict, size: tuple[int, int] = (1366, 768)) -> Any:
    console = pages.open("console", viewport={"width": size[0], "height": size[1]})
    console.goto(made["facilitator_url"])
    console.locator("#console").wait_for(state="visible")
    return console


def join_phone(pages: Any, made: dict, label: str = "phone") -> Any:
    phone = pages.open(label, **PHONE)
    phone.goto(made["join_url"])
    phone.click("#join-btn")
    phone.locator("#stage").wait_for(state="visible")
    return phone


def test_a_held_idea_waits_for_the_console_and_one_key_approves_it(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server, pre_moderation=True)
    steer = facilitator(shared_server, made)
    steer.call("change_stage", {"stage": "propose"})
    steer.call("reveal_proposals", {"revealed": True})
    console = open_console(pages, made)
    screen = pages.open("screen", made["screen_url"], viewport={"width": 1920, "height": 1080})
    phone, other = join_phone(pages, made), join_phone(pages, made, "other phone")
    expect(phone.locator("#pre-mod")).to_be_visible()
    phone.fill("#idea", "Ring me on 07700 900123 about the walking group")
    phone.click("#idea-btn")
    expect(phone.locator("#idea-ok")).to_have_text(
        "Thank you. The facilitator will look at this before it is shared."
    )
    expect(phone.locator("#held-list")).to_contain_text("The facilitator will look at this.")
    item = console.locator("#queue li").first
    expect(item).to_contain_text("It looks like it holds a phone number.")
    expect(item.locator("mark")).to_have_text("07700 900123")
    pages.shot(console, "console-queue")
    pages.shot(phone, "phone-held")
    assert "07700" not in other.inner_text("body") and "07700" not in screen.inner_text("body")

    item.focus()
    console.keyboard.press("e")
    console.keyboard.press("Control+a")
    console.keyboard.type("Ring the hub about the walking group")
    console.keyboard.press("Enter")
    expect(other.locator("#list")).to_contain_text("Ring the hub about the walking group")
    expect(screen.locator("#s-list")).to_contain_text("Ring the hub about the walking group")
    expect(console.locator("#queue-n")).to_have_text("0")
    assert "07700" not in other.inner_text("body") + screen.inner_text("body")

    # Twenty more, each approved or declined with one key, focus moving down the queue.
    people = [attendee(shared_server, made["code"], f"queue-device-{n:08d}") for n in range(2)]
    for n in range(20):
        people[n % 2].call(
            "submit_proposal", {"text": f"Idea {n} for the hubs", "request_id": f"q-{n}"}
        )
    expect(console.locator("#queue-n")).to_have_text("20")
    console.locator("#queue li").first.focus()
    for n in range(20):
        console.keyboard.press("d" if n % 5 == 0 else "a")
        expect(console.locator("#queue-n")).to_have_text(str(19 - n))
    expect(console.locator("#declined-n")).to_have_text("4")
    expect(other.locator("#list li")).to_have_count(17)
    for client in (steer, *people):
        client.close()
    pages.assert_clean()


def test_a_private_word_reaches_only_the_console_and_b_pauses_the_wall(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server)
    console = open_console(pages, made)
    screen = pages.open("screen", made["screen_url"], viewport={"width": 1920, "height": 1080})
    phone = join_phone(pages, made)
    phone.click("#care-open")
    expect(phone.locator("#care-form")).to_be_visible()
    pages.shot(phone, "phone-private-word-form")
    phone.fill("#care-text", "The man at the door scares me")
    phone.fill("#care-where", "Green hat, by the window")
    phone.click("#care-send")
    expect(phone.locator("#care-done")).to_have_text(
        "Sent. Only the facilitator can see it. They will come and find you."
    )
    expect(console.locator("#words-n")).to_have_text("1 private message")
    expect(console.locator("#words-alert")).to_be_visible()  # in view wherever it is scrolled
    body = console.locator("#words-list .w-body")
    expect(body).to_be_hidden()  # collapsed until read: the laptop may be on the wall
    console.click("#words-list button:has-text('Read')")
    expect(body).to_contain_text("The man at the door scares me")
    expect(console.locator("#words-alert")).to_be_hidden()
    expect(body).to_contain_text("How to find them: Green hat, by the window")
    pages.shot(console, "console-private-word")
    assert "door scares" not in screen.inner_text("body")

    console.locator("body").press("b")
    expect(screen.locator("#s-pause")).to_be_visible()
    expect(screen.locator("#s-pause")).to_have_text("We'll be back in a moment")
    expect(console.locator("#t-wall")).to_have_attribute("aria-pressed", "true")
    pages.shot(screen, "screen-paused", full_page=False)
    console.locator("body").press("b")
    expect(screen.locator("#s-pause")).to_be_hidden()

    console.click("#words-list button:has-text('Done')")
    expect(console.locator("#words")).to_be_hidden()
    pages.assert_clean()


def test_care_controls_pass_axe_and_fit_every_width(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server, pre_moderation=True)
    steer = facilitator(shared_server, made)
    steer.call("change_stage", {"stage": "propose"})
    author = attendee(shared_server, made["code"], "axe-device-000000001")
    author.call("submit_proposal", {"text": "Email me at jo@example.com", "request_id": "a-1"})
    author.call("send_private_word", {"whereabouts": "Blue scarf", "request_id": "a-2"})
    found = {}
    for width, height in WIDTHS:
        console = open_console(pages, made, (width, height))
        expect(console.locator("#queue li")).to_have_count(1)
        expect(console.locator("#words")).to_be_visible()
        found[f"console {width}"] = run_axe(console)
        pages.shot(console, f"console-care-{width}")
        phone = pages.open(f"phone {width}", viewport={"width": width, "height": height})
        phone.goto(made["join_url"])
        phone.click("#join-btn")
        phone.click("#care-open")
        found[f"phone {width}"] = run_axe(phone)
        pages.shot(phone, f"phone-care-{width}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= width
    assert not any(found.values()), describe(found)
    for client in (steer, author):
        client.close()
    pages.assert_clean()
