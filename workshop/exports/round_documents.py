"""Each vote round's result as plain data for exports, and its re-import into a copy."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from workshop.domain.counted import PAPER_SOURCES, Counted
from workshop.domain.errors import N_, InvalidInput
from workshop.domain.methods import Method
from workshop.domain.model import Proposal
from workshop.domain.rounds import settings

BROKEN_ROUNDS = N_(
    "The vote rounds in that file are damaged: export the plan again and import that file."
)


def round_document(
    counted: Counted, proposals: Mapping[int, Proposal], numbers: Mapping[int, int]
) -> dict[str, Any]:
    """Return one round's result: overall, by group, balanced, and the paper and assisted part.

    Notes typed with paper and assisted votes stay out: they may name a person.
    """
    round_, result = counted.round, counted.published  # exports are public
    rules = round_.rules
    balanced = {row.proposal_id: row for row in result.balanced_ranking}
    rows = []
    for row in result.ranking:
        pid = row.proposal_id
        fair = balanced[pid]
        rows.append(
            {
                "id": pid,
                "text": proposals[pid].text,
                "score": row.points,
                "rank": row.rank,
                "tied": row.tied,
                "balanced": round(float(fair.points), 3),
                "balanced_rank": fair.rank,
                "balanced_tied": fair.tied,
                "by_group": {
                    key: scores.get(pid, 0)
                    for key, scores in sorted(result.by_group.items())
                    if scores.get(pid, 0)
                },
                "from_paper": result.from_paper.get(pid, 0),
                "from_assisted": result.from_assisted.get(pid, 0),
                "merged": len(result.merged.get(pid, [])),
            }
        )
    return {
        **round_.header(numbers),
        "rules": settings(rules),
        "shortlist": rules.proposal_ids is not None,
        # On themes, each result's id and text are a theme's, never an idea's.
        "on_themes": rules.on_themes,
        "voters": result.voters,
        "voters_by_group": dict(sorted(result.voters_by_group.items())),
        "incomplete": result.incomplete,
        "paper_voters": result.paper_voters,
        "assisted_ballots": result.assisted_ballots,
        "results": rows,
        "schulze": (
            [{"id": r.proposal_id, "rank": r.rank, "tied": r.tied} for r in result.schulze]
            if result.schulze is not None
            else None
        ),
        "condorcet_winner": result.condorcet_winner,
        "ties": [list(group) for group in result.ties],
        "paper": [
            {key: entry[key] for key in ("source", "source_label", "group", "voters", "counts")}
            for entry in counted.published_entries(counted.paper)
        ],
    }


def _need(condition: bool) -> None:
    if not condition:
        raise InvalidInput(BROKEN_ROUNDS)


MAX_ROUNDS = 50
MAX_COUNT = 10_000_000  # far above any score or count a real round reaches
RULE_BOUNDS = {"dots": (1, 20), "max_per_proposal": (1, 20), "top_k": (1, 500)}
RULE_BOUNDS["points_total"] = (10, 1000)


def _int(value: Any, low: int = 0, high: int = MAX_COUNT) -> int:
    _need(isinstance(value, int) and not isinstance(value, bool) and low <= value <= high)
    return int(value)


def _number(value: Any) -> int | float:
    """Return a finite number within the counts a round can reach (balanced scores are floats)."""
    if isinstance(value, float):
        _need(math.isfinite(value) and 0 <= value <= MAX_COUNT)
        return value
    return _int(value)


def _mapping(value: Any, most: int) -> dict[Any, Any]:
    _need(value is None or (isinstance(value, dict) and len(value) <= most))
    return value or {}


def _dicts(value: Any, most: int) -> list[dict[str, Any]]:
    _need(value is None or (isinstance(value, list) and len(value) <= most))
    _need(all(isinstance(item, dict) for item in value or []))
    return value or []


def _rules(value: Any) -> dict[str, Any]:
    """Return a round's settings exactly as exports write them, each within its bounds."""
    _need(isinstance(value, dict) and set(value) == {*RULE_BOUNDS, "spend_all", "points_exact"})
    rules: dict[str, Any] = {k: _int(value[k], *RULE_BOUNDS[k]) for k in RULE_BOUNDS}
    for flag in ("spend_all", "points_exact"):
        _need(isinstance(value[flag], bool))
        rules[flag] = value[flag]
    return rules


