"""Each vote round's result as plain data for exports, and its re-import into a copy."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workshop.domain.counted import Counted
from workshop.domain.errors import InvalidInput
from workshop.domain.model import Proposal
from workshop.domain.rounds import settings

BROKEN_ROUNDS = (
    "The vote rounds in that file are damaged: export the plan again and import that file."
)


def round_document(
    counted: Counted, proposals: Mapping[int, Proposal], numbers: Mapping[int, int]
) -> dict[str, Any]:
    """Return one round's result: overall, by group, balanced, and the paper and assisted part.

    Notes typed with paper and assisted votes stay out: they may name a person.
    """
    round_, result = counted.round, counted.result
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
            for entry in counted.paper
        ],
    }


def _need(condition: bool) -> None:
    if not condition:
        raise InvalidInput(BROKEN_ROUNDS)


def _mapping(value: Any) -> dict[Any, Any]:
    _need(value is None or isinstance(value, dict))
    return value or {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    _need(value is None or (isinstance(value, list) and len(value) <= 2_000))
    _need(all(isinstance(item, dict) for item in value or []))
    return value or []


def _lists(value: Any) -> list[list[Any]]:
    _need(value is None or isinstance(value, list))
    _need(all(isinstance(item, list) for item in value or []))
    return value or []


def _int(value: Any) -> int:
    _need(isinstance(value, str) and value.isdigit() and len(value) < 12)
    return int(value)


def renumbered_rounds(rounds: Any, new_ids: Mapping[int, int]) -> list[dict[str, Any]]:
    """Return exported rounds with the proposal ids of an imported copy, or refuse in words.

    Only numbers, known keys and ids of imported proposals come through; proposal
    texts are taken from the proposals themselves, never from here.

    Long because it checks and renumbers every field of an exported round in one place, as
    import_check does for the rest of a plan.
    """
    if rounds is None:
        return []  # a plan exported before rounds existed
    _need(isinstance(rounds, list) and len(rounds) <= 50)

    def pid(value: Any) -> int:
        _need(isinstance(value, int) and value in new_ids)
        return new_ids[value]

    def number(value: Any) -> int | float:
        _need(isinstance(value, int | float) and not isinstance(value, bool))
        return value

    copied = []
    for entry in rounds:
        _need(isinstance(entry, dict) and isinstance(entry.get("results"), list))
        rows = []
        for row in entry["results"]:
            _need(isinstance(row, dict) and isinstance(row.get("by_group"), dict))
            rows.append(
                {
                    **{
                        key: number(row.get(key))
                        for key in (
                            "score",
                            "rank",
                            "balanced",
                            "balanced_rank",
                            "from_paper",
                            "from_assisted",
                            "merged",
                        )
                    },
                    "id": pid(row.get("id")),
                    "tied": bool(row.get("tied")),
                    "balanced_tied": bool(row.get("balanced_tied")),
                    "by_group": {str(k)[:8]: number(v) for k, v in row["by_group"].items()},
                }
            )
        schulze = entry.get("schulze")
        _need(schulze is None or isinstance(schulze, list))
        winner = entry.get("condorcet_winner")
        copied.append(
            {
                **{
                    key: number(entry.get(key))
                    for key in (
                        "number",
                        "voters",
                        "incomplete",
                        "paper_voters",
                        "assisted_ballots",
                    )
                },
                "method": str(entry.get("method"))[:20],
                "method_label": str(entry.get("method_label"))[:40],
                "rules": {
                    str(k)[:20]: v if isinstance(v, bool) else number(v)
                    for k, v in _mapping(entry.get("rules")).items()
                },
                "shortlist": bool(entry.get("shortlist")),
                "runoff_of": entry.get("runoff_of")
                if isinstance(entry.get("runoff_of"), int)
                else None,
                "voters_by_group": {
                    str(k)[:8]: number(v) for k, v in _mapping(entry.get("voters_by_group")).items()
                },
                "results": rows,
                "schulze": None
                if schulze is None
                else [
                    {
                        "id": pid(r.get("id")),
                        "rank": number(r.get("rank")),
                        "tied": bool(r.get("tied")),
                    }
                    for r in _dicts(schulze)
                ],
                "condorcet_winner": pid(winner) if winner is not None else None,
                "ties": [[pid(x) for x in group] for group in _lists(entry.get("ties"))],
                "paper": [
                    {
                        "source": str(p.get("source"))[:20],
                        "source_label": str(p.get("source_label"))[:40],
                        "group": str(p.get("group") or "")[:8],
                        "voters": number(p.get("voters")),
                        "counts": {
                            str(pid(_int(k))): number(v)
                            for k, v in _mapping(p.get("counts")).items()
                        },
                    }
                    for p in _dicts(entry.get("paper"))
                ],
            }
        )
    return copied
