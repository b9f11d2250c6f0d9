"""Themes in exports: the document's themes, and the plan's priorities grouped by theme.

A theme's support is the sum of its proposals' scores (dots in the plan, each round's
own unit in the rounds table), never a count of distinct supporters: the plan says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workshop.domain import themes
from workshop.domain.errors import N_
from workshop.domain.model import Proposal
from workshop.domain.themes import Theme
from workshop.exports.text_escape import escape
from workshop.exports.words import say

NOT_IN_A_THEME = N_("Not in a theme")
SUPPORT_SENTENCE = N_(
    "A theme's support is the sum of its proposals' dots (from the last dot round); "
    "in the rounds table, the sum of its proposals' scores in that round's unit."
)


def themed_entries(
    entries: list[dict[str, Any]], board: Mapping[int, Theme], proposals: Mapping[int, Proposal]
) -> list[dict[str, Any]]:
    """Write each entry's theme heading into it; return the document's themes, in wall order."""
    grouped = themes.members(board, proposals)
    heading_of = {pid: board[tid].heading for tid, ids in grouped.items() for pid in ids}
    for entry in entries:
        entry["theme"] = heading_of.get(entry["id"])
    return [
        {
            "heading": theme.heading,
            "points": sum(e["points"] for e in entries if e["theme"] == theme.heading),
            "proposals": sum(1 for e in entries if e["theme"] == theme.heading),
        }
        for theme in themes.live(board)
    ]


def _dots(n: int) -> str:
    return say("1 dot") if n == 1 else say("{n} dots", n=n)


def _round_columns(document: dict[str, Any]) -> list[tuple[str, dict[str, int]]]:
    """Return each round's support per theme heading, by its column name.

    A round on ideas gives a theme the sum of its ideas' scores; a round on themes gives
    it its own score (its results' ids are themes', never ideas').
    """
    theme_of = {p["id"]: p.get("theme") for p in document["proposals"]}
    columns = []
    for entry in document.get("rounds") or []:
        support: dict[str, int] = {}
        for row in entry.get("results", []):
            heading = row["text"] if entry.get("on_themes") else theme_of.get(row["id"])
            if heading:
                support[heading] = support.get(heading, 0) + int(row["score"])
        method = escape(say(entry["method_label"]))
        columns.append((say("Round {n} ({method})", n=entry["number"], method=method), support))
    return columns


def themes_markdown(document: dict[str, Any]) -> list[str]:
    """Return the plan's "Priorities by theme" section ([] when the workshop has no themes)."""
    listed = document.get("themes") or []
    if not listed:
        return []
    proposals = document["proposals"]
    lines = ["## " + say("Priorities by theme"), "", say(SUPPORT_SENTENCE), ""]
    sections = [(t["heading"], t["points"]) for t in listed]
    unthemed = [p for p in proposals if not p.get("theme")]
    if unthemed:
        sections.append((None, sum(p["points"] for p in unthemed)))
    for heading, points in sections:
        members = [p for p in proposals if p.get("theme") == heading]
        title = escape(heading) if heading else say(NOT_IN_A_THEME)
        lines += [f"### {title}: {_dots(points)}", ""]
        ranked = sorted(
            (p for p in members if p["priority_rank"] is not None),
            key=lambda p: p["priority_rank"],
        )
        if ranked:
            lines += [
                "| " + " | ".join([say("Priority"), say("Text"), say("Dots")]) + " |",
                "|---:|---|---:|",
            ]
            lines += [
                f"| {p['priority_rank']} | {escape(p['text'])} | {p['points']} |" for p in ranked
            ]
            lines.append("")
        others = [p for p in members if p["priority_rank"] is None]
        if others:
            also = "; ".join(f"{escape(p['text'])} ({_dots(p['points'])})" for p in others)
            line = say("Also in this theme: {ideas}.", ideas=also) if heading else None
            lines += [line or say("Also: {ideas}.", ideas=also), ""]
    lines += _rounds_by_theme(document, [t["heading"] for t in listed])
    return lines


def _rounds_by_theme(document: dict[str, Any], headings: list[str]) -> list[str]:
    columns = _round_columns(document)
    if not columns:
        return []
    head = [say("Theme"), *(name for name, _ in columns)]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * len(columns)]
    for heading in headings:
        cells = [escape(heading)]
        for _, support in columns:
            cells.append(str(support.get(heading, 0)))
        lines.append("| " + " | ".join(cells) + " |")
    heading = say("Each round's support by theme")
    return [f"#### {heading}", "", *lines, ""]
