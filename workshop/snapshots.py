"""Build what each audience may see of a workshop: pure functions over loaded data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .domain.actions import Action, ActionStatus, date_label, is_overdue, long_date_label
from .domain.model import Participant, Proposal, Stage, Workshop
from .domain.planning import merged_children
from .domain.voting import DotBudget, counts_for, fold_totals, rank


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
    if proposal.carried_points is not None:
        entry["carried_points"] = proposal.carried_points
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


@dataclass
class Loaded:
    """Everything one read of a workshop brings back, for building snapshots."""

    workshop: Workshop
    proposals: Mapping[int, Proposal]
    raw_points: Mapping[int, int]
    position: int
    attendance: Mapping[str, int]
    actions: Mapping[int, Action] = field(default_factory=dict)
    names: Mapping[int, str | None] = field(default_factory=dict)
    series: dict[str, Any] | None = None


def action_entry(
    action: Action, loaded: Loaded, today: date, children: list[Action]
) -> dict[str, Any]:
    """Return an action as clients see it; volunteers' names only where they chose so."""
    shown = [loaded.names.get(pid) for pid, show in action.volunteers.items() if show]
    return {
        "id": action.id,
        "priority_id": action.priority_id,
        "text": action.text,
        "owner": action.owner,
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "due_label": date_label(action.due_on),
        "overdue": is_overdue(action, today),
        "partners": action.partners,
        "resources": action.resources,
        "success": action.success,
        "status": action.status.value,
        "status_label": action.status.label,
        "volunteers": len(action.volunteers),
        "volunteer_names": [name for name in shown if name],
        "carried_from": action.carried_from,
        "merged": [{"id": child.id, "text": child.text} for child in children],
    }


def snapshot(
    loaded: Loaded, audience: str, join_url: str, now_ms: int, today: date
) -> dict[str, Any]:
    """Return the snapshot one audience may see (see docs/protocol.md)."""
    workshop, proposals = loaded.workshop, loaded.proposals
    facilitator = audience == "facilitator"
    children = merged_children(proposals)
    visible = [p for p in proposals.values() if counts_for(p.id, proposals) == p.id]
    if facilitator:
        listed = [p for p in proposals.values() if p.merged_into is None]
    elif workshop.proposals_revealed:
        listed = visible
    else:  # the chosen priorities are the workshop's outcome: never kept from the room
        listed = [p for p in visible if p.priority_rank is not None]
    show_tally = facilitator or audience == "screen" or workshop.results_revealed
    absorbed: dict[int, list[Action]] = {}
    for action in loaded.actions.values():
        if action.merged_into is not None:
            absorbed.setdefault(action.merged_into, []).append(action)
    actions = [
        action_entry(action, loaded, today, absorbed.get(action.id, []))
        for action in loaded.actions.values()
        if action.merged_into is None
        and (facilitator or action.status is not ActionStatus.DROPPED)
        and counts_for(action.priority_id, proposals) == action.priority_id
    ]
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
        "joined": sum(loaded.attendance.values()),
        "by_group": dict(loaded.attendance),
        "proposal_count": len(visible),
        "proposals": [_proposal_entry(p, proposals, children, facilitator) for p in listed],
        "tally": tally(loaded.raw_points, loaded.position, proposals) if show_tally else None,
        "place": workshop.place,
        "held_on": workshop.held_on.isoformat() if workshop.held_on else None,
        "held_on_label": long_date_label(workshop.held_on),
        "plan_public": workshop.plan_public,
        "series": loaded.series,
        "actions": actions,
    }


def me(
    participant: Participant,
    workshop: Workshop,
    proposals: Mapping[int, Proposal],
    my_points: Mapping[int, int],
    authored: list[tuple[int, str, bool, int | None]],
    actions: Mapping[int, Action] | None = None,
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
        "helping": {
            str(action.id): {"show_name": action.volunteers[participant.id]}
            for action in (actions or {}).values()
            if participant.id in action.volunteers
        },
        "my_actions": [
            action.id
            for action in (actions or {}).values()
            if action.participant_id == participant.id
        ],
    }