def checked_rounds(rounds: Any, ids: set[int], group_keys: set[str]) -> list[dict[str, Any]]:
    """Return an export's rounds checked field by field as typed input is, or refuse in words.

    Only numbers within bounds, known methods, settings, group keys and ids of the
    plan's proposals come through; labels and texts are made here, never copied.

    Long because it checks every field of an exported round in one place, as
    import_check does for the rest of a plan, so a reader sees every bound at once.
    """
    if rounds is None:
        return []  # a plan exported before rounds existed
    _need(isinstance(rounds, list) and len(rounds) <= MAX_ROUNDS)
    most = len(ids)

    def pid(value: Any) -> int:
        _need(isinstance(value, int) and value in ids)
        return int(value)

    def by_key(value: Any) -> dict[str, int]:
        found = _mapping(value, len(group_keys))
        _need(all(key in group_keys for key in found))
        return {key: _int(n) for key, n in sorted(found.items())}

    copied = []
    for entry in rounds:
        _need(isinstance(entry, dict) and isinstance(entry.get("results"), list))
        if entry.get("on_themes") is True:
            # Its results name themes by ids the copy does not keep: the themes and
            # their ideas come back, this round's tally does not (docs/protocol.md).
            continue
        _need(entry.get("method") in {m.value for m in Method})
        method = Method(entry["method"])
        rows = []
        for row in _dicts(entry["results"], most):
            rows.append(
                {
                    **{key: _number(row.get(key)) for key in ("score", "balanced")},
                    **{
                        key: _int(row.get(key))
                        for key in (
                            "rank",
                            "balanced_rank",
                            "from_paper",
                            "from_assisted",
                            "merged",
                        )
                    },
                    "id": pid(row.get("id")),
                    "tied": bool(row.get("tied")),
                    "balanced_tied": bool(row.get("balanced_tied")),
                    "by_group": by_key(row.get("by_group")),
                }
            )
        schulze = entry.get("schulze")
        winner = entry.get("condorcet_winner")
        ties = entry.get("ties")
        _need(ties is None or (isinstance(ties, list) and len(ties) <= most))
        _need(all(isinstance(group, list) and len(group) <= most for group in ties or []))
        runoff = entry.get("runoff_of")
        copied.append(
            {
                "number": _int(entry.get("number"), 1, MAX_ROUNDS),
                **{
                    key: _int(entry.get(key))
                    for key in ("voters", "incomplete", "paper_voters", "assisted_ballots")
                },
                "method": method.value,
                "method_label": method.label,
                "rules": _rules(entry.get("rules")),
                "shortlist": bool(entry.get("shortlist")),
                "runoff_of": _int(runoff, 1, MAX_ROUNDS) if runoff is not None else None,
                "voters_by_group": by_key(entry.get("voters_by_group")),
                "results": rows,
                "schulze": None
                if schulze is None
                else [
                    {
                        "id": pid(r.get("id")),
                        "rank": _int(r.get("rank")),
                        "tied": bool(r.get("tied")),
                    }
                    for r in _dicts(schulze, most)
                ],
                "condorcet_winner": pid(winner) if winner is not None else None,
                "ties": [[pid(x) for x in group] for group in ties or []],
                "paper": [_paper(p, pid, group_keys) for p in _dicts(entry.get("paper"), 200)],
            }
        )
    return copied


def _paper(entry: dict[str, Any], pid: Any, group_keys: set[str]) -> dict[str, Any]:
    _need(entry.get("source") in PAPER_SOURCES)
    group = entry.get("group") or ""
    _need(group in group_keys)
    counts = _mapping(entry.get("counts"), MAX_COUNT)
    _need(all(isinstance(k, str) and k.isdigit() and len(k) < 12 for k in counts))
    return {
        "source": entry["source"],
        "source_label": PAPER_SOURCES[entry["source"]],
        "group": group,
        "voters": _int(entry.get("voters")),
        "counts": {str(pid(int(k))): _int(v) for k, v in counts.items()},
    }


def renumbered_rounds(
    rounds: list[dict[str, Any]], new_ids: Mapping[int, int]
) -> list[dict[str, Any]]:
    """Return checked rounds with the proposal ids of the imported copy."""

    def new(old: int) -> int:
        return new_ids[old]

    copied = []
    for entry in rounds:
        winner = entry["condorcet_winner"]
        copied.append(
            {
                **entry,
                "results": [{**row, "id": new(row["id"])} for row in entry["results"]],
                "schulze": None
                if entry["schulze"] is None
                else [{**r, "id": new(r["id"])} for r in entry["schulze"]],
                "condorcet_winner": new(winner) if winner is not None else None,
                "ties": [[new(x) for x in group] for group in entry["ties"]],
                "paper": [
                    {**p, "counts": {str(new(int(k))): v for k, v in p["counts"].items()}}
                    for p in entry["paper"]
                ],
            }
        )
    return copied
