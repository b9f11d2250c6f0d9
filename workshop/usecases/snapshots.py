"""Build what each audience may see of a workshop: pure functions over loaded data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workshop.domain.actions import (
    Action,
    ActionStatus,
    date_label,
    first_word,
    is_overdue,
    long_date_label,
)
from workshop.domain.counted import Counted
from workshop.domain.disclosure import public_tally
from workshop.domain.methods import Method
from workshop.domain.model import Participant, Proposal, Stage, Workshop
from workshop.domain.proposals import merged_children
from workshop.domain.review import AUTHOR_SENTENCE, HeldProposal
from workshop.domain.rounds import Round
from workshop.domain.themes import as_candidates
from workshop.domain.voting import DotBudget, counts_for
from workshop.store.themes import Board
from workshop.usecases.events import PROTOCOL_VERSION
from workshop.usecases.theme_snapshots import facilitation_view

# What a participation-only tally keeps: enough to show who has voted, nothing to anchor on.
PARTICIPATION_KEYS = ("version", "round_id", "round_number", "method", "voters", "participation")


def head_count(attendance: Mapping[str, int]) -> dict[str, Any]:
    """Return the head count as every audience gets it: everyone, and per group key ('')."""
    return {"joined": sum(attendance.values()), "by_group": dict(attendance)}


def tally(
    counted: Counted,
    position: int,
    attendance: Mapping[str, int],
    notes: bool = False,
    published: bool = False,
) -> dict[str, Any]:
    """Return a round's tally: results overall, by group and group-balanced, and turnout.

    Notes typed with paper counts and assisted ballots go to the facilitator only. A
    published tally folds groups too small to publish into "other groups"; turnout
    (who has voted, not how) stays per group.
    """
    result = counted.published if published else counted.result
    voted = counted.result.voters_by_group
    keys = sorted(set(attendance) | set(voted))
    # People counted on paper or helped to vote have no phone: "N of M" must count them in.
    offline: dict[str, int] = {}
    for entry in counted.paper:
        offline[entry["group"]] = offline.get(entry["group"], 0) + entry["voters"]
    for entry in counted.assisted:
        offline[entry["group"]] = offline.get(entry["group"], 0) + 1
    view: dict[str, Any] = {
        "version": position,
        "round_id": counted.round.id,
        "round_number": counted.round.number,
        "method": counted.round.method.value,
        "votes": sum(result.totals.values()),
        "participation": {
            "joined": sum(attendance.values()),
            "offline": sum(offline.values()),
            "voted": counted.result.voters,
            "by_group": {
                key: {
                    "joined": attendance.get(key, 0),
                    "offline": offline.get(key, 0),
                    "voted": voted.get(key, 0),
                }
                for key in keys
            },
        },
        "results_hidden": False,
        **result.as_dict(),
    }
    strip = (lambda entry: entry) if notes else (lambda entry: {**entry, "note": ""})
    view["paper"] = [strip(entry) for entry in counted.paper]
    view["assisted"] = [strip(entry) for entry in counted.assisted]
    if published:
        view["paper"] = counted.published_entries(counted.paper)
        view["assisted"] = counted.published_entries(counted.assisted)
        view["folded_groups"] = sorted(counted.folded)
    return view


def participation_only(full: Mapping[str, Any]) -> dict[str, Any]:
    """Return the part of a tally that shows who has voted, without any result."""
    return {**{key: full[key] for key in PARTICIPATION_KEYS}, "results_hidden": True}


def tallies_by_audience(
    full: dict[str, Any] | None, public: dict[str, Any], round_: Round, results_revealed: bool
) -> dict[str, dict[str, Any] | None]:
    """Return what each audience may see of a tally (None: phones get nothing yet).

    Until results are revealed the wall shows only who has voted (unless a round was
    started with `wall_mode` "results"), to avoid anchoring and to single nobody out;
    phones see results only once they are revealed. `public` is the published tally
    (small groups folded, no notes); paper and assisted votes are pooled on top of it.
    """
    wall_full = results_revealed or round_.wall_mode == "results"
    public = public_tally(public)
    return {
        "facilitator": full,
        "screen": public if wall_full else participation_only(public),
        "phone": public if results_revealed else None,
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
        entry["author_id"] = proposal.participant_id  # so the console can take an author out
    return entry


@dataclass
class Loaded:
    """Everything one read of a workshop brings back, for building snapshots."""

    workshop: Workshop
    proposals: Mapping[int, Proposal]
    round: Round  # the current round
    counted: Counted | None  # its count; None when this read is for phones kept from results
    position: int
    attendance: Mapping[str, int]
    actions: Mapping[int, Action] = field(default_factory=dict)
    names: Mapping[int, str | None] = field(default_factory=dict)
    series: dict[str, Any] | None = None
    rounds: list[Round] = field(default_factory=list)  # every round, first first
    # The results of the rounds before the current one, counted for the console only.
    earlier: list[Counted | None] = field(default_factory=list)
    held: list[HeldProposal] = field(default_factory=list)  # the review queue (console only)
    board: Board | None = None  # themes, the spotlight and the run sheet


def action_entry(
    action: Action, loaded: Loaded, today: date, children: list[Action]
) -> dict[str, Any]:
    """Return an action as clients see it; volunteers' names only where they chose so."""
    shown = [first_word(loaded.names.get(pid)) for pid, show in action.volunteers.items() if show]
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
    """Return the snapshot one audience may see (see docs/protocol.md).

    Long because it is the snapshot's shape, key by key, as docs/protocol.md lists it.
    """
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
    round_ = loaded.round
    shown_tally = None
    if loaded.counted is not None:
        now, position, attendance = loaded.counted, loaded.position, loaded.attendance
        full = tally(now, position, attendance, notes=True) if facilitator else None
        public = tally(now, position, attendance, published=True)
        by_audience = tallies_by_audience(full, public, round_, workshop.results_revealed)
        shown_tally = by_audience[audience]
    numbers = {each.id: each.number for each in loaded.rounds}
    rounds: list[dict[str, Any]] = [
        {"id": each.id, **each.header(numbers)} for each in loaded.rounds
    ]
    if facilitator:  # the console keeps every earlier round's result at hand
        for entry, counted in zip(rounds, loaded.earlier, strict=False):
            if counted is not None:
                entry["result"] = tally(counted, loaded.position, loaded.attendance, notes=True)
                entry["candidates"] = counted.round.candidates(_items(loaded, counted.round))
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
    view = {
        "protocol": PROTOCOL_VERSION,
        "audience": audience,
        "version": workshop.version,
        "code": workshop.code,
        "title": workshop.title,
        "stage": workshop.stage.value,
        "stage_label": workshop.stage.label,
        "stages": [stage.value for stage in Stage],
        "dots": round_.rules.dots,
        "max_per_proposal": round_.rules.max_per_proposal,
        "round": round_.as_dict(_items(loaded, round_), numbers),
        "rounds": rounds,
        "results_view": workshop.results_view,
        "groups": [{"key": g.key, "label": g.label} for g in workshop.groups],
        "join_url": join_url,
        "proposals_revealed": workshop.proposals_revealed,
        "results_revealed": workshop.results_revealed,
        "timer": workshop.timer.as_dict(),
        "server_time": now_ms,
        **head_count(loaded.attendance),
        "proposal_count": len(visible),
        "proposals": [_proposal_entry(p, proposals, children, facilitator) for p in listed],
        "tally": shown_tally,
        "place": workshop.place,
        "held_on": workshop.held_on.isoformat() if workshop.held_on else None,
        "held_on_label": long_date_label(workshop.held_on),
        "plan_public": workshop.plan_public,
        "series": loaded.series,
        "actions": actions,
        "pre_moderation": workshop.pre_moderation,
        "wall_paused": workshop.wall_paused,
        "language": workshop.language,
        "wall_language2": workshop.wall_language2,
    }
    if facilitator:
        view["held"] = [entry.as_dict() for entry in loaded.held]
    if loaded.board is not None:
        # A round on themes scores themes, not ideas: no sum of ideas to show by theme.
        totals = shown_tally.get("totals") if shown_tally and not round_.rules.on_themes else None
        view.update(
            facilitation_view(
                loaded.board,
                proposals,
                view["proposals"],
                audience,
                workshop.proposals_revealed,
                totals,
                now_ms,
            )
        )
    return view


