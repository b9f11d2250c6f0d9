"""Facilitation methods in real browsers: the "Priority-setting review" run sheet end to end
with themes (dragged and moved by keyboard), a spotlight on the wall and the phones, a dot
round and a ranking of its top eight, and the exported plan's priorities by theme; then
every method's paper ballot printed to PDF at A4 (and US letter), its pages counted and
every number found. Screenshots go to test-artifacts/screenshots/test_facilitation_methods/.
"""

from __future__ import annotations

import io
import re
import urllib.request
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

WALL = {"width": 1920, "height": 1080}
LAPTOP = {"width": 1366, "height": 900}
TEXTS = [
    "A stronger community focus beyond the hub towns",
    "Review how the partners work together",
    "Better communication inside the service and out",
    "More ways for service users to shape the programme",
    "Collaborate with community organisations across the area",
    "Open a drop-in in Swanley",
    "A monthly newsletter",
    "More training for service users",
    "Outreach in the villages",
    "Longer opening hours",
]
# (attendee, proposal index, dots): 5 dots each, at most 3 on one proposal.
DOTS = [(0, 0, 3), (0, 1, 2), (1, 0, 2), (1, 1, 2), (1, 5, 1), (2, 2, 3), (2, 6, 1), (2, 7, 1)]
DOTS += [(3, 3, 2), (3, 4, 2)]
# Round 1 gives P0 5, P1 4, P2 3, P3 2, P4 2, P5..P7 1: the top eight are P0..P7, no tie at the cut.
RANKINGS = [[2, 0, 1], [2, 1, 3], [0, 2, 4], [3, 0, 4]]  # Borda on 8: 7, 6, 5 points


