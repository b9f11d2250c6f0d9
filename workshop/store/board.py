"""Statements about the board: proposals and the dot ledger that votes on them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select, update

from workshop.domain.model import Proposal
from workshop.store.prepared import Prepared, Runner, inserting
from workshop.store.schema import participants, proposals, votes
from workshop.store.tallies import TallyStatements

PROPOSALS = Prepared(
    select(
        proposals.c.id,
        proposals.c.text,
        proposals.c.participant_id,
        proposals.c.hidden,
        proposals.c.merged_into,
        proposals.c.priority_rank,
        proposals.c.carried_points,
        proposals.c.origin_id,
        proposals.c.theme_id,
    )
    .where(proposals.c.workshop_id == bindparam("workshop_id"))
    .order_by(proposals.c.id)
)
MINE = Prepared(
    select(proposals.c.id, proposals.c.text, proposals.c.hidden, proposals.c.merged_into)
    .where(proposals.c.participant_id == bindparam("participant_id"))
    .order_by(proposals.c.id)
)
COUNT_BY = Prepared(
    select(func.count().label("n")).where(proposals.c.participant_id == bindparam("participant_id"))
)
INSERT = inserting(
    proposals,
    "workshop_id",
    "participant_id",
    "text",
    "hidden",
    "created_at",
    "priority_rank",
    "carried_points",
    "origin_id",
    "theme_id",
)
CLEAR_PRIORITIES = Prepared(
    update(proposals)
    .where(proposals.c.workshop_id == bindparam("key_workshop_id"))
    .values(priority_rank=None)
)
INSERT_VOTE = inserting(
    votes, "workshop_id", "round_id", "participant_id", "proposal_id", "points", "created_at"
)
POINTS_OF = Prepared(
    select(votes.c.proposal_id, func.sum(votes.c.points).label("points"))
    .where(
        votes.c.participant_id == bindparam("participant_id"),
        votes.c.round_id == bindparam("round_id"),
    )
    .group_by(votes.c.proposal_id)
)
POINTS_BY_GROUP = Prepared(
    select(
        votes.c.proposal_id,
        participants.c.group_key,
        func.sum(votes.c.points).label("points"),
    )
    .join(participants, participants.c.id == votes.c.participant_id)
    .where(votes.c.workshop_id == bindparam("workshop_id"))
    .group_by(votes.c.proposal_id, participants.c.group_key)
)
# A proposal's editable columns, each set of them one statement (made on first use).
EDITABLE = ("text", "hidden", "merged_into", "priority_rank", "theme_id")
_UPDATES: dict[tuple[str, ...], Prepared] = {}


def _update_of(names: tuple[str, ...]) -> Prepared:
    found = _UPDATES.get(names)
    if found is None:
        unknown = set(names) - set(EDITABLE)
        if unknown:
            raise ValueError(f"not an editable proposal column: {sorted(unknown)}")
        values: dict[str, Any] = {name: bindparam(f"set_{name}") for name in names}
        statement = update(proposals).where(proposals.c.id == bindparam("key_id")).values(values)
        found = _UPDATES[names] = Prepared(statement)
    return found


class BoardStatements:
    """Reads and writes of proposals and of the dot ledger."""

    def __init__(self, run: Runner, sums: TallyStatements) -> None:
        self.run = run
        self.sums = sums

    def proposals(self, workshop_id: int) -> dict[int, Proposal]:
        """Return every proposal of the workshop (hidden and merged included), by id."""
        return {
            row.id: Proposal(
                row.id,
                row.text,
                row.participant_id,
                bool(row.hidden),
                row.merged_into,
                row.priority_rank,
                row.carried_points,
                row.origin_id,
                row.theme_id,
            )
            for row in self.run.rows(PROPOSALS, workshop_id=workshop_id)
        }

    def my_proposals(self, participant_id: int) -> list[tuple[int, str, bool, int | None]]:
        """Return an attendee's proposals as (id, text, hidden, merged_into)."""
        rows = self.run.rows(MINE, participant_id=participant_id)
        return [(row.id, row.text, bool(row.hidden), row.merged_into) for row in rows]

    def count_proposals_by(self, participant_id: int) -> int:
        """Return how many proposals an attendee has made."""
        return int(self.run.value(COUNT_BY, participant_id=participant_id))

    def insert_proposal(
        self,
        workshop_id: int,
        participant_id: int | None,
        text: str,
        now_ms: int,
        priority_rank: int | None = None,
        carried_points: int | None = None,
        origin_id: int | None = None,
        theme_id: int | None = None,
    ) -> int:
        """Insert a proposal (a carried priority brings its rank, support and origin)."""
        return self.run.insert(
            INSERT,
            workshop_id=workshop_id,
            participant_id=participant_id,
            text=text,
            hidden=False,
            created_at=now_ms,
            priority_rank=priority_rank,
            carried_points=carried_points,
            origin_id=origin_id,
            theme_id=theme_id,
        )

    def update_proposal(self, proposal_id: int, **values: Any) -> None:
        """Change a proposal's text, hidden flag, merge target, priority rank or theme."""
        names = tuple(sorted(values))
        params = {f"set_{name}": value for name, value in values.items()}
        self.run.change(_update_of(names), key_id=proposal_id, **params)

    def clear_priorities(self, workshop_id: int) -> None:
        """Remove every priority rank in the workshop."""
        self.run.change(CLEAR_PRIORITIES, key_workshop_id=workshop_id)

    def insert_vote(
        self,
        workshop_id: int,
        round_id: int,
        participant_id: int,
        proposal_id: int,
        points: int,
        now_ms: int,
        known: tuple[str, int] | None = None,
    ) -> int:
        """Append a ledger row (negative points take dots back) and return its id.

        The round's running sums move in the same transaction: every ledger row goes
        through here, so they cannot miss one. known: the attendee's group key and
        their total in the round before this row, when the caller read both under the
        attendee's row lock (a vote does), so the sums need not read them again.
        """
        self.sums.record(round_id, participant_id, proposal_id, points, known)
        return self.run.insert(
            INSERT_VOTE,
            workshop_id=workshop_id,
            round_id=round_id,
            participant_id=participant_id,
            proposal_id=proposal_id,
            points=points,
            created_at=now_ms,
        )

    def points_of(self, participant_id: int, round_id: int) -> dict[int, int]:
        """Return one attendee's raw dots per proposal as cast in a dot round."""
        rows = self.run.rows(POINTS_OF, participant_id=participant_id, round_id=round_id)
        return {int(row.proposal_id): int(row.points) for row in rows if row.points}

    def points_by_group(self, workshop_id: int) -> dict[int, dict[str, int]]:
        """Return raw points per proposal per attendee group key ('' for no group)."""
        found: dict[int, dict[str, int]] = {}
        for row in self.run.rows(POINTS_BY_GROUP, workshop_id=workshop_id):
            found.setdefault(int(row.proposal_id), {})[row.group_key or ""] = int(row.points)
        return found

    def participants_touching(self, workshop_id: int, proposal_ids: set[int]) -> set[int]:
        """Return the attendees who voted on or wrote any of these proposals."""
        ids = sorted(proposal_ids)
        voters = self.run.core(
            select(votes.c.participant_id)
            .where(votes.c.workshop_id == workshop_id, votes.c.proposal_id.in_(ids))
            .distinct()
        ).scalars()
        authors = self.run.core(
            select(proposals.c.participant_id).where(
                proposals.c.id.in_(ids), proposals.c.participant_id.is_not(None)
            )
        ).scalars()
        return {int(pid) for pid in [*voters, *authors]}
