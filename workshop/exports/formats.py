"""Published plans as Markdown, CSV, JSON and an SVG chart; user text is always literal.

Renderers are pure functions of a plan document (see plans.PlanDocuments), so the same
workshop exported twice gives the same bytes. Ordering rules: priorities by rank;
proposals by points, ties sharing a rank and listed in the order proposed; actions in
the order they were added.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from workshop.domain.actions import ActionStatus, date_label, long_date_label
from workshop.domain.small_groups import FOLDED_SENTENCE
from workshop.exports.priority_tables import (
    PriorityTable,
    number,
    priorities,
    priority_table,
)
from workshop.exports.round_markdown import rounds_markdown
from workshop.exports.sheets import _bars, csv_rows, svg_chart
from workshop.exports.text_escape import escape
from workshop.exports.themes import themes_markdown
from workshop.exports.words import language_of, say, speaking

__all__ = ["csv_rows", "svg_chart"]  # exported here too: callers know formats only


def _yaml(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _cell(text: str) -> str:
    return escape(text) if text else "–"


def _due(action: dict[str, Any], as_of: date) -> str:
    due = _day(action["due_on"])
    if due is None:
        return "–"
    overdue = due < as_of and ActionStatus(action["status"]).is_open
    return say("{date} (overdue)", date=date_label(due)) if overdue else date_label(due)


def _front_matter(fields: dict[str, str | None]) -> list[str]:
    lines = ["---"]
    for key, value in fields.items():
        if value:
            lines.append(f"{key}: {_yaml(value) if key != 'date' else value}")
    return [*lines, "---", ""]


def _participation(workshop: dict[str, Any]) -> str:
    # "Label: count" reads right whatever the label and the count ("1 community organisations"
    # would not), and counts are all the plan says about who took part.
    counts = workshop["attendance"]
    parts = [
        f"{escape(g['label'])}: {counts[g['key']]}"
        for g in workshop["groups"]
        if counts.get(g["key"])
    ]
    if counts.get(""):
        parts.append(say("no group given: {count}", count=counts[""]))
    joined = workshop["joined"]
    if not parts:
        return say("1 person took part.") if joined == 1 else say("{n} people took part.", n=joined)
    groups = "; ".join(parts)
    if joined == 1:
        return say("1 person took part ({groups}).", groups=groups)
    return say("{n} people took part ({groups}).", n=joined, groups=groups)


def _priorities(document: dict[str, Any]) -> list[dict[str, Any]]:
    return priorities(document)


def _chart(table: PriorityTable) -> list[str]:
    if not any(value for _, value, _ in _bars(table)):
        return []  # no support anywhere: a chart of empty bars says nothing
    lines = [say("Chart: {name}, in the order of the priorities.", name=table.chart_name)]
    lines += ["", "```text"]
    for r, value, length in _bars(table):
        label = unicodedata.normalize("NFC", " ".join(r.text.split()))
        label = label if len(label) <= 40 else label[:39] + "…"
        lines.append(f"{r.rank:>2}. {label:<40} {'█' * length} {number(value)}")
    return [*lines, "```", ""]


def _priority_table(document: dict[str, Any]) -> list[str]:
    table = priority_table(document)
    if not table.rows:
        return [say("No priorities have been chosen yet."), ""]
    head = [say("Rank"), say("Priority"), *([table.score_name] if table.score_name else [])]
    head += [escape(table.group_labels.get(k, k)) for k in table.group_keys]
    head += [say("Dots carried")] if table.carried else []
    lines = [table.source, ""]
    lines += ["| " + " | ".join(head) + " |", "|---:|---|" + "---:|" * (len(head) - 2)]
    for r in table.rows:
        cells = [str(r.rank), escape(r.text)]
        cells += [number(r.score)] if table.score_name else []
        cells += [number(r.by_group.get(k, 0)) for k in table.group_keys]
        cells += [str(r.carried or 0)] if table.carried else []
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    if document["workshop"].get("folded_groups"):
        lines += [say(FOLDED_SENTENCE), ""]
    if table.carried:
        lines += [table.carried_note, ""]
    return [*lines, *_chart(table)]


def _action_table(actions: list[dict[str, Any]], as_of: date, town: bool = False) -> list[str]:
    shown = [a for a in actions if a["status"] != ActionStatus.DROPPED.value]
    if not shown:
        return [say("No actions yet."), ""]
    head = [say("Action"), say("Owner"), say("Due"), say("Partners"), say("Status")]
    if town:
        head.insert(0, say("Meeting"))
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for a in shown:
        cells = [
            escape(a["text"]),
            _cell(a["owner"]),
            _due(a, as_of),
            _cell(a["partners"]),
            say(ActionStatus(a["status"]).label),
        ]
        if town:
            cells.insert(0, escape(a["meeting"]))
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _actions_by_priority(document: dict[str, Any], as_of: date, level: str) -> list[str]:
    if not document["actions"]:
        return [say("No actions were agreed at this meeting."), ""]
    lines: list[str] = []
    for p in _priorities(document):
        lines += [f"{level} {p['priority_rank']}. {escape(p['text'])}", ""]
        actions = [a for a in document["actions"] if a["priority_id"] == p["id"]]
        lines += _action_table(actions, as_of)
    return lines


def _all_proposals(document: dict[str, Any]) -> list[str]:
    number_ = document.get("support_round") or 1
    lines = [say("Ranked by the dots in round {number}.", number=number_), ""]
    lines += ["| " + " | ".join([say("Rank"), say("Idea"), say("Dots")]) + " |", "|---:|---|---:|"]
    for p in document["proposals"]:
        rank = f"={p['rank']}" if p["tied"] else str(p["rank"])
        text = escape(p["text"])
        if p["merged"]:
            merged = "; ".join(escape(m) for m in p["merged"])
            text += " " + say("(merged with: {ideas})", ideas=merged)
        lines.append(f"| {rank} | {text} | {p['points']} |")
    ties = say("Ties share a rank (shown as =) and are listed in the order proposed.")
    return [*lines, "", ties, ""]


def heading_place(workshop: dict[str, Any]) -> str:
    """Return a meeting's place and long date, as the plan's heading line says them."""
    parts = [escape(workshop["place"])] if workshop["place"] else []
    if workshop["held_on"]:
        parts.append(long_date_label(_day(workshop["held_on"])))
    return ", ".join(parts)


def markdown(document: dict[str, Any], series_code: str | None = None) -> str:
    """Return one workshop's action plan as Markdown with YAML front matter, in its language."""
    with speaking(language_of(document)):
        return _markdown(document, series_code)


