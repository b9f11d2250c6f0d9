"""The priorities as every published table shows them: ranked and counted from one round.

The facilitator marks priorities from a round's ranking, often a final ranking after a
shortlist by dots. A table that put the rank of one round beside the dots of another
would not add up, so every number here comes from the round the ranks agree with, and
the table says which round that is. Pure functions of a plan document (see documents.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from workshop.domain.actions import long_date_label
from workshop.domain.errors import N_
from workshop.domain.small_groups import OTHER_GROUPS, OTHER_GROUPS_LABEL
from workshop.exports.text_escape import escape
from workshop.exports.words import say

NO_GROUP = N_("No group given")
SCORE_NAMES = {
    "dots": N_("Dots"),
    "approval": N_("Supporters"),
    "ranking": N_("Points"),  # the method's name stays in the "how this was counted" note
    "points": N_("Points"),
}


def _lower(name: str) -> str:
    """Return a column heading as it reads inside a sentence."""
    return name.lower()


@dataclass
class PriorityRow:
    """One priority: its rank, its support in the table's round, per group, and carried dots."""

    rank: int
    text: str
    score: float
    by_group: dict[str, float]
    carried: int | None
    id: int = 0


@dataclass
class PriorityTable:
    """The priorities with the round their numbers come from, ready for any renderer."""

    rows: list[PriorityRow]
    score_name: str  # the column heading of the support, "Dots" or "Points"
    source: str  # a sentence: which round ranked the priorities, or where support came from
    group_keys: list[str] = field(default_factory=list)
    group_labels: dict[str, str] = field(default_factory=dict)
    carried_note: str = ""  # a sentence: the meeting and round carried dots were counted in
    chart_name: str = ""  # what the bars show, for a chart's caption
    # The round the numbers come from: number, method, method_label, and the meeting's
    # title, place and held_on (the meeting a follow-up's ranks were carried from).
    origin: dict[str, Any] | None = None

    @property
    def carried(self) -> bool:
        """Say whether any priority came with dots from an earlier meeting."""
        return any(row.carried for row in self.rows)

    def chart_value(self, row: PriorityRow) -> float:
        """Return a bar's length: the table's support, or carried dots when nobody voted here."""
        return row.score if self.score_name else float(row.carried or 0)


def number(value: float) -> str:
    """Return a count as people read it: 3, not 3.0; 1.25 stays."""
    return f"{value:g}"


