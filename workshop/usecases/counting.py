"""Read a round's ballots from the store and count them with the domain's tally."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from workshop.domain.counted import ASSISTED_LABEL, PAPER_SOURCES, Counted
from workshop.domain.methods import Method
from workshop.domain.model import Proposal
from workshop.domain.rounds import Round
from workshop.domain.tallies import tally_round
from workshop.store.engine import Tx


def _counts(choices: Any, method: Method) -> dict[str, int]:
    """Return a ballot as {proposal: n}: dots or points; 1 for approved; rank for ranked."""
    if isinstance(choices, Mapping):
        return {str(pid): int(n) for pid, n in choices.items()}
    if method is Method.APPROVAL:
        return {str(pid): 1 for pid in choices}
    return {str(pid): position for position, pid in enumerate(choices, start=1)}


def count_round(tx: Tx, round_: Round, proposals: Mapping[int, Proposal]) -> Counted:
    """Count one round: phones' ballots (or dots), assisted ballots and paper counts."""
    whole = tx.rounds.round_ballots(round_.id)
    ballots = [ballot for _, ballot, _ in whole]
    if round_.method is Method.DOTS:
        # Spend-all needs each person's ballot to see whether it is complete.
        per_person = round_.rules.spend_all
        ballots = (
            tx.rounds.dot_ballots(round_.id) if per_person else tx.rounds.dot_sums(round_.id)
        ) + ballots
    paper = tx.rounds.round_paper(round_.id)
    result = tally_round(round_.rules, ballots, [count for _, count, _ in paper], proposals)
    return Counted(
        round_,
        result,
        paper=[
            {
                "id": entry_id,
                "source": count.source,
                "source_label": PAPER_SOURCES.get(count.source, count.source),
                "group": count.group or "",
                "voters": count.voters,
                "counts": _counts(count.counts, round_.method),
                "note": note,
            }
            for entry_id, count, note in paper
        ],
        assisted=[
            {
                "id": entry_id,
                "source": "assisted",
                "source_label": ASSISTED_LABEL,
                "group": ballot.group or "",
                "counts": _counts(ballot.choices, round_.method),
                "note": note,
            }
            for entry_id, ballot, note in whole
            if ballot.source == "assisted"
        ],
    )


def dot_support(tx: Tx, workshop_id: int, proposals: Mapping[int, Proposal]) -> Counted:
    """Count the workshop's last dot round: its dots are the support plans and follow-ups show.

    Dots add up across meetings and read the same in every town, which rankings and
    points do not; every round's own result is still exported in full.
    """
    dot_rounds = [r for r in tx.rounds.rounds_of(workshop_id) if r.method is Method.DOTS]
    return count_round(tx, dot_rounds[-1], proposals)
