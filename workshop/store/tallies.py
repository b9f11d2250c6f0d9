"""Running sums of dot rounds, updated in the transaction of every ledger row that moves them.

A broadcast reads one row per group and proposal (`dot_sums`) and one per group
(`dot_voters`) instead of grouping every vote of the round. The sums are kept by the
proposal a dot was cast on, as the ledger is, so a merge, a hide or an unhide changes
no sum: the tally folds the sums through merges and hides when it counts, exactly as
it folds the ledger. What does move them: a ledger row (`record`), and an attendee
changing group or being taken out or brought back (`move_person`). Each runs in the
transaction that changes the ledger or the attendee, under the attendee's row lock,
so two processes on PostgreSQL add up exactly (an upsert adds to the row in place;
it never reads a total and writes it back).

The sums are few and hot: every vote on an idea adds to the same row. So the adds of
a transaction are gathered and written last, just before its commit (`flush`, called
by Store.transaction), one upsert per row however many votes moved it, and in one
order every transaction shares. A row is then locked only for the end of a
transaction, never while it waits on other statements, and two transactions (or two
processes' batches of votes) cannot lock sum rows in opposite orders. A read of the
sums in the same transaction flushes first, so it sees them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, delete, func, select
from sqlalchemy.dialects.postgresql import insert

from workshop.domain.rounds import Round
from workshop.domain.tallies import Ballot
from workshop.store.prepared import Prepared, Runner
from workshop.store.rounds import DOT_BALLOTS, ballots_from_group_sums, round_from_row
from workshop.store.schema import dot_sums, dot_voters, participants, rounds, votes, workshops


def _adding(table: Any, keys: tuple[str, ...], column: str) -> Prepared:
    """Return an upsert adding :amount to table.column at these keys (SQLite and PostgreSQL)."""
    values: dict[str, Any] = {key: bindparam(key) for key in keys}
    values[column] = bindparam("amount")
    statement = insert(table).values(values)
    return Prepared(
        statement.on_conflict_do_update(
            index_elements=list(keys),
            set_={column: table.c[column] + statement.excluded[column]},
        )
    )


ADD_POINTS = _adding(dot_sums, ("round_id", "group_key", "proposal_id"), "points")
ADD_VOTERS = _adding(dot_voters, ("round_id", "group_key"), "voters")
# Locked: the attendee's total and group must not move under a ledger row or a move.
PERSON = Prepared(
    select(participants.c.group_key, participants.c.removed_at)
    .where(participants.c.id == bindparam("id"))
    .with_for_update()
)
PERSON_TOTAL = Prepared(
    select(func.coalesce(func.sum(votes.c.points), 0)).where(
        votes.c.participant_id == bindparam("participant_id"),
        votes.c.round_id == bindparam("round_id"),
    )
)
PERSON_LEDGER = Prepared(
    select(votes.c.round_id, votes.c.proposal_id, func.sum(votes.c.points).label("points"))
    .where(votes.c.participant_id == bindparam("participant_id"), votes.c.round_id.is_not(None))
    .group_by(votes.c.round_id, votes.c.proposal_id)
    .order_by(votes.c.round_id, votes.c.proposal_id)
)
SUMS = Prepared(
    select(dot_sums.c.group_key, dot_sums.c.proposal_id, dot_sums.c.points).where(
        dot_sums.c.round_id == bindparam("round_id"), dot_sums.c.points != 0
    )
)
VOTERS = Prepared(
    select(dot_voters.c.group_key, dot_voters.c.voters).where(
        dot_voters.c.round_id == bindparam("round_id"), dot_voters.c.voters != 0
    )
)
CLEAR_SUMS = Prepared(delete(dot_sums).where(dot_sums.c.round_id == bindparam("round_id")))
CLEAR_VOTERS = Prepared(delete(dot_voters).where(dot_voters.c.round_id == bindparam("round_id")))

OPEN_ROUNDS = Prepared(
    select(rounds)
    .select_from(rounds.join(workshops, workshops.c.current_round_id == rounds.c.id))
    .where(workshops.c.stage != "closed", rounds.c.method == "dots")
    .order_by(rounds.c.id)
)


def key_of(row: Any) -> str | None:
    """Return the sums' group key of an attendee row, or None if they do not count (removed)."""
    return None if row is None or row.removed_at is not None else (row.group_key or "")


POINTS, VOTERS_ROW = 0, 1  # which table a pending add goes to; points rows sort first


