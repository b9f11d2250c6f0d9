"""Markdown export: user text comes out as literal text, hidden proposals never come out."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import markdown
import pytest

from workshop.exports.formats import escape

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
    # Joined onto one line, a "#" is no longer at a line start, so it needs no escape.
    assert escape("first line\n\n# second   line\t") == "first line # second line"
    assert escape("# heading") == "\\# heading" and escape("two-year review") == "two-year review"
    rendered, shown, _ = render(escape("one\n\n- two"))
    assert shown == "one - two"
    assert "<ul" not in rendered


def test_the_hostile_corpus_really_is_hostile() -> None:
    # Without escape() these inputs do make tags; otherwise the tests above prove nothing.
    made = [FORBIDDEN_TAGS.search(render(text)[0]) is not None for text in HOSTILE[:8]]
    assert made == [True, True, True, True, True, False, True, True]
