"""Markdown export: user text comes out as literal text, hidden proposals never come out."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import Any

import markdown
import pytest

from tests.flows import workshop_with_proposals
from workshop.domain.model import Stage
from workshop.export import escape, summary
from workshop.services import WorkshopService

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "![i](http://x/y.png)",
    "# heading",
    "a | b",
    "1. list",
    "**b** _i_ `c`",
    "&amp;",
    "before \u202e after",
    "w" * 5000,
    "- item",
    "+ item",
    "> quoted",
    "<http://example.org>",
    "~~struck~~",
    "back\\slash \\* \\",
    "{curly} [square] (round) !bang #hash",
    "*",
    "---",
    "&lt;b&gt; and &#60;i&#62;",
    "[ref]: http://example.org",
]
FORBIDDEN_TAGS = re.compile(r"<\s*(a|img|script|h[1-6]|strong|em|code|del|blockquote|ul|ol|hr)\b")


class TextOf(HTMLParser):
    """Collect the text (entities left as written) and the tag names of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_entityref(self, name: str) -> None:
        self.text.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.text.append(f"&#{name};")


def render(source: str) -> tuple[str, str, list[str]]:
    """Return Markdown's HTML for source, its text (entities decoded) and its tags."""
    rendered = markdown.markdown(source, extensions=["tables"])
    parser = TextOf()
    parser.feed(rendered)
    parser.close()
    return rendered, html.unescape("".join(parser.text)), parser.tags


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: t[:24])
def test_escaped_text_renders_as_exactly_what_was_typed(text: str) -> None:
    rendered, shown, tags = render(escape(text))
    assert tags == ["p"], rendered[:300]
    assert shown == text
    assert not FORBIDDEN_TAGS.search(rendered)


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: t[:24])
def test_escaped_text_stays_in_its_table_cell(text: str) -> None:
    source = "| Rank | Proposal | Dots |\n|---:|---|---:|\n" + f"| =1 | {escape(text)} | 3 |"
    rendered, _, tags = render(source)
    assert not FORBIDDEN_TAGS.search(rendered)
    assert tags.count("td") == 3, rendered[:300]  # a "|" in the text made no new cell
    cells = re.findall(r"<td[^>]*>(.*?)</td>", rendered, flags=re.DOTALL)
    assert [html.unescape(cell) for cell in cells] == ["=1", text, "3"]


def test_escape_puts_text_on_one_line() -> None:
    assert escape("first line\n\n# second   line\t") == "first line \\# second line"
    rendered, shown, _ = render(escape("one\n\n- two"))
    assert shown == "one - two"
    assert "<ul" not in rendered


def test_the_hostile_corpus_really_is_hostile() -> None:
    # Without escape() these inputs do make tags; otherwise the tests above prove nothing.
    made = [FORBIDDEN_TAGS.search(render(text)[0]) is not None for text in HOSTILE[:8]]
    assert made == [True, True, True, True, True, False, True, True]


def state(**changes: Any) -> dict[str, Any]:
    """Return a facilitator snapshot to summarise, with a tie, a hidden and a merged proposal."""
    base: dict[str, Any] = {
        "code": "K7P2QX",
        "title": "Partnership review",
        "joined": 23,
        "proposals": [
            {"id": 4, "text": "A stronger community focus", "priority_rank": 1, "hidden": False,
             "merged": [{"id": 9, "text": "Go beyond the hub towns", "hidden": False},
                        {"id": 11, "text": "My neighbour's address", "hidden": True}]},
            {"id": 5, "text": "Better communication", "priority_rank": 2, "hidden": False,
             "merged": []},
            {"id": 6, "text": "Training for service users", "priority_rank": None,
             "hidden": False, "merged": []},
            {"id": 7, "text": "A disclosure that was hidden", "priority_rank": None,
             "hidden": True, "merged": []},
            {"id": 8, "text": "Evening opening", "priority_rank": None, "hidden": False,
             "merged": []},
        ],
        "tally": {
            "version": 40, "votes": 17,
            "totals": {"4": 7, "5": 4, "6": 4, "8": 2},
            "ranking": [
                {"proposal_id": 4, "points": 7, "rank": 1, "tied": False},
                {"proposal_id": 5, "points": 4, "rank": 2, "tied": True},
                {"proposal_id": 6, "points": 4, "rank": 2, "tied": True},
                {"proposal_id": 8, "points": 2, "rank": 4, "tied": False},
            ],
        },
    }
    base.update(changes)
    return base