class TallyStatements:
    """The running sums of dot rounds: kept by every ledger row, read by every broadcast."""

    def __init__(self, run: Runner) -> None:
        self.run = run
        # (table, round_id, group_key, proposal_id or 0) -> amount, not yet written
        self.pending: dict[tuple[int, int, str, int], int] = {}

    def _add(self, table: int, round_id: int, key: str, proposal_id: int, amount: int) -> None:
        self.run.writes += 1  # gathered now, written at the commit: a write all the same
        at = (table, round_id, key, proposal_id)
        self.pending[at] = self.pending.get(at, 0) + amount

    def flush(self) -> None:
        """Write the adds gathered so far, one upsert per row, in the shared order."""
        pending, self.pending = self.pending, {}
        for (table, round_id, key, proposal_id), amount in sorted(pending.items()):
            if amount == 0:
                continue  # moved and moved back within the transaction
            if table == POINTS:
                self.run.change(
                    ADD_POINTS,
                    round_id=round_id,
                    group_key=key,
                    proposal_id=proposal_id,
                    amount=amount,
                )
            else:
                self.run.change(ADD_VOTERS, round_id=round_id, group_key=key, amount=amount)

    def record(
        self,
        round_id: int,
        participant_id: int,
        proposal_id: int,
        points: int,
        known: tuple[str, int] | None = None,
    ) -> None:
        """Add a ledger row to the sums; call it before the row is inserted.

        The attendee's row is locked first (a vote already holds it), so the attendee's
        total read here is the one the new row adds to, whichever process wrote the last.
        known: (group key, total before this row), read by a caller holding that lock.
        """
        if known is None:
            key = key_of(self.run.first(PERSON, id=participant_id))
            if key is None:
                return  # a removed attendee counts again, whole, when brought back
            total = self.run.value(PERSON_TOTAL, participant_id=participant_id, round_id=round_id)
            known = (key, int(total))
        key, before = known
        self._add(POINTS, round_id, key, proposal_id, points)
        self._voter(round_id, key, before, before + points)

    def _voter(self, round_id: int, key: str, before: int, after: int) -> None:
        """Count a person in (or out of) their group's voters when their total crosses 0."""
        if (before > 0) != (after > 0):
            self._add(VOTERS_ROW, round_id, key, 0, 1 if after > 0 else -1)

    def person_key(self, participant_id: int) -> str | None:
        """Return the group key an attendee's dots are summed under now (None: not counted)."""
        return key_of(self.run.first(PERSON, id=participant_id))

    def move_person(self, participant_id: int, old: str | None, new: str | None) -> None:
        """Move an attendee's dots, in every round, from one group key to another.

        None stands for "not counted" (taken out of the room), so taking someone out is
        a move to None and bringing them back a move from None.
        """
        if old == new:
            return
        totals: dict[int, int] = {}
        for row in self.run.rows(PERSON_LEDGER, participant_id=participant_id):
            round_id, points = int(row.round_id), int(row.points)
            totals[round_id] = totals.get(round_id, 0) + points
            for key, sign in ((old, -1), (new, 1)):
                if key is not None and points:
                    self._add(POINTS, round_id, key, int(row.proposal_id), sign * points)
        for round_id, total in sorted(totals.items()):
            if old is not None:
                self._voter(round_id, old, total, 0)
            if new is not None:
                self._voter(round_id, new, 0, total)

    def dot_sums(self, round_id: int) -> list[Ballot]:
        """Return each group's dots as one ballot standing for its voters, from the sums.

        The same ballots `RoundStatements.dot_sums` reads from the ledger (a property
        test checks it), in one row per group and proposal however many voted.
        """
        self.flush()  # this transaction's own adds first
        people = self.run.rows(VOTERS, round_id=round_id)
        return ballots_from_group_sums(people, self.run.rows(SUMS, round_id=round_id))

    def rebuild(self, round_id: int) -> None:
        """Recompute a round's sums from its ledger (the ledger is the truth)."""
        self.flush()  # adds gathered before the clear belong to the old sums
        self.run.change(CLEAR_SUMS, round_id=round_id)
        self.run.change(CLEAR_VOTERS, round_id=round_id)
        totals: dict[tuple[int, str], int] = {}
        # each person's dots in the round, as cast (the spend-all ballots' statement)
        for row in self.run.rows(DOT_BALLOTS, round_id=round_id):
            key, points = row.group_key or "", int(row.points)
            if points:
                self._add(POINTS, round_id, key, int(row.proposal_id), points)
            person = (int(row.participant_id), key)
            totals[person] = totals.get(person, 0) + points
        for (_, key), total in sorted(totals.items()):
            self._voter(round_id, key, 0, total)
        self.flush()

    def open_rounds(self) -> list[Round]:
        """Return the current dot round of every workshop not closed (checked at start)."""
        return [round_from_row(row) for row in self.run.rows(OPEN_ROUNDS)]
