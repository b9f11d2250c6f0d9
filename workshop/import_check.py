"""Check an uploaded plan.json before importing it: types, sizes and references."""

from __future__ import annotations

from typing import Any

from . import validation as valid
from .domain.actions import parse_date, parse_status
from .domain.model import Stage
from .errors import InvalidInput
from .services import MAX_ATTENDEES_PER_WORKSHOP

NOT_A_PLAN = "That file is not a workshop plan exported by this toolkit (plan.json)."


def _need(condition: bool) -> None:
    if not condition:
        raise InvalidInput(NOT_A_PLAN)


def checked_document(document: Any) -> dict[str, Any]:
    """Return the document if it is a well-formed workshop plan, or refuse in words."""
    _need(isinstance(document, dict) and document.get("format") == "workshop-plan/1")
    info = document.get("workshop")
    _need(isinstance(info, dict))
    valid.clean_text(info.get("title"), "title", valid.MAX_TITLE_LENGTH)
    _need(info.get("stage") in {s.value for s in Stage})
    valid.integer(info.get("dots"), "number of dots", 1, 20)
    valid.integer(info.get("max_per_proposal"), "most dots on one proposal", 1, 20)
    _need(isinstance(info.get("groups"), list) and len(info["groups"]) <= valid.MAX_GROUPS)
    keys = {g.get("key") for g in info["groups"] if isinstance(g, dict)}
    _need(isinstance(info.get("place"), str) and isinstance(info.get("attendance"), dict))
    if info.get("held_on"):
        parse_date(info["held_on"], "meeting date")
    for key, count in info["attendance"].items():
        _need(key in keys or key == "")
        valid.integer(count, "number of people", 0, MAX_ATTENDEES_PER_WORKSHOP)
    _need(sum(info["attendance"].values()) <= MAX_ATTENDEES_PER_WORKSHOP)
    _need(isinstance(document.get("generated_at"), str) and len(document["generated_at"]) == 20)
    proposals = document.get("proposals")
    _need(isinstance(proposals, list) and len(proposals) <= 2_000)
    ids = set()
    for p in proposals:
        _need(isinstance(p, dict) and isinstance(p.get("id"), int))
        valid.clean_text(p.get("text"), "proposal", valid.MAX_PROPOSAL_LENGTH)
        _need(isinstance(p.get("merged"), list) and isinstance(p.get("by_group"), dict))
        for text in p["merged"]:
            valid.clean_text(text, "proposal", valid.MAX_PROPOSAL_LENGTH)
        for key, points in p["by_group"].items():
            _need(key in keys or key == "")
            valid.integer(points, "number of dots", -1_000_000, 1_000_000)
        _need(p.get("priority_rank") is None or isinstance(p["priority_rank"], int))
        _need(p.get("carried_points") is None or isinstance(p["carried_points"], int))
        ids.add(p["id"])
    actions = document.get("actions")
    _need(isinstance(actions, list) and len(actions) <= 2_000)
    for a in actions:
        _need(isinstance(a, dict) and a.get("priority_id") in ids)
        valid.clean_text(a.get("text"), "action", valid.MAX_ACTION_LENGTH)
        for field in ("owner", "partners", "resources", "success"):
            valid.clean_text(a.get(field), field, valid.MAX_ACTION_FIELD_LENGTH, required=False)
        if a.get("due_on"):
            parse_date(a["due_on"], "due date")
        parse_status(a.get("status"))
    return document