def test_summary_lists_priorities_then_every_visible_proposal_with_ties_marked() -> None:
    assert summary(state()) == "\n".join([
        "# Partnership review",
        "",
        "Workshop K7P2QX: 23 people took part, 4 proposals, 17 dots placed.",
        "",
        "## Priorities",
        "",
        "1. A stronger community focus (7 dots)",
        "2. Better communication (4 dots)",
        "",
        "## All proposals",
        "",
        "| Rank | Proposal | Dots |",
        "|---:|---|---:|",
        "| 1 | A stronger community focus (merged with: Go beyond the hub towns) | 7 |",
        "| =2 | Better communication | 4 |",
        "| =2 | Training for service users | 4 |",
        "| 4 | Evening opening | 2 |",
        "",
        "Ties share a rank (shown as =) and are listed in the order proposed.",
        "",
    ])


def test_summary_counts_one_of_each_in_the_singular() -> None:
    one = state(joined=1)
    one["proposals"] = [one["proposals"][1]]
    one["tally"] = {
        "version": 1, "votes": 1, "totals": {"5": 1},
        "ranking": [{"proposal_id": 5, "points": 1, "rank": 1, "tied": False}],
    }
    text = summary(one)
    assert "Workshop K7P2QX: 1 person took part, 1 proposal, 1 dot placed." in text
    assert "2. Better communication (1 dot)" in text
    assert "| 1 | Better communication | 1 |" in text


def test_summary_leaves_out_hidden_proposals_even_with_a_stale_ranking() -> None:
    stale = state()
    stale["tally"]["ranking"].append({"proposal_id": 7, "points": 9, "rank": 1, "tied": False})
    text = summary(stale)
    assert "disclosure" not in text
    assert "neighbour" not in text
    assert text.count("| 1 |") == 1


def test_summary_without_a_tally_or_priorities() -> None:
    text = summary(state(tally=None, proposals=[]))
    assert "No priorities have been chosen yet." in text
    assert "0 proposals, 0 dots placed." in text
    assert text.endswith("|---:|---|---:|\n\nTies share a rank (shown as =) and are listed "
                         "in the order proposed.\n")


def test_summary_escapes_what_people_typed() -> None:
    hostile = state(title="<script>alert(1)</script>")
    hostile["proposals"][0]["text"] = "[click](javascript:alert(1)) | extra cell"
    hostile["proposals"][0]["merged"][0]["text"] = "<img src=x onerror=alert(1)>"
    rendered, shown, tags = render(summary(hostile))
    assert not {"a", "img", "script"} & set(tags)
    assert tags.count("h1") == 1
    assert rendered.startswith("<h1>&lt;script&gt;alert(1)&lt;/script&gt;</h1>")
    assert "[click](javascript:alert(1)) | extra cell" in shown
    assert "<img src=x onerror=alert(1)>" in shown
    assert rendered.count("<td") == 3 * 4  # four rows of three cells: no injected cell


def test_summary_of_a_real_workshop_skips_what_the_facilitator_hid(
    service: WorkshopService,
) -> None:
    code, people, ids = workshop_with_proposals(
        service, ["Community focus", "Communication", "Personal details", "Training"]
    )
    service.cast_vote(code, people[0], ids[0], 2, "v1")
    service.cast_vote(code, people[1], ids[1], 2, "v2")
    service.cast_vote(code, people[2], ids[2], 3, "v3")
    service.cast_vote(code, people[2], ids[3], 1, "v4")
    service.hide_proposal(code, ids[2], True)
    service.change_stage(code, Stage.RESULTS)
    service.set_priorities(code, [ids[1]])
    text = summary(service.snapshot(code, "facilitator"))
    assert "Personal details" not in text
    assert "3 people took part, 3 proposals, 5 dots placed." in text
    assert "1. Communication (2 dots)" in text
    rows = [line for line in text.splitlines() if line.startswith("| ") and "Rank" not in line]
    assert rows == [
        "| =1 | Community focus | 2 |",
        "| =1 | Communication | 2 |",
        "| 3 | Training | 1 |",
    ]