def priorities(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the document's priorities in rank order."""
    return sorted(
        (p for p in document["proposals"] if p["priority_rank"] is not None),
        key=lambda p: p["priority_rank"],
    )


def _agrees(entry: dict[str, Any], ids: list[int]) -> bool:
    scores = {row["id"]: row["score"] for row in entry["results"]}
    ordered = [scores[i] for i in ids]
    return all(a >= b for a, b in pairwise(ordered))


def deciding_round(document: dict[str, Any], ids: list[int]) -> dict[str, Any] | None:
    """Return the round the priorities were ranked by, or None when no round counted them all.

    That is the newest round with votes whose ballot held every priority and whose
    scores fall in the priorities' order; failing that, the newest holding them all.
    """
    held = [
        entry
        for entry in document.get("rounds") or []
        if entry["voters"] > 0
        and not entry.get("on_themes")  # a theme's id is not an idea's
        and set(ids) <= {row["id"] for row in entry["results"]}
    ]
    agreeing = [entry for entry in held if _agrees(entry, ids)]
    found = agreeing or held
    return found[-1] if found else None


def meeting_name(info: dict[str, Any]) -> str:
    """Return a meeting as a reader knows it: its place and date, else its title."""
    parts = [info["place"]] if info.get("place") else []
    if info.get("held_on"):
        parts.append(long_date_label(date.fromisoformat(info["held_on"])))
    return ", ".join(parts) or info.get("title") or say("an earlier meeting")


def _carried_note(document: dict[str, Any]) -> str:
    sources = document["workshop"].get("carried_from") or []
    if not sources:
        return say("Dots carried: the dots each priority had at the earlier meetings.")
    where = (" " + say("and") + " ").join(
        say("in round {number} at {meeting}", number=s["round"], meeting=escape(meeting_name(s)))
        for s in sources
    )
    return say("Dots carried: counted {where}.", where=where)


def _group_keys(document: dict[str, Any], rows: list[PriorityRow]) -> list[str]:
    # Groups too small to publish on their own are pooled (domain.small_groups).
    folded = set(document["workshop"].get("folded_groups", []))
    keys = [g["key"] for g in document["workshop"]["groups"] if g["key"] not in folded]
    seen = {key for row in rows for key, n in row.by_group.items() if n}
    extra = sorted(k for k in seen if k not in keys and k != "")
    return keys + extra + ([""] if "" in seen else [])


def _carried_ranking(document: dict[str, Any], chosen: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the earlier meeting's ranking of these priorities, if their ranks are its ranks.

    A follow-up where nobody has voted keeps the ranks its priorities were given at the
    meeting they came from; the numbers shown beside them must be that round's too.
    """
    ranked_at = document.get("ranked_at") or {}
    carried = {int(row["id"]): row for row in ranked_at.get("priorities", [])}
    if not chosen or any(
        p["id"] not in carried or carried[p["id"]]["rank"] != p["priority_rank"] for p in chosen
    ):
        return {}
    return ranked_at


def priority_table(document: dict[str, Any]) -> PriorityTable:
    """Return the document's priorities with numbers from one round, and which round.

    Long because each of the four places the numbers can come from (a ranking round
    here, a dot round here, the ranking carried from an earlier meeting, or only
    carried dots) needs its own sentence, and they are easier to check side by side.
    """
    chosen = priorities(document)
    ids = [p["id"] for p in chosen]
    entry = deciding_round(document, ids) if chosen else None
    meeting = {k: document["workshop"].get(k) for k in ("title", "place", "held_on")}
    earlier = _carried_ranking(document, chosen) if entry is None else {}
    origin: dict[str, Any] | None = None
    where = ""
    if entry is not None:
        results = {row["id"]: row for row in entry["results"]}
        name = say(SCORE_NAMES.get(entry["method"], N_("Score")))
        source = say(
            "Ranked by round {number} ({method}): {score} from that round, "
            "and each group's share of them.",
            number=entry["number"],
            method=escape(say(entry["method_label"])),
            score=_lower(name),
        )
        score = {i: results[i]["score"] for i in ids}
        groups = {i: dict(results[i]["by_group"]) for i in ids}
        origin = {**meeting, **{k: entry[k] for k in ("number", "method", "method_label")}}
    elif earlier:
        rows_at = {int(row["id"]): row for row in earlier["priorities"]}
        name = say(SCORE_NAMES.get(earlier["method"], N_("Score")))
        where = escape(meeting_name(earlier))
        source = say(
            "Ranked at {meeting} by round {number} ({method}): {score} from that round, "
            "and each group's share of them.",
            meeting=where,
            number=earlier["number"],
            method=escape(say(earlier["method_label"])),
            score=_lower(name),
        )
        score = {i: rows_at[i]["score"] for i in ids}
        groups = {i: dict(rows_at[i]["by_group"]) for i in ids}
        origin = {k: earlier[k] for k in ("title", "place", "held_on", "number", "method")}
        origin["method_label"] = earlier["method_label"]
    elif any(p["points"] for p in chosen):
        name, number_ = say("Dots"), document.get("support_round") or 1
        source = say(
            "Support: the dots in round {number}, and each group's share of them.", number=number_
        )
        score = {p["id"]: p["points"] for p in chosen}
        groups = {p["id"]: dict(p["by_group"]) for p in chosen}
        origin = {**meeting, "number": number_, "method": "dots", "method_label": "Dot voting"}
    else:
        name, source = "", say("Nobody voted at this meeting: support is the dots carried.")
        score = {i: 0 for i in ids}
        groups = {i: {} for i in ids}
    rows = [
        PriorityRow(
            p["priority_rank"],
            p["text"],
            score[p["id"]],
            groups[p["id"]],
            p["carried_points"],
            p["id"],
        )
        for p in chosen
    ]
    labels = {g["key"]: g["label"] for g in document["workshop"]["groups"]}
    labels[""] = say(NO_GROUP)
    labels[OTHER_GROUPS] = say(OTHER_GROUPS_LABEL)
    keys = _group_keys(document, rows) if name else []
    table = PriorityTable(rows, name, source, keys, labels, origin=origin)
    if table.carried:
        table.carried_note = _carried_note(document)
    if not name:
        table.chart_name = say("dots carried")
    elif origin is None:
        table.chart_name = _lower(name)
    elif where:  # the ranking of an earlier meeting
        table.chart_name = say(
            "{score} in round {number} at {meeting}",
            score=_lower(name),
            number=origin["number"],
            meeting=where,
        )
    else:
        table.chart_name = say(
            "{score} in round {number}", score=_lower(name), number=origin["number"]
        )
    if not name and not table.carried:
        table.source = say("Nobody has voted on these priorities yet.")
    return table
