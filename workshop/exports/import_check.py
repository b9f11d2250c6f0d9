"""Check an uploaded plan.json before importing it: types, sizes and references."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from workshop.domain import validation as valid
from workshop.domain.actions import parse_date, parse_status
from workshop.domain.errors import InvalidInput
from workshop.domain.limits import MAX_ATTENDEES_PER_WORKSHOP
from workshop.domain.model import Stage

NOT_A_PLAN = (
    "That file is not a workshop plan exported by this toolkit: "
    "download it again with 'Download plan (JSON)' and import that file."
)


def _need(condition: bool) -> None:
    if not condition:
        raise InvalidInput(NOT_A_PLAN)


def checked_document(document: Any) -> dict[str, Any]:
    """Return a cleaned copy of the document if it is a well-formed plan, or refuse in words.

    Text is cleaned exactly as if people had typed it (control characters and
    bidirectional overrides removed), so an import is no way around validation.

    Long because it walks the export format once, field by field, so every check sits beside
    the field it guards.
    """
    _need(isinstance(document, dict) and document.get("format") == "workshop-plan/1")
    info = document.get("workshop")
    _need(isinstance(info, dict))
    _need(isinstance(document.get("generated_at"), str))
    try:
        datetime.strptime(document["generated_at"], "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        raise InvalidInput(NOT_A_PLAN) from None
    _need(info.get("stage") in {s.value for s in Stage})
    dots = valid.integer(info.get("dots"), "number of dots", 1, 20)
    most = valid.integer(info.get("max_per_proposal"), "most dots on one proposal", 1, 20)
    _need(most <= dots)
    groups = info.get("groups")
    _need(isinstance(groups, list) and len(groups) <= valid.MAX_GROUPS)
    clean_groups = []
    for group in groups:
        _need(isinstance(group, dict) and isinstance(group.get("key"), str))
        _need(re.fullmatch(r"g[1-9]", group["key"]) is not None)
        label = valid.clean_text(group.get("label"), "group name", valid.MAX_GROUP_LENGTH)
        clean_groups.append({"key": group["key"], "label": label})
    keys = {g["key"] for g in clean_groups}
    _need(len(keys) == len(clean_groups))
    _need(isinstance(info.get("place"), str) and isinstance(info.get("attendance"), dict))
    held_on = info.get("held_on")
    if held_on:
        _need(isinstance(held_on, str))
        parse_date(held_on, "meeting date")
    for key, count in info["attendance"].items():
        _need(key in keys or key == "")
        valid.integer(count, "number of people", 0, MAX_ATTENDEES_PER_WORKSHOP)
    _need(sum(info["attendance"].values()) <= MAX_ATTENDEES_PER_WORKSHOP)
    clean_info = {
        **info,
        "title": valid.clean_text(info.get("title"), "title", valid.MAX_TITLE_LENGTH),
        "place": valid.clean_text(info["place"], "place", valid.MAX_PLACE_LENGTH, required=False),
        "groups": clean_groups,
        "held_on": held_on or None,
    }
    proposals = document.get("proposals")
    _need(isinstance(proposals, list) and len(proposals) <= 2_000)
    clean_proposals = []
    for p in proposals:
        _need(isinstance(p, dict) and isinstance(p.get("id"), int))
        _need(isinstance(p.get("merged"), list) and isinstance(p.get("by_group"), dict))
        for key, points in p["by_group"].items():
            _need(key in keys or key == "")
            valid.integer(points, "number of dots", -1_000_000, 1_000_000)
        _need(p.get("priority_rank") is None or isinstance(p["priority_rank"], int))
        _need(p.get("carried_points") is None or isinstance(p["carried_points"], int))
        clean_proposals.append(
            {
                **p,
                "text": valid.clean_text(p.get("text"), "proposal", valid.MAX_PROPOSAL_LENGTH),
                "merged": [
                    valid.clean_text(t, "proposal", valid.MAX_PROPOSAL_LENGTH) for t in p["merged"]
                ],
            }
        )
    ids = {p["id"] for p in clean_proposals}
    actions = document.get("actions")
    _need(isinstance(actions, list) and len(actions) <= 2_000)
    clean_actions = []
    for a in actions:
        _need(isinstance(a, dict) and a.get("priority_id") in ids)
        fields = {
            name: valid.clean_text(a.get(name), name, valid.MAX_ACTION_FIELD_LENGTH, required=False)
            for name in ("owner", "partners", "resources", "success")
        }
        due_on = a.get("due_on")
        if due_on:
            _need(isinstance(due_on, str))
            parse_date(due_on, "due date")
        clean_actions.append(
            {
                **a,
                **fields,
                "text": valid.clean_text(a.get("text"), "action", valid.MAX_ACTION_LENGTH),
                "due_on": due_on or None,
                "status": parse_status(a.get("status")).value,
            }
        )
    return {
        **document,
        "workshop": clean_info,
        "proposals": clean_proposals,
        "actions": clean_actions,
    }
