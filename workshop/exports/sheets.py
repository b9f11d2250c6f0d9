"""Exports as sheets and pictures: one CSV row per action, and the priorities' SVG chart."""

from __future__ import annotations

import csv
import io
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from workshop.domain.errors import N_
from workshop.exports.priority_tables import PriorityRow, PriorityTable, number, priority_table
from workshop.exports.words import language_of, say, speaking

BAR_WIDTH = 30


def _bars(table: PriorityTable) -> list[tuple[PriorityRow, float, int]]:
    """Return each priority with its bar's value and length out of BAR_WIDTH, in rank order."""
    most = max((table.chart_value(r) for r in table.rows), default=0) or 1
    return [
        (r, table.chart_value(r), round(BAR_WIDTH * table.chart_value(r) / most))
        for r in table.rows
    ]


# The CSV's headings, translated with the workshop (English keeps them as they were).
CSV_COLUMNS = [
    N_("workshop"),
    N_("place"),
    N_("date"),
    N_("priority_rank"),
    N_("priority"),
    N_("theme"),
    N_("action"),
    N_("owner"),
    N_("due"),
    N_("partners"),
    N_("resources"),
    N_("success"),
    N_("status"),
    N_("volunteers"),
]


def csv_rows(documents: list[dict[str, Any]]) -> str:
    """Return one CSV row per action, across the given workshops; headings in their language."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    with speaking(language_of(documents[0]) if documents else "en"):
        writer.writerow([say(column) for column in CSV_COLUMNS])
    for document in documents:
        workshop = document["workshop"]
        priorities = {p["id"]: p for p in document["proposals"]}
        for a in document["actions"]:
            priority = priorities[a["priority_id"]]
            writer.writerow(
                [
                    _csv_safe(workshop["title"]),
                    _csv_safe(workshop["place"]),
                    workshop["held_on"] or "",
                    priority["priority_rank"] or "",
                    _csv_safe(priority["text"]),
                    _csv_safe(priority.get("theme") or ""),
                    _csv_safe(a["text"]),
                    _csv_safe(a["owner"]),
                    a["due_on"] or "",
                    _csv_safe(a["partners"]),
                    _csv_safe(a["resources"]),
                    _csv_safe(a["success"]),
                    a["status"],
                    a["volunteers"],
                ]
            )
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """Stop a spreadsheet from running user text as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def svg_chart(document: dict[str, Any]) -> str:
    """Return the priorities' support as a bar chart in SVG, with every label escaped.

    The bars follow the priorities' order and show the numbers of the published table
    (one round's), and the caption says which round that is.
    """
    with speaking(language_of(document)):
        return _svg_chart(document)


def _svg_chart(document: dict[str, Any]) -> str:
    table = priority_table(document)
    row, width, top = 36, 720, 44
    rows = []
    for index, (r, value, length) in enumerate(_bars(table)):
        y = top + index * row
        bar = round(380 * length / BAR_WIDTH)
        label = " ".join(r.text.split())
        label = label if len(label) <= 45 else label[:44] + "…"
        rows.append(
            f'<text x="8" y="{y + 16}" font-size="14">{r.rank}. '
            f"{xml_escape(label)}</text>"
            f'<rect x="330" y="{y + 2}" width="{bar}" height="20" fill="#1d70b8"/>'
            f'<text x="{336 + bar}" y="{y + 17}" font-size="14">{number(value)}</text>'
        )
    height = top + 20 + len(table.rows) * row
    title = xml_escape(document["workshop"]["title"])
    label = xml_escape(  # an attribute: quotes escaped too (a meeting's place is typed text)
        say("Support for each priority: {chart}", chart=_sentence(table.chart_name)),
        {'"': "&quot;"},
    )
    heading = xml_escape(
        say("{chart}, in the order of the priorities", chart=_sentence(table.chart_name))
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{label}"><title>{title}</title>'
        f'<rect width="100%" height="100%" fill="#fff"/><g font-family="sans-serif" '
        f'fill="#0b0c0c"><text x="8" y="26" font-size="15" font-weight="bold">'
        f"{heading}</text>{''.join(rows)}</g></svg>\n"
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]
