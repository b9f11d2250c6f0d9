"""Markdown summaries and plans, with every piece of user text escaped to literal text."""

from __future__ import annotations

import re
from typing import Any

# Punctuation that both CommonMark and Python-Markdown honour a backslash before...
_BACKSLASHED = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
# ...and the rest, which become entities (a table cell is split on a raw "|" only).
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "|": "&#124;", "~": "&#126;"}


def escape(text: str) -> str:
    """Return text that Markdown renders as exactly what the person typed, on one line."""
    one_line = " ".join(text.split())
    backslashed = _BACKSLASHED.sub(r"\\\1", one_line)
    return "".join(_ENTITIES.get(ch, ch) for ch in backslashed)


def summary(state: dict[str, Any]) -> str:
    """Return the workshop so far: priorities in rank order, then every visible proposal."""
    proposals = {p["id"]: p for p in state["proposals"] if not p.get("hidden")}
    tally = state["tally"] or {"totals": {}, "ranking": [], "votes": 0}
    totals = {int(k): v for k, v in tally["totals"].items()}
    lines = [f"# {escape(state['title'])}", ""]
    lines.append(
        f"Workshop {state['code']}: {_count(state['joined'], 'person', 'people')} took part, "
        f"{_count(len(proposals), 'proposal', 'proposals')}, "
        f"{_count(tally['votes'], 'dot', 'dots')} placed."
    )
    lines.append("")
    priorities = sorted(
        (p for p in proposals.values() if p["priority_rank"] is not None),
        key=lambda p: p["priority_rank"],
    )
    lines += ["## Priorities", ""]
    if priorities:
        for p in priorities:
            dots = totals.get(p["id"], 0)
            lines.append(
                f"{p['priority_rank']}. {escape(p['text'])} ({_count(dots, 'dot', 'dots')})"
            )
    else:
        lines.append("No priorities have been chosen yet.")
    lines += ["", "## All proposals", "", "| Rank | Proposal | Dots |", "|---:|---|---:|"]
    for row in tally["ranking"]:
        proposal = proposals.get(row["proposal_id"])
        if proposal is None:
            continue
        rank = f"={row['rank']}" if row["tied"] else str(row["rank"])
        text = escape(proposal["text"])
        merged = [escape(m["text"]) for m in proposal["merged"] if not m.get("hidden")]
        if merged:
            text += " (merged with: " + "; ".join(merged) + ")"
        lines.append(f"| {rank} | {text} | {row['points']} |")
    lines += ["", "Ties share a rank (shown as =) and are listed in the order proposed.", ""]
    return "\n".join(lines)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"
