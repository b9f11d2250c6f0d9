"""Priorities and proposal housekeeping: merges, edits, priority order."""

from __future__ import annotations

from collections.abc import Mapping

from workshop.domain.errors import Conflict, InvalidInput, NotFound
from workshop.domain.model import Proposal
from workshop.domain.voting import counts_for

MAX_PRIORITIES = 20


def check_merge(survivor_id: int, absorbed_id: int, proposals: Mapping[int, Proposal]) -> None:
    """Refuse a merge that is impossible or would make a cycle."""
    if survivor_id == absorbed_id:
        raise Conflict("An idea cannot be merged into itself: pick a different one.")
    for proposal_id in (survivor_id, absorbed_id):
        if proposal_id not in proposals:
            raise NotFound("That idea does not exist in this workshop.")
    for proposal_id in (survivor_id, absorbed_id):
        if counts_for(proposal_id, proposals) != proposal_id:
            raise Conflict(
                "Only visible ideas that are not already merged can be merged: "
                "show or unmerge it first."
            )


def check_priorities(ids: list[int], proposals: Mapping[int, Proposal]) -> None:
    """Refuse a priority list with repeats, unknown, hidden or absorbed proposals."""
    if len(ids) > MAX_PRIORITIES:
        raise InvalidInput(
            "Choose at most {max_priorities} priorities.", max_priorities=MAX_PRIORITIES
        )
    if len(set(ids)) != len(ids):
        raise InvalidInput("Each idea can appear only once in the priorities.")
    for proposal_id in ids:
        if proposal_id not in proposals:
            raise NotFound("That idea does not exist in this workshop.")
        if counts_for(proposal_id, proposals) != proposal_id:
            raise Conflict("Hidden or merged ideas cannot be priorities: show or unmerge it first.")


def merged_children(proposals: Mapping[int, Proposal]) -> dict[int, list[int]]:
    """Return, for each proposal, the ids merged directly into it, in arrival order."""
    children: dict[int, list[int]] = {}
    for proposal in sorted(proposals.values(), key=lambda p: p.id):
        if proposal.merged_into is not None:
            children.setdefault(proposal.merged_into, []).append(proposal.id)
    return children
