"""The wall on any projector: screenshots at five sizes in every stage, checked in the page.

A youth services review (three stakeholder groups and people who gave none, 14
proposals, a dot round then a ranking) is put on the wall at 1024x768, 1280x720,
1366x768, 1920x1080 and 3840x2160, in the lobby, while proposing, while voting, on the
results (overall, by group, balanced, the ranking round) and while planning. In every
one: no text under 24 px and no title cut to fewer than 40 characters. Screenshots go
to test-artifacts/screenshots/test_wall_sizes/.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.helpers import GROUPS, attendee, create_workshop, facilitator
from tests.servers import Server

pytestmark = pytest.mark.browser

SIZES = [(1024, 768), (1280, 720), (1366, 768), (1920, 1080), (3840, 2160)]
IDEAS = [
    "A late bus home from the youth club on Friday and Saturday nights, all year round",
    "Revise the youth club opening hours so that they suit young people who work",
    "Better mental health support in schools, with a counsellor on site every week",
    "A safe place to go after school in every village, not only in the towns",
    "Cheaper sports sessions",
    "Youth workers who stay long enough for young people to trust them",
    "Apprenticeships with local employers, advertised where young people will see them",
    "A youth council that the district council has to answer in writing",
    "Free period products in every youth centre",
    "Help with the cost of driving lessons for care leavers",
    "Skate park repairs",
    "Music studio time for young people who cannot afford it, with a tutor on hand",
    "Training for shop staff and bus drivers on how to treat young people with respect",
    "Somewhere to sit and talk that is warm, dry and free, open in the evenings",
]
ACTIONS = [
    ("Ask the bus company to run the 23:10 service all year", "Transport lead", "2026-09-01"),
    ("Survey young people on the times they need", "Youth council", "2026-06-15"),
    ("Cost a Saturday night service with the district council", "Finance officer", "2026-07-01"),
]

# Every visible element with its own text: its computed size (24 px at least).
SMALL_TEXT = """() => {
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    const own = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
    if (!own || e.closest('[hidden], .vh, .skip, #announce')) continue;
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height || r.bottom < 0 || r.top > innerHeight) continue;
    const size = parseFloat(getComputedStyle(e).fontSize);
    const text = e.textContent.trim().slice(0, 40);
    if (size < 24) out.push(`${e.tagName}.${e.className}: ${size}px "${text}"`);
  }
  return out;
}"""

# Titles on the wall, and how many of their characters can be seen (clamped or clipped).
CUT_TITLES = """() => {
  const main = document.getElementById('main').getBoundingClientRect(), out = [];
  const seen = [];
  const titles = '#s-list .ptext, #s-list .a-text, h1, #s-h, #s-extra, #s-foot, #s-more';
  for (const e of document.querySelectorAll(titles)) {
    if (e.closest('[hidden]') || !e.textContent.trim()) continue;
    const box = e.getBoundingClientRect(), bottom = Math.min(box.bottom, main.bottom) + 1;
    const text = e.firstChild && e.firstChild.nodeType === 3 ? e.firstChild : null;
    if (!text) continue;
    const range = document.createRange();
    let shown = 0;
    for (let i = 0; i < text.length; i++) {
      range.setStart(text, i); range.setEnd(text, i + 1);
      const r = range.getBoundingClientRect();
      if (r.height && r.bottom <= bottom && r.right <= box.right + 1) shown = i + 1;
    }
    const full = text.textContent.trim().length;
    seen.push(e.id || e.className);
    const name = `${e.id || e.className}: ${shown} of ${full} "${text.textContent.slice(0, 50)}"`;
    if (shown < Math.min(40, full)) out.push(name);
  }
  return {cut: out, seen: seen.length};
}"""


# A tie the cut splits: the last row shown and the first left out share a rank like "=3".
SPLIT_TIE = """() => {
  const rows = [...document.querySelectorAll('#s-list > li:not(.s-ghead)')];
  const rank = li => (li.querySelector('.rank') || {}).textContent || '';
  const last = rows.findLastIndex(li => !li.hidden), next = rows[last + 1];
  return last > 0 && next && rank(next).startsWith('=') && rank(next) === rank(rows[last])
    ? rank(next) : '';
}"""


def room(server: Server) -> dict[str, Any]:
    """Make the youth review: 10 phones in groups (two with none), 14 proposals."""
    made = create_workshop(server, "Youth services review", groups=GROUPS, place="Tonbridge")
    fac = facilitator(server, made)
    groups = ["g1", "g1", "g1", "g2", "g2", "g2", "g3", "g3", "", ""]
    people = [
        attendee(server, made["code"], f"wall-size-phone-{n:04d}", group=g)
        for n, g in enumerate(groups)
    ]
    return {"made": made, "fac": fac, "people": people}


def vote_round_one(ctx: dict[str, Any]) -> list[int]:
    fac, people = ctx["fac"], ctx["people"]
    fac.call("change_stage", {"stage": "propose"})
    ids = [
        fac.call("add_proposal", {"text": t, "request_id": f"i{n}"})["proposal_id"]
        for n, t in enumerate(IDEAS)
    ]
    fac.call("change_stage", {"stage": "vote"})
    fac.call("reveal_results", {"revealed": True})  # the wall shows results while voting
    picks = [0, 0, 1, 2, 3, 5, 0, 2, 6, 7, 13, 0, 2, 12, 3, 5, 1, 0, 6, 9]
    for n, pick in enumerate(picks):
        person = people[n % len(people)]
        person.call("cast_vote", {"proposal_id": ids[pick], "request_id": f"v{n}"})
    return ids


def check(page: Any, pages: Any, name: str) -> list[str]:
    """Screenshot the wall at every size; return what is too small or cut."""
    found = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(350)  # the resize re-renders and fits the list
        pages.shot(page, f"{name}-{width}x{height}", full_page=False)
        small = page.evaluate(SMALL_TEXT)
        cut = page.evaluate(CUT_TITLES)
        found += [f"{name} {width}x{height}: under 24 px: {s}" for s in small]
        found += [f"{name} {width}x{height}: cut: {c}" for c in cut["cut"]]
        if split := page.evaluate(SPLIT_TIE):
            found.append(f"{name} {width}x{height}: the cut splits the tie at {split}")
    return found


def qr_width(page: Any) -> float:
    return float(page.evaluate("document.querySelector('.qr img').getBoundingClientRect().width"))


def test_the_wall_is_readable_on_every_projector_in_every_stage(
    shared_server: Server, pages: Any, expect: Any
) -> None:
    ctx = room(shared_server)
    fac, made = ctx["fac"], ctx["made"]
    wall = pages.open("projector", made["screen_url"], viewport={"width": 1280, "height": 720})
    problems: list[str] = []
    try:
        expect(wall.locator("#s-stage")).to_have_text("Welcome")
        problems += check(wall, pages, "lobby")
        wall.set_viewport_size({"width": 1280, "height": 720})
        lobby_qr = qr_width(wall)

        ids = vote_round_one(ctx)
        fac.call("change_stage", {"stage": "propose"})
        expect(wall.locator("#s-list > li")).to_have_count(14)
        problems += check(wall, pages, "propose")

        fac.call("change_stage", {"stage": "vote"})
        expect(wall.locator("#s-h")).to_have_text("20 dots placed")
        problems += check(wall, pages, "vote")

        fac.call("change_stage", {"stage": "results"})
        fac.call("reveal_results", {"revealed": True})
        expect(wall.locator("#s-stage")).to_have_text("Results")
        expect(wall.locator("#s-list > li").first).to_be_visible()
        problems += check(wall, pages, "results-overall")
        # Only proposals with support: 10 of the 14 have dots; the rest are counted in words.
        wall.set_viewport_size({"width": 1920, "height": 1080})
        expect(wall.locator("#s-more")).to_contain_text("4 ideas with no votes are not shown.")
        points = wall.locator("#s-list > li:not([hidden]) .pts").all_text_contents()
        assert points and all(int(p) > 0 for p in points), points
        wall.set_viewport_size({"width": 1280, "height": 720})
        wall.wait_for_timeout(350)
        assert qr_width(wall) < 0.8 * lobby_qr, "the QR code should shrink once results are up"

        fac.call("set_display", {"results_view": "groups"})
        expect(wall.locator("#s-list > li.s-ghead")).to_have_count(1)
        problems += check(wall, pages, "results-by-group")
        fac.call("set_display", {"results_view": "balanced"})
        expect(wall.locator("#s-view")).to_have_text("Each group counts equally")
        problems += check(wall, pages, "results-balanced")

        fac.call("set_display", {"results_view": "overall"})
        fac.call(
            "start_round",
            {"method": "ranking", "top_k": 3, "from_round": 1, "top": 6, "request_id": "r2"},
        )
        for n, person in enumerate(ctx["people"]):
            order = [ids[0], ids[2], ids[3]] if n % 2 else [ids[2], ids[5], ids[0]]
            person.call("cast_ballot", {"choices": order, "request_id": f"b{n}"})
        fac.call("change_stage", {"stage": "results"})
        fac.call("reveal_results", {"revealed": True})
        expect(wall.locator("#s-h")).to_have_text("Round 2: Ranking")
        problems += check(wall, pages, "results-ranking")

        fac.call("set_priorities", {"proposal_ids": [ids[2], ids[0], ids[5], ids[3]]})
        fac.call("change_stage", {"stage": "plan"})
        for priority in (ids[2], ids[0], ids[5], ids[3]):
            for n, (text, owner, due) in enumerate(ACTIONS):
                fac.call(
                    "add_action",
                    {
                        "priority_id": priority,
                        "text": text,
                        "owner": owner,
                        "due_on": due,
                        "request_id": f"a{priority}-{n}",
                    },
                )
        expect(wall.locator(".s-act").first).to_be_visible()
        problems += check(wall, pages, "plan")
    finally:
        fac.close()
        for person in ctx["people"]:
            person.close()
    assert not problems, "\n".join(problems)
    pages.assert_clean()
