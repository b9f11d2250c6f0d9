"""What the room and the public may see of votes counted on paper or with help.

A ballot filled in with someone is one person's choices; a marker "includes 1 from
assisted ballots" beside three proposals points straight at them. Publicly, paper
counts and assisted ballots are one pool ("counted on paper or with help"), and the
pool's support per proposal is shown only once it stands for enough people that no
one of them can be picked out. Below that it folds into the totals, unmarked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Fewer people than this in a figure, and the figure can point at one of them.
SMALLEST_SHOWN = 3


def offline_people(paper_voters: int, assisted_ballots: int) -> int:
    """Return how many people were counted on paper or with help."""
    return paper_voters + assisted_ballots


def pooled_support(
    from_paper: Mapping[str, int], from_assisted: Mapping[str, int], people: int
) -> dict[str, int]:
    """Return the pool's support per proposal, or nothing while the pool is too small."""
    if people < SMALLEST_SHOWN:
        return {}
    pooled: dict[str, int] = {}
    for source in (from_paper, from_assisted):
        for pid, n in source.items():
            if n:
                pooled[pid] = pooled.get(pid, 0) + n
    return dict(sorted(pooled.items(), key=lambda item: int(item[0])))


def public_tally(full: Mapping[str, Any]) -> dict[str, Any]:
    """Return a tally as the wall and phones may get it: no notes, nobody singled out.

    `from_paper` becomes the pooled support of paper and assisted votes (empty below
    SMALLEST_SHOWN people), `from_assisted` is always empty, and each paper or
    assisted entry keeps its kind, group and size but not its counts.
    """
    people = offline_people(full["paper_voters"], full["assisted_ballots"])
    return {
        **full,
        "from_paper": pooled_support(full["from_paper"], full["from_assisted"], people),
        "from_assisted": {},
        "paper": [{**entry, "counts": {}, "note": ""} for entry in full["paper"]],
        "assisted": [{**entry, "counts": {}, "note": ""} for entry in full["assisted"]],
    }
