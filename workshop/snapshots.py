"""Build what each audience may see of a workshop: pure functions over loaded data."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .domain.model import Participant, Proposal, Stage, Workshop
from .domain.planning import merged_children
from .domain.voting import DotBudget, counts_for, fold_totals, rank

AUDIENCES = ("phone", "screen", "facilitator")


def tally(
    raw: Mapping[int, int], position: int, proposals: Mapping[int, Proposal]
) -> dict[str, Any]:
    """Return the tally as broadcast: totals per visible survivor, ranking and vote count."""
    totals = fold_totals(raw, proposals)
    return {
        "version": position,
        "votes": sum(totals.values()),
        "totals": {str(pid): points for pid, points in totals.items()},
        "ranking": [row.as_dict() for row in rank(totals)],
    }


def _proposal_entry(
    proposal: Proposal,
    proposals: Mapping[int, Proposal],
    children: Mapping[int, list[int]],
    facilitator: bool,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": proposal.id,
        "text": proposal.text,
        "priority_rank": proposal.priority_rank,
    }
    merged = []
    stack = list(children.get(proposal.id, []))
    while stack:  # a survivor lists everything merged into it, however deep
        child = proposals[stack.pop(0)]
        if child.hidden and not facilitator:
            continue  # what was merged into a hidden proposal is hidden with it
        item: dict[str, Any] = {"id": child.id, "text": child.text}
        if facilitator:
            item["hidden"] = child.hidden
        merged.append(item)
        stack.extend(children.get(child.id, []))
    entry["merged"] = merged
    if facilitator:
        entry["hidden"] = proposal.hidden
    return entry


def snapshot(
    workshop: Workshop,
    audience: str,
    proposals: Mapping[int, Proposal],
    raw_points: Mapping[int, int],
    position: int,
    attendance: Mapping[str, int],
    join_url: str,
    now_ms: int,
) -> dict[str, Any]:
    """Return the snapshot one audience may see (see docs/protocol.md)."""
    facilitator = audience == "facilitator"
    children = merged_children(proposals)
    visible = [p for p in proposals.values() if counts_for(p.id, proposals) == p.id]
    if facilitator:
        listed = [p for p in proposals.values() if p.merged_into is None]
    elif workshop.proposals_revealed:
        listed = visible
    else:
        listed = []
    show_tally = facilitator or audience == "screen" or workshop.results_revealed
    return {
        "audience": audience,
        "version": workshop.version,
        "code": workshop.code,
        "title": workshop.title,
        "stage": workshop.stage.value,
        "stage_label": workshop.stage.label,
        "stages": [stage.value for stage in Stage],
        "dots": workshop.dots,
        "max_per_proposal": workshop.max_per_proposal,
        "groups": [{"key": g.key, "label": g.label} for g in workshop.groups],
        "join_url": join_url,
        "proposals_revealed": workshop.proposals_revealed,
        "results_revealed": workshop.results_revealed,
        "timer": workshop.timer.as_dict(),
        "server_time": now_ms,
        "joined": sum(attendance.values()),
        "by_group": dict(attendance),
        "proposal_count": len(visible),
        "proposals": [_proposal_entry(p, proposals, children, facilitator) for p in listed],
        "tally": tally(raw_points, position, proposals) if show_tally else None,
    }


def me(
    participant: Participant,
    workshop: Workshop,
    proposals: Mapping[int, Proposal],
    my_points: Mapping[int, int],
    authored: list[tuple[int, str, bool, int | None]],
) -> dict[str, Any]:
    """Return one attendee's own view: dots left, dots per proposal, own proposals."""
    budget = DotBudget.from_votes(workshop.dots, workshop.max_per_proposal, my_points, proposals)
    return {
        "participant_id": participant.id,
        "name": participant.name,
        "group": participant.group,
        "dots_left": budget.left,
        "my_votes": {str(pid): n for pid, n in sorted(budget.by_proposal.items())},
        "my_proposals": [
            {"id": pid, "text": text, "merged_into": merged_into}
            for pid, text, hidden, merged_into in authored
            if not hidden
        ],
    }
