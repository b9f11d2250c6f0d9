"""What each audience sees of themes, the spotlight and the run sheet: pure functions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workshop.domain import run_sheets, themes
from workshop.domain.model import Proposal
from workshop.domain.numbering import numbers
from workshop.domain.voting import counts_for
from workshop.store.themes import Board

SUPPORT_RULE = "sum"  # a theme's support is the sum of its proposals' scores (see domain/themes)


def _spotlight(
    board: Board, proposals: Mapping[int, Proposal], numbered: Mapping[int, int]
) -> dict[str, Any] | None:
    """Return what is on the wall for discussion, or None; never anything hidden."""
    kind, target = board.settings.spotlight_kind, board.settings.spotlight_id
    if kind is None or target is None:
        return None
    if kind == "theme":
        theme = board.themes.get(target)
        if theme is None or theme.dissolved:
            return None
        ids = themes.members(board.themes, proposals)[theme.id]
        return {
            "kind": "theme",
            "id": theme.id,
            "text": theme.heading,
            "proposals": [
                {"id": pid, "number": numbered[pid], "text": proposals[pid].text} for pid in ids
            ],
        }
    proposal = proposals.get(target)
    # The render checks again what the commands check: a hidden proposal never shows.
    if proposal is None or proposal.hidden or counts_for(target, proposals) != target:
        return None
    theme_id = themes.theme_of(proposal, board.themes)
    return {
        "kind": "proposal",
        "id": proposal.id,
        "number": numbered[proposal.id],
        "text": proposal.text,
        "theme": board.themes[theme_id].heading if theme_id is not None else None,
        "proposals": [],
    }


def facilitation_view(
    board: Board,
    proposals: Mapping[int, Proposal],
    listed: list[dict[str, Any]],
    audience: str,
    revealed: bool,
    totals: Mapping[str, Any] | None,
    now_ms: int,
) -> dict[str, Any]:
    """Return the snapshot keys of themes, the spotlight and the run sheet for one audience.

    Also writes each listed proposal's `number` and `theme_id` into its entry.
    """
    numbered = numbers(proposals)
    facilitator = audience == "facilitator"
    for entry in listed:
        entry["number"] = numbered[entry["id"]]
        entry["theme_id"] = themes.theme_of(proposals[entry["id"]], board.themes)
    shown_ids = {entry["id"] for entry in listed if not entry.get("hidden")}
    grouped = themes.members(board.themes, proposals) if board.themes else {}
    columns = []
    if facilitator or revealed:
        for theme in themes.live(board.themes):
            ids = [pid for pid in grouped[theme.id] if pid in shown_ids]
            support = None
            if totals is not None:
                support = sum(int(totals.get(str(pid), 0)) for pid in ids)
            columns.append(
                {"id": theme.id, "heading": theme.heading, "proposal_ids": ids, "support": support}
            )
    view: dict[str, Any] = {
        "themes": columns,
        "theme_support": SUPPORT_RULE,
        "theme_suggestions_open": board.settings.suggestions_open,
        "spotlight": _spotlight(board, proposals, numbered),
    }
    if facilitator:
        view["dissolved_themes"] = [
            {"id": t.id, "heading": t.heading} for t in board.themes.values() if t.dissolved
        ]
        view["theme_suggestions"] = [
            {"id": s.id, "proposal_id": s.proposal_id, "heading": s.heading}
            for s in board.suggestions
            if s.proposal_id in shown_ids
        ]
        sheet = board.settings.run_sheet
        view["run_sheet"] = run_sheets.progress(sheet, now_ms) if sheet else None
    return view
