"""Markdown escaping that keeps user text literal and readable, on one line."""

from __future__ import annotations

import re

# Punctuation that acts anywhere in a line (emphasis, code, links, HTML, table cells).
# Links need "]" and "(" together, so escaping the brackets is enough for both.
_INLINE = re.compile(r"([\\`*_\[\]])")
# ...and these become entities: Python-Markdown ignores a backslash before them.
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "~": "&#126;"}
# What starts a block (heading, list, quote, rule) when it opens a line.
_BLOCK_START = re.compile(r"^(#|[-+]|\d+[.)])")


def escape(text: str) -> str:
    """Return text that Markdown renders as exactly what the person typed, on one line.

    Only what Markdown would act on is escaped, so the Markdown stays readable:
    "two-year review" stays as it is, "# heading" at the start becomes "\\# heading".
    """
    one_line = " ".join(text.split())
    escaped = _INLINE.sub(r"\\\1", one_line)
    escaped = _BLOCK_START.sub(lambda m: m.group(1)[:-1] + "\\" + m.group(1)[-1], escaped)
    return "".join(_ENTITIES.get(ch, ch) for ch in escaped)