def _items(loaded: Loaded, round_: Round) -> Mapping[int, Proposal]:
    """Return what a round's ballot lists: the ideas, or for a round on themes the themes."""
    if round_.rules.on_themes and loaded.board is not None:
        return as_candidates(loaded.board.themes)
    return loaded.proposals


def _shown_ballot(
    ballot: tuple[int, ...] | Mapping[int, int] | None, proposals: Mapping[int, Proposal]
) -> list[int] | dict[str, int] | None:
    """Return a ballot as its voter sees it now: merged choices under their survivor."""
    if ballot is None:
        return None
    if isinstance(ballot, Mapping):
        folded: dict[str, int] = {}
        for pid, n in ballot.items():
            target = counts_for(pid, proposals)
            if target is not None:
                folded[str(target)] = folded.get(str(target), 0) + n
        return folded
    shown: list[int] = []
    for pid in ballot:
        target = counts_for(pid, proposals)
        if target is not None and target not in shown:
            shown.append(target)
    return shown


def me(
    participant: Participant,
    round_: Round,
    proposals: Mapping[int, Proposal],
    my_points: Mapping[int, int],
    my_ballot: tuple[int, ...] | Mapping[int, int] | None,
    authored: list[tuple[int, str, bool, int | None]],
    actions: Mapping[int, Action] | None = None,
    held: list[tuple[int, str]] | None = None,
) -> dict[str, Any]:
    """Return one attendee's own view of the current round, and their own proposals.

    A phone that holds a `me` of an earlier round knows it has cast nothing in a new one.
    """
    rules = round_.rules
    budget = DotBudget.from_votes(rules.dots, rules.max_per_proposal, my_points, proposals)
    return {
        "participant_id": participant.id,
        "name": participant.name,
        "group": participant.group,
        "round_id": round_.id,
        "dots_left": budget.left if round_.method is Method.DOTS else 0,
        "my_votes": {str(pid): n for pid, n in sorted(budget.by_proposal.items())},
        "my_ballot": _shown_ballot(my_ballot, proposals),
        # A hidden idea stays on its author's own list, marked, so it does not vanish
        # without a word; nobody else's phone or screen gets it.
        "my_proposals": [
            {"id": pid, "text": text, "merged_into": merged_into, "hidden": hidden}
            for pid, text, hidden, merged_into in authored
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
        # Held and declined look alike to their author: neither is ever called rejected.
        "my_held": [{"id": hid, "text": text, "note": AUTHOR_SENTENCE} for hid, text in held or []],
    }