def _markdown(document: dict[str, Any], series_code: str | None) -> str:
    workshop = document["workshop"]
    as_of = date.fromisoformat(document["generated_at"][:10])
    lines = _front_matter(
        {
            "title": workshop["title"],
            "date": workshop["held_on"],
            "place": workshop["place"],
            "series": series_code,
            "generated-at": document["generated_at"],
        }
    )
    lines += [f"# {escape(workshop['title'])}", ""]
    if where := heading_place(workshop):
        lines += [where + ".", ""]
    lines += [_participation(workshop), "", "## " + say("Priorities"), ""]
    lines += [*_priority_table(document), *themes_markdown(document)]
    lines += ["## " + say("Actions"), "", *_actions_by_priority(document, as_of, "###")]
    lines += ["## " + say("All ideas"), "", *_all_proposals(document)]
    lines += rounds_markdown(document)
    return "\n".join(lines)


def _root_priority(proposal_id: int, origins: dict[int, int | None]) -> int:
    seen = set()
    while (origin := origins.get(proposal_id)) is not None and proposal_id not in seen:
        seen.add(proposal_id)
        proposal_id = origin
    return proposal_id


def series_markdown(series: dict[str, Any]) -> str:
    """Return a series' plan: the priorities, every town's actions rolled up, one section a town."""
    with speaking(language_of(series)):
        return _series_markdown(series)


def _series_markdown(series: dict[str, Any]) -> str:
    documents = series["workshops"]
    root = documents[0]
    as_of = date.fromisoformat(series["generated_at"][:10])
    origins = {p["id"]: p["origin_id"] for d in documents for p in d["proposals"]}
    carried_on = {a["carried_from"] for d in documents for a in d["actions"] if a["carried_from"]}
    lines = _front_matter(
        {
            "title": series["title"],
            "date": root["workshop"]["held_on"],
            "place": root["workshop"]["place"],
            "series": series["root_code"],
            "generated-at": series["generated_at"],
        }
    )
    lines += ["# " + say("{title}: action plan", title=escape(series["title"])), ""]
    meetings = "; ".join(_meeting_name(d["workshop"]) for d in documents)
    lines += [say("Meetings: {meetings}.", meetings=meetings), ""]
    lines += ["## " + say("Priorities"), "", *_priority_table(root), *themes_markdown(root)]
    lines += ["## " + say("Actions across the towns"), ""]
    lines += [
        say(
            "Each action as it stands at the latest meeting that discussed it; "
            "open actions carry forward to the next meeting."
        ),
        "",
    ]
    for p in _priorities(root):
        lines += [f"### {p['priority_rank']}. {escape(p['text'])}", ""]
        rolled = [
            {**a, "meeting": _meeting_name(d["workshop"])}
            for d in documents
            for a in d["actions"]
            if a["id"] not in carried_on and _root_priority(a["priority_id"], origins) == p["id"]
        ]
        lines += _action_table(rolled, as_of, town=True)
    for document in documents:
        workshop = document["workshop"]
        lines += [f"## {_meeting_name(workshop)}", "", _participation(workshop), ""]
        lines += _actions_by_priority(document, as_of, "###")
    return "\n".join(lines)


def _meeting_name(workshop: dict[str, Any]) -> str:
    return heading_place(workshop) or escape(workshop["title"])


def file_stem(workshop: dict[str, Any]) -> str:
    """Return the export file name: title, place and date as plain words, then the code.

    The code keeps two meetings with the same title, place and date apart, and lets a
    deletion find a workshop's files whatever its title has become.
    """
    parts = [workshop["title"], workshop["place"], workshop["held_on"] or ""]
    words = unicodedata.normalize("NFKD", " ".join(p for p in parts if p))
    slug = re.sub(r"[^a-z0-9]+", "-", words.encode("ascii", "ignore").decode().lower())
    return f"{slug.strip('-')[:80]}-{workshop['code'].lower()}".lstrip("-")


def write_atomically(path: Path, text: str) -> None:
    """Write text so a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_exports(folder: Path, series: dict[str, Any], code: str) -> list[str]:
    """Write one workshop's plan as .md, .csv, .json and .svg; return the file names.

    The series (see plans.PlanDocuments.series) already holds the workshop's own
    document, so nothing is read twice.
    """
    document = next(d for d in series["workshops"] if d["workshop"]["code"] == code)
    stem = file_stem(document["workshop"])
    in_series = len(series["workshops"]) > 1
    files = {
        f"{stem}.md": series_markdown(series) if in_series else markdown(document),
        f"{stem}.csv": csv_rows(series["workshops"] if in_series else [document]),
        f"{stem}.json": json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
        f"{stem}.svg": svg_chart(document),
    }
    for name, text in files.items():
        write_atomically(folder / name, text)
    return sorted(files)
