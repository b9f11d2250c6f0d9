"""Read a round's ballots from the store and count them with the domain's tally."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from workshop.domain.counted import ASSISTED_LABEL, PAPER_SOURCES, Counted
from workshop.domain.methods import Method
from workshop.domain.model import Proposal, Workshop
from workshop.domain.rounds import Round, support_round
from workshop.domain.small_groups import fold_ballots, fold_map
from workshop.domain.tallies import Ballot, tally_round
from workshop.domain.themes import as_candidates
from workshop.store.engine import Store, Tx

log = logging.getLogger(__name__)


def _counts(choices: Any, method: Method) -> dict[str, int]:
    """Return a ballot as {proposal: n}: dots or points; 1 for approved; rank for ranked."""
    if isinstance(choices, Mapping):
        return {str(pid): int(n) for pid, n in choices.items()}
    if method is Method.APPROVAL:
        return {str(pid): 1 for pid in choices}
    return {str(pid): position for position, pid in enumerate(choices, start=1)}


def ballot_items(
    tx: Tx, round_: Round, proposals: Mapping[int, Proposal]
) -> Mapping[int, Proposal]:
    """Return what a round's ballot lists: the ideas, or for a round on themes the themes."""
    if round_.rules.on_themes:
        return as_candidates(tx.themes.themes_of_round(round_.id))
    return proposals


def dot_ballots(tx: Tx, round_: Round, recount: bool = False) -> list[Ballot]:
    """Return a dot round's phone dots as ballots: from the running sums, or the ledger.

    Spend-all needs each person's ballot to see whether it is complete, so it reads the
    ledger per person; otherwise dots simply add up and the running sums (one row per
    group and proposal, kept by each vote) count the same as the ledger does.
    """
    if round_.rules.spend_all:
        return tx.rounds.dot_ballots(round_.id)
    return tx.rounds.dot_sums(round_.id) if recount else tx.tallies.dot_sums(round_.id)


def count_round(
    tx: Tx, round_: Round, proposals: Mapping[int, Proposal], recount: bool = False
) -> Counted:
    """Count one round: phones' ballots (or dots), assisted ballots and paper counts.

    recount reads a dot round from the ledger instead of its running sums.
    """
    proposals = ballot_items(tx, round_, proposals)
    whole = tx.rounds.round_ballots(round_.id)
    ballots = [ballot for _, ballot, _ in whole]
    if round_.method is Method.DOTS:
        ballots = dot_ballots(tx, round_, recount) + ballots
    paper = tx.rounds.round_paper(round_.id)
    sheets = [count for _, count, _ in paper]
    result = tally_round(round_.rules, ballots, sheets, proposals)
    folded = fold_map(result.voters_by_group)
    public = (  # counted twice only when a group is too small to publish on its own
        tally_round(round_.rules, *fold_ballots(ballots, sheets, folded), proposals)
        if folded
        else None
    )
    return Counted(
        round_,
        result,
        public=public,
        folded=folded,
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
    """Count the last dot round that held every priority: the support plans and follow-ups show.

    Dots add up across meetings and read the same in every town, which rankings and
    points do not; every round's own result is still exported in full.
    """
    chosen = [p.id for p in proposals.values() if p.priority_rank is not None]
    return count_round(tx, support_round(tx.rounds.rounds_of(workshop_id), chosen), proposals)


def carried_from(tx: Tx, workshop: Workshop) -> list[dict[str, Any]]:
    """Return the earlier meetings whose dots a follow-up carries, each with its round.

    Carried dots add up along the series: a follow-up's priority carries its origin's
    carried dots plus the dots it had at the origin's meeting. So a meeting is named when
    its priorities carry more than their own origins did: read from the proposal rows
    alone, with no recount, since every snapshot of a follow-up (each join) asks.
    """
    found: list[dict[str, Any]] = []
    find = tx.workshops.find_workshop_by_id
    later = tx.board.proposals(workshop.id)
    source = find(workshop.follows_id) if workshop.follows_id else None
    while source is not None and len(found) < 50:
        proposals = tx.board.proposals(source.id)
        if any(
            (p.carried_points or 0) > (proposals[p.origin_id].carried_points or 0)
            for p in later.values()
            if p.origin_id in proposals and p.carried_points is not None
        ):
            chosen = [p.id for p in proposals.values() if p.priority_rank is not None]
            found.append(
                {
                    "title": source.title,
                    "place": source.place,
                    "held_on": source.held_on.isoformat() if source.held_on else None,
                    "round": support_round(tx.rounds.rounds_of(source.id), chosen).number,
                }
            )
        later = proposals
        source = find(source.follows_id) if source.follows_id else None
    return found[::-1]


def sums_agree(tx: Tx, round_: Round) -> bool:
    """Say whether a dot round's running sums equal a recount of its ledger."""
    if round_.method is not Method.DOTS or round_.rules.spend_all:
        return True  # counted from the ledger or the ballots every time: nothing kept
    return _as_set(tx.tallies.dot_sums(round_.id)) == _as_set(tx.rounds.dot_sums(round_.id))


def verify_round(store: Store, round_: Round) -> bool:
    """Recount a dot round from its ledger; if the running sums disagree, rebuild them.

    Runs when results are revealed and when the server starts. The two reads share one
    snapshot (PostgreSQL's repeatable read), so a vote committing between them is not
    taken for a disagreement. The ledger is the truth: a disagreement is a bug, logged
    loudly, and the sums are rebuilt at once, in a transaction of their own.
    """
    with store.transaction() as tx:
        tx.one_snapshot()
        if sums_agree(tx, round_):
            return True
    log.error("round %s: running sums disagreed with a recount; rebuilt", round_.id)
    with store.transaction() as tx:
        tx.tallies.rebuild(round_.id)
    return False


def _as_set(ballots: list[Ballot]) -> set[tuple[object, ...]]:
    return {
        (b.group, b.people, tuple(sorted(dict(b.choices).items())))  # type: ignore[arg-type]
        for b in ballots
    }
