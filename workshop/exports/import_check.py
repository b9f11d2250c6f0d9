"""Check an uploaded plan.json before importing it: types, sizes and references."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from workshop.domain import validation as valid
from workshop.domain.actions import parse_date, parse_status
from workshop.domain.errors import N_, InvalidInput
from workshop.domain.languages import CODES
from workshop.domain.limits import MAX_ATTENDEES_PER_WORKSHOP
from workshop.domain.model import Stage
from workshop.domain.small_groups import OTHER_GROUPS
from workshop.domain.themes import MAX_HEADING_LENGTH, MAX_THEMES
from workshop.exports.round_documents import checked_rounds

# Far above any real plan (the Maidstone review had 20 proposals), low enough that an
# import is done in a fraction of a second: one import used to hold the database for 9 s.
MAX_PROPOSALS = 500
MAX_MERGED = 500  # absorbed proposals, over the whole plan
MAX_ACTIONS = 500
MAX_DOTS_EACH = 20
TOO_BIG = N_(
    "That plan is larger than this toolkit makes: at most 500 proposals, "
    "500 merged ones and 500 actions. Export it again and import that file."
)
assert MAX_PROPOSALS == MAX_MERGED == MAX_ACTIONS == 500, "TOO_BIG names these numbers"

NOT_A_PLAN = N_(
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
    _need(isinstance(document.get("generated_at"), str) and len(document["generated_at"]) < 40)
    _check_sizes(document)
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
    _need(len(info["attendance"]) <= valid.MAX_GROUPS + 1)
    held_on = info.get("held_on")
    if held_on:
        _need(isinstance(held_on, str))
        parse_date(held_on, "meeting date")
    for key, count in info["attendance"].items():
        _need(key in keys or key == "")
        valid.integer(count, "number of people", 0, MAX_ATTENDEES_PER_WORKSHOP)
    _need(sum(info["attendance"].values()) <= MAX_ATTENDEES_PER_WORKSHOP)
    folded = info.get("folded_groups", [])
    _need(isinstance(folded, list) and all(key in keys or key == "" for key in folded))
    clean_info = {
        **info,
        "title": valid.clean_text(info.get("title"), "title", valid.MAX_TITLE_LENGTH),
        "place": valid.clean_text(info["place"], "place", valid.MAX_PLACE_LENGTH, required=False),
        "groups": clean_groups,
        "held_on": held_on or None,
        "folded_groups": sorted(set(folded)),
        # older exports have no language: they were English
        "language": info.get("language") if info.get("language") in CODES else "en",
    }
    proposals = document.get("proposals")
    _need(isinstance(proposals, list))
    offline = _offline_voters(document.get("rounds"))
    # Nobody can have given more dots than the people counted could place.
    most_dots = {
        key: MAX_DOTS_EACH * (info["attendance"].get(key, 0) + offline) for key in [*keys, ""]
    }
    most_dots[OTHER_GROUPS] = MAX_DOTS_EACH * (sum(info["attendance"].values()) + offline)
    given: dict[str, int] = {}
    clean_proposals = []
    for p in proposals:
        _need(isinstance(p, dict) and isinstance(p.get("id"), int) and 1 <= p["id"] <= valid.MAX_ID)
        _need(isinstance(p.get("merged"), list) and isinstance(p.get("by_group"), dict))
        _need(len(p["by_group"]) <= valid.MAX_GROUPS + 1)
        for key, points in p["by_group"].items():
            _need(key in most_dots)
            valid.integer(points, "number of dots", 0, most_dots[key])
            given[key] = given.get(key, 0) + points
            if given[key] > most_dots[key]:
                raise InvalidInput(
                    "That plan gives a group more dots than its people could place: "
                    "export it again and import that file."
                )
        rank = p.get("priority_rank")
        _need(rank is None or (isinstance(rank, int) and 1 <= rank <= len(proposals)))
        carried = p.get("carried_points")
        _need(carried is None or (isinstance(carried, int) and 0 <= carried <= 10_000_000))
        clean_proposals.append(
            {
                **p,
                "text": valid.clean_text(p.get("text"), "proposal", valid.MAX_PROPOSAL_LENGTH),
                "merged": [
                    valid.clean_text(t, "proposal", valid.MAX_PROPOSAL_LENGTH) for t in p["merged"]
                ],
            }
        )
    clean_themes = _checked_themes(document.get("themes"), clean_proposals)
    ids = {p["id"] for p in clean_proposals}
    _need(len(ids) == len(clean_proposals))
    actions = document.get("actions")
    _need(isinstance(actions, list))
    clean_actions = []
    for a in actions:
        _need(isinstance(a, dict) and a.get("priority_id") in ids)
        fields = {
            name: valid.clean_text(a.get(name), name, valid.MAX_ACTION_FIELD_LENGTH, required=False)
            for name in ("owner", "partners", "resources", "success")
        }
        _need(a.get("status") is None or isinstance(a["status"], str))
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
    group_keys = {*keys, "", OTHER_GROUPS}
    return {
        **document,
        "rounds": checked_rounds(document.get("rounds"), ids, group_keys),
        "workshop": clean_info,
        "proposals": clean_proposals,
        "themes": clean_themes,
        "actions": clean_actions,
    }


def _check_sizes(document: dict[str, Any]) -> None:
    """Refuse a plan larger than any this toolkit exports, before any per-item work."""
    proposals, actions = document.get("proposals"), document.get("actions")
    if not isinstance(proposals, list) or not isinstance(actions, list):
        raise InvalidInput(NOT_A_PLAN)
    if len(proposals) > MAX_PROPOSALS or len(actions) > MAX_ACTIONS:
        raise InvalidInput(TOO_BIG)
    merged = 0
    for p in proposals:
        _need(isinstance(p, dict) and isinstance(p.get("merged"), list))
        merged += len(p["merged"])
        if merged > MAX_MERGED:
            raise InvalidInput(TOO_BIG)


def _offline_voters(rounds: Any) -> int:
    """Return the most people any round counted on paper or by an assisted ballot."""
    if not isinstance(rounds, list):
        return 0
    most = 0
    for entry in rounds[:50]:
        if isinstance(entry, dict):
            paper, assisted = entry.get("paper_voters", 0), entry.get("assisted_ballots", 0)
            if isinstance(paper, int) and isinstance(assisted, int):
                most = max(most, min(paper + assisted, MAX_ATTENDEES_PER_WORKSHOP))
    return most


def _checked_themes(themes: Any, proposals: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the document's themes cleaned (none in older exports); refuse unknown headings."""
    if themes is None:
        for p in proposals:
            p["theme"] = None
        return []
    _need(isinstance(themes, list) and len(themes) <= MAX_THEMES)
    clean = []
    for theme in themes:
        _need(isinstance(theme, dict))
        heading = valid.clean_text(theme.get("heading"), "theme heading", MAX_HEADING_LENGTH)
        clean.append({**theme, "heading": heading})
    headings = [t["heading"] for t in clean]
    _need(len({h.casefold() for h in headings}) == len(headings))
    for p in proposals:
        raw = p.get("theme")
        if raw is not None:
            raw = valid.clean_text(raw, "theme heading", MAX_HEADING_LENGTH)
            _need(raw in headings)
        p["theme"] = raw
    return clean