def plan_markdown(server: Server, made: dict) -> str:
    request = urllib.request.Request(
        f"{server.url}/api/workshops/{made['code']}/plan.md",
        headers={"Authorization": f"Bearer {made['facilitator_token']}"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return str(answer.read().decode())


def card(fac: Any, text: str) -> Any:
    return fac.locator("#th-board .th-card").filter(has_text=text)


def column(fac: Any, heading: str) -> Any:
    return fac.locator("#th-board .th-col").filter(
        has=fac.locator("h3", has_text=re.compile("^" + re.escape(heading) + "$"))
    )


def test_the_priority_setting_review_run_sheet_end_to_end(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server, groups=GROUPS)
    code = made["code"]
    people = [
        attendee(shared_server, code, f"review-sheet-phone-{n:02d}", group=f"g{n % 3 + 1}")
        for n in range(4)
    ]
    fac_io = facilitator(shared_server, made)
    found: dict[str, Any] = {}
    try:
        fac = pages.open("facilitator", made["facilitator_url"], viewport=LAPTOP)
        wall = pages.open("projector", made["screen_url"], viewport=WALL)
        phone = pages.open("phone", **PHONE)
        phone.goto(made["join_url"])
        phone.get_by_role("button", name="Join").click()

        # -- follow the plan: the welcome starts at once, on time --------------------------
        fac.get_by_label("Plan to follow").select_option(label="Priority-setting review (100 min)")
        fac.get_by_role("button", name="Follow this plan").click()
        expect(fac.locator("#rs-late")).to_have_text("On time.")
        expect(fac.locator("#rs-next")).to_have_text("Next step: Ideas (15 min)")
        expect(fac.locator("#timer .t-time")).to_have_text(re.compile(r"^[45]:\d\d$"))
        found["console, run sheet"] = run_axe(fac)
        pages.shot(fac, "console-run-sheet")

        fac.locator("#rs-next").click()  # ideas
        expect(fac.locator("#stage-now")).to_have_text("Share your ideas")
        ids = [
            people[n % 4].call("submit_proposal", {"text": t, "request_id": f"p{n}"})["proposal_id"]
            for n, t in enumerate(TEXTS)
        ]

        # -- themes: made on the console, filled by dragging and by the keyboard ------------
        fac.locator("#rs-next").click()  # themes
        expect(fac.locator("#stage-now")).to_have_text("Grouping ideas")
        for heading in ("Community focus", "Working together", "Communication"):
            fac.get_by_label("New theme").fill(heading)
            fac.get_by_role("button", name="Add theme").click()
            expect(column(fac, heading)).to_have_count(1)
        card(fac, TEXTS[0]).drag_to(column(fac, "Community focus"))
        expect(column(fac, "Community focus").locator(".th-card")).to_have_count(1)
        moves = {5: "Community focus", 8: "Community focus", 1: "Working together"}
        moves |= {4: "Working together", 2: "Communication", 6: "Communication"}
        for index, heading in moves.items():
            menu = fac.get_by_label(f"Theme of: {TEXTS[index][:49]}", exact=False)
            menu.focus()
            menu.select_option(label=heading)
            expect(
                column(fac, heading).locator(".th-card").filter(has_text=TEXTS[index])
            ).to_have_count(1)
        fac.locator("#t-props").click()  # show the proposals: the wall draws the columns
        expect(wall.locator("#w-cols .w-col h3")).to_have_text(
            ["Community focus", "Working together", "Communication", "Not grouped yet"]
        )
        expect(wall.locator("#w-cols .w-col").first.locator("li")).to_have_text(
            [TEXTS[0], TEXTS[5], TEXTS[8]]
        )
        found["console, themes"] = run_axe(fac)
        found["wall, themes"] = run_axe(wall)
        pages.shot(fac, "console-themes")
        pages.shot(wall, "wall-themes", full_page=False)

        # -- the spotlight: N on the console puts the first idea full-size everywhere -------
        fac.locator("body").press("n")
        expect(wall.locator("#w-spot .w-spot-t")).to_have_text(TEXTS[0])
        expect(wall.locator("#s-list")).to_be_hidden()
        expect(phone.locator("#p-spot")).to_contain_text("This is being discussed now")
        expect(phone.locator("#p-spot .p-spot-t")).to_have_text(f"#1 {TEXTS[0]}")
        fac.locator("body").press("n")
        expect(wall.locator("#w-spot .w-spot-t")).to_have_text(TEXTS[5])  # theme by theme
        found["wall, spotlight"] = run_axe(wall)
        found["phone, spotlight"] = run_axe(phone)
        pages.shot(wall, "wall-spotlight", full_page=False)
        pages.shot(phone, "phone-spotlight")
        fac_io.call("hide_proposal", {"proposal_id": ids[5], "hidden": True})  # duty of care
        expect(wall.locator("#w-spot")).to_be_hidden()
        expect(phone.locator("#p-spot")).to_be_hidden()
        fac_io.call("hide_proposal", {"proposal_id": ids[5], "hidden": False})
        expect(wall.locator("#w-spot")).to_be_hidden()

        # -- dots, then the ranking of the top eight ------------------------------------------
        fac.locator("#rs-next").click()  # dots (round 1)
        expect(fac.locator("#stage-now")).to_have_text("Voting")
        for n, (person, index, dots) in enumerate(DOTS):
            for k in range(dots):
                people[person].call(
                    "cast_vote", {"proposal_id": ids[index], "request_id": f"d{n}{k}"}
                )
        expect(column(fac, "Community focus").locator(".th-sum")).to_have_text("support 6 (sum)")
        # While people vote the wall shows who has voted, never a theme's support (#18).
        expect(wall.locator("#w-sums li")).to_have_count(0)
        fac.locator("#rs-next").click()  # results
        expect(fac.locator("#t-results")).to_have_attribute("aria-pressed", "true")
        expect(wall.locator("#w-sums li")).to_have_count(3)
        fac.locator("#rs-next").click()  # ranking of the top eight
        expect(fac.locator("#r-now")).to_contain_text("Round 2: Ranking")
        state = fac_io.call(
            "facilitate_workshop", {"code": code, "token": made["facilitator_token"]}
        )["state"]
        assert sorted(state["round"]["proposal_ids"]) == sorted(ids[:8])
        assert state["round"]["top_k"] == 3
        for n, order in enumerate(RANKINGS):
            people[n].call(
                "cast_ballot", {"choices": [ids[i] for i in order], "request_id": f"r{n}"}
            )
        fac.locator("#rs-next").click()  # results of the ranking
        fac.get_by_label("Mark the top").fill("5")
        fac.get_by_role("button", name="Mark as priorities").click()
        expect(fac.locator("#prio-list li")).to_have_count(5)
        fac.locator("#rs-next").click()  # action planning
        expect(fac.locator("#stage-now")).to_have_text("Action planning")
        expect(fac.locator("#rs-next")).to_have_text("Finish the plan")
        pages.shot(fac, "console-plan-stage")

        # -- the exported plan lists the priorities by theme, with the right numbers --------
        text = plan_markdown(shared_server, made)
        section = text.split("## Priorities by theme\n", 1)[1].split("\n## ", 1)[0]
        assert "the sum of its proposals' dots" in section
        expected = [
            "### Community focus: 6 dots",
            f"| 2 | {TEXTS[0]} | 5 |",
            f"Also in this theme: {TEXTS[5]} (1 dot); {TEXTS[8]} (0 dots).",
            "### Working together: 6 dots",
            f"| 4 | {TEXTS[1]} | 4 |",
            f"| 5 | {TEXTS[4]} | 2 |",
            "### Communication: 4 dots",
            f"| 1 | {TEXTS[2]} | 3 |",
            f"Also in this theme: {TEXTS[6]} (1 dot).",
            "### Not in a theme: 3 dots",
            f"| 3 | {TEXTS[3]} | 2 |",
            "| Community focus | 6 | 19 |",
            "| Working together | 6 | 21 |",
            "| Communication | 4 | 20 |",
        ]
        positions = [section.index(line) for line in expected]
        assert positions == sorted(positions), section
        for label, page in (("console", fac), ("wall", wall), ("phone", phone)):
            assert overflow(page)["scrollWidth"] <= overflow(page)["innerWidth"], label
        problems = {where: v for where, v in found.items() if v}
        assert not problems, describe(problems)
        pages.assert_clean()
    finally:
        fac_io.close()
        for person in people:
            person.close()


def add_many(server: Server, made: dict, texts: list[str]) -> list[int]:
    """Add proposals from several facilitator connections: each has its own rate limit."""
    ids = []
    for start in range(0, len(texts), 15):
        typist = facilitator(server, made)
        for n, text in enumerate(texts[start : start + 15], start=start):
            ids.append(
                typist.call("add_proposal", {"text": text, "request_id": f"p{n}"})["proposal_id"]
            )
        typist.close()
    return ids


def pdf_facts(data: bytes) -> tuple[int, list[tuple[float, float]], str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    return len(reader.pages), sizes, "\n".join(p.extract_text() for p in reader.pages)


@pytest.mark.parametrize("method", ["dots", "approval", "ranking", "points"])
def test_the_printed_ballot_of_each_method_renders_at_a4_with_every_number(
    shared_server: Server, pages: Any, method: str
) -> None:
    made = create_workshop(shared_server, title=f"Paper ballots: {method}", groups=GROUPS)
    fac_io = facilitator(shared_server, made)
    try:
        fac_io.call("change_stage", {"stage": "propose"})
        texts = [f"Idea {n} for the {method} ballot: {TEXTS[n % len(TEXTS)]}" for n in range(30)]
        ids = add_many(shared_server, made, texts)
        fac_io.call("hide_proposal", {"proposal_id": ids[3], "hidden": True})  # never printed
        if method == "dots":
            fac_io.call("change_stage", {"stage": "vote"})
        else:
            fac_io.call("start_round", {"method": method, "top_k": 5, "request_id": "r"})
        page = pages.open("print", viewport={"width": 1280, "height": 720})
        page.goto(f"{shared_server.url}/w/{made['code']}/print/ballot")
        pages.shot(page, f"ballot-{method}")
        count, sizes, text = pdf_facts(page.pdf(format="A4", print_background=True))
        assert 2 <= count <= 4, count  # 29 ideas on A4, a row at least 12 mm tall
        assert all(abs(w - 595.3) < 2 and abs(h - 841.9) < 2 for w, h in sizes), sizes
        numbers = re.findall(r"^(\d+)\s*Idea (\d+) for", text, flags=re.MULTILINE)
        shown = [int(n) for n, _ in numbers]
        assert shown == [n for n in range(1, 31) if n != 4], text[:600]
        assert all(int(a) == int(b) + 1 for a, b in numbers)  # number n is idea n-1
        assert "Idea 3 for" not in text and "Do not write your name" in text
        letter = pages.open("print-letter")
        letter.goto(f"{shared_server.url}/w/{made['code']}/print/ballot?paper=letter")
        _, sizes, _ = pdf_facts(letter.pdf(prefer_css_page_size=True))
        assert all(abs(w - 612) < 2 and abs(h - 792) < 2 for w, h in sizes), sizes
        pages.assert_clean()
    finally:
        fac_io.close()


def test_the_poster_and_wall_chart_print_on_one_and_several_pages(
    shared_server: Server, pages: Any
) -> None:
    made = create_workshop(shared_server, title="Partnership review, Maidstone")
    fac_io = facilitator(shared_server, made)
    try:
        fac_io.call("change_stage", {"stage": "propose"})
        for n in range(12):
            fac_io.call("add_proposal", {"text": TEXTS[n % 10] + f" ({n})", "request_id": f"p{n}"})
        fac_io.call("change_stage", {"stage": "vote"})
        page = pages.open("print")
        page.goto(f"{shared_server.url}/w/{made['code']}/print/poster")
        pages.shot(page, "poster")
        count, _, text = pdf_facts(page.pdf(format="A4", prefer_css_page_size=True))
        flat = " ".join(text.split())
        assert count == 1 and made["join_url"] in text.replace("\n", "")
        assert "Partnership review, Maidstone" in flat
        box = page.locator(".poster-qr").bounding_box()
        assert box and box["width"] >= 400  # about 13 cm on the page: scannable across a room
        page.goto(f"{shared_server.url}/w/{made['code']}/print/wall-chart")
        pages.shot(page, "wall-chart")
        count, _, text = pdf_facts(page.pdf(format="A4", prefer_css_page_size=True))
        assert count >= 2
        assert re.findall(r"^(\d+)\s", text, flags=re.MULTILINE)[:12] == [
            str(n) for n in range(1, 13)
        ]
        pages.assert_clean()
    finally:
        fac_io.close()


def test_phones_suggest_themes_and_every_screen_fits_at_every_width(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    made = create_workshop(shared_server, groups=GROUPS)
    code = made["code"]
    fac_io = facilitator(shared_server, made)
    writer = attendee(shared_server, code, "theme-suggest-writer-01")
    found: dict[str, Any] = {}
    try:
        fac_io.call("change_stage", {"stage": "propose"})
        ids = [
            writer.call("submit_proposal", {"text": t, "request_id": f"p{n}"})["proposal_id"]
            for n, t in enumerate(TEXTS[:6])
        ]
        fac_io.call("change_stage", {"stage": "group"})
        fac_io.call("reveal_proposals", {"revealed": True})
        fac_io.call(
            "create_theme",
            {"heading": "Community focus", "proposal_ids": ids[:2], "request_id": "t"},
        )
        fac_io.call("allow_theme_suggestions", {"allowed": True})
        narrow = pages.open(
            "phone-320", viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True
        )
        narrow.goto(made["join_url"])
        narrow.get_by_role("button", name="Join").click()
        expect(narrow.get_by_role("heading", name="Suggest a theme")).to_be_visible()
        narrow.get_by_label("Idea", exact=True).select_option(label=TEXTS[2])
        narrow.get_by_label("Theme", exact=True).fill("Talking to each other")
        narrow.get_by_role("button", name="Send suggestion").click()
        expect(narrow.locator("#p-sug .ok-text")).to_have_text(
            "Thank you: the facilitator will see your suggestion."
        )
        found["phone 320, suggest a theme"] = run_axe(narrow)
        pages.shot(narrow, "phone-320-suggest")
        fac = pages.open(
            "facilitator", made["facilitator_url"], viewport={"width": 1024, "height": 768}
        )
        suggestion = fac.locator("#th-sug-list li")
        expect(suggestion).to_have_text(re.compile("under “Talking to each other”"))
        suggestion.get_by_role("button", name="Accept").click()
        expect(column(fac, "Talking to each other").locator(".th-card")).to_have_text(
            re.compile(re.escape(TEXTS[2]))
        )
        expect(fac.locator("#th-sug-list li")).to_have_count(0)
        fac.get_by_role("button", name="Move later: Community focus").click()
        expect(fac.locator("#th-board .th-col h3")).to_have_text(
            ["Talking to each other", "Community focus", "Not in a theme"]
        )
        fac.get_by_role("button", name="Move earlier: Community focus").click()
        fac.get_by_label("Vote on", exact=True).select_option(
            label="The ideas in “Talking to each other”"
        )
        fac.get_by_label("by", exact=True).select_option(label="Approval")
        fac.locator(".th-vote button").click()
        expect(fac.locator("#msg-text")).to_have_text(
            "A round needs at least two ideas still on the list."
        )
        fac.locator("#msg-close").click()
        fac.get_by_label("Vote on", exact=True).select_option(
            label="The ideas in “Community focus”"
        )
        fac.locator(".th-vote button").click()
        expect(fac.locator("#r-now")).to_contain_text("Round 2: Approval")
        state = fac_io.call(
            "facilitate_workshop", {"code": code, "token": made["facilitator_token"]}
        )
        assert state["state"]["round"]["proposal_ids"] == ids[:2]
        fac_io.call("change_stage", {"stage": "group"})
        found["console 1024, themes"] = run_axe(fac)
        pages.shot(fac, "console-1024-themes")
        # Keyboard only: the theme menu on a card moves it, and N spotlights.
        menu = fac.get_by_label(f"Theme of: {TEXTS[3][:49]}", exact=False)
        menu.focus()
        fac.keyboard.press("ArrowDown")  # "No theme" -> the first theme
        expect(column(fac, "Community focus").locator(".th-card")).to_have_count(3)
        fac.locator("#th-heading").focus()
        fac.keyboard.press("n")  # typing in a field: no spotlight
        fac.locator("#stages button").first.focus()
        fac.keyboard.press("n")
        expect(fac.locator("#th-spot .th-spot-now")).to_contain_text(TEXTS[0])
        for width, height in ((1280, 720), (1024, 768), (1366, 768), (1920, 1080)):
            wall = pages.open(
                f"wall-{width}", made["screen_url"], viewport={"width": width, "height": height}
            )
            expect(wall.locator("#w-spot .w-spot-t")).to_have_text(TEXTS[0])
            pages.shot(wall, f"wall-{width}-spotlight", full_page=False)
            fac_io.call("spotlight", {})
            expect(wall.locator("#w-cols .w-col")).to_have_count(3)
            pages.shot(wall, f"wall-{width}-columns", full_page=False)
            assert overflow(wall)["scrollWidth"] <= overflow(wall)["innerWidth"], width
            fac_io.call("spotlight", {"kind": "proposal", "id": ids[0]})
            wall.context.close()
        wide = pages.open(
            "phone-390", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
        )
        wide.goto(made["join_url"])
        wide.get_by_role("button", name="Join").click()
        expect(wide.locator("#p-spot .p-spot-t")).to_have_text(f"#1 {TEXTS[0]}")
        pages.shot(wide, "phone-390-spotlight")
        for label, page in (("phone 320", narrow), ("phone 390", wide), ("console", fac)):
            assert overflow(page)["scrollWidth"] <= overflow(page)["innerWidth"], label
        printed = pages.open("print")
        for kind in ("poster", "ballot", "wall-chart"):
            printed.goto(f"{shared_server.url}/w/{code}/print/{kind}")
            found[f"print, {kind}"] = run_axe(printed)
        problems = {where: v for where, v in found.items() if v}
        assert not problems, describe(problems)
        pages.assert_clean()
    finally:
        fac_io.close()
        writer.close()
