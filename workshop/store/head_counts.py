"""Running head counts of each workshop, moved in the transaction of every seat that moves them.

Every tally broadcast and every join used to count the room by group from the
participants table, and the cap on attendees counted it again: the one part of a join
that grew with the room. `head_counts` holds, per workshop and group ("" for none),
how many people are present and how many were taken out. What moves them: a seat
taken (`seated`), an attendee changing group or being taken out or brought back
(`moved`). Each runs in the transaction that changes the attendee.

Like the running sums (tallies.py), the rows are few and hot (every join adds to the
same one), so a transaction's adds are gathered and written last, just before its
commit, in sorted order: a row is locked only at the very end of a join, and two
transactions cannot lock head counts in opposite orders. A read in the same
transaction adds what is still gathered to what is stored, so it needs no lock at all.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import bindparam, case, delete, func, select
from sqlalchemy.dialects.postgresql import insert

from workshop.store.prepared import Prepared, Runner
from workshop.store.schema import head_counts, participants, workshops


class Seat(NamedTuple):
    """Where an attendee is counted: their workshop, group key ("" for none), and removal."""

    workshop_id: int
    key: str
    removed: bool


def _adding(column: str) -> Prepared:
    """Return an upsert adding :amount to one column of a workshop's group's head count."""
    statement = insert(head_counts).values(
        workshop_id=bindparam("workshop_id"),
        group_key=bindparam("group_key"),
        **{column: bindparam("amount")},
    )
    return Prepared(
        statement.on_conflict_do_update(
            index_elements=["workshop_id", "group_key"],
            set_={column: head_counts.c[column] + statement.excluded[column]},
        )
    )


ADD = {False: _adding("present"), True: _adding("removed")}  # by whether removed
SEAT = Prepared(
    select(participants.c.workshop_id, participants.c.group_key, participants.c.removed_at).where(
        participants.c.id == bindparam("id")
    )
)
STORED = Prepared(
    select(head_counts.c.group_key, head_counts.c.present, head_counts.c.removed).where(
        head_counts.c.workshop_id == bindparam("workshop_id")
    )
)
_KEY = func.coalesce(participants.c.group_key, "")
_GONE = participants.c.removed_at.is_not(None)
RECOUNT = Prepared(
    select(
        _KEY.label("group_key"),
        func.sum(case((_GONE, 0), else_=1)).label("present"),
        func.sum(case((_GONE, 1), else_=0)).label("removed"),
    )
    .where(participants.c.workshop_id == bindparam("workshop_id"))
    .group_by(_KEY)
)
CLEAR = Prepared(delete(head_counts).where(head_counts.c.workshop_id == bindparam("workshop_id")))
OPEN_WORKSHOPS = Prepared(
    select(workshops.c.id).where(workshops.c.stage != "closed").order_by(workshops.c.id)
)

Counts = dict[str, tuple[int, int]]  # group key -> (present, removed), rows of zero left out


def seat_of(row: Any) -> Seat:
    """Return where an attendee row is counted."""
    return Seat(int(row.workshop_id), row.group_key or "", row.removed_at is not None)


class HeadCountStatements:
    """The running head counts: moved by every seat, read by every tally and join."""

    def __init__(self, run: Runner) -> None:
        self.run = run
        # (workshop_id, group_key, removed) -> amount, not yet written
        self.pending: dict[tuple[int, str, bool], int] = {}

    def seated(self, workshop_id: int, group: str | None) -> None:
        """Count a new attendee in."""
        self.run.writes += 1  # gathered now, written at the commit: a write all the same
        at = (workshop_id, group or "", False)
        self.pending[at] = self.pending.get(at, 0) + 1

    def seat(self, participant_id: int) -> Seat:
        """Return where an attendee is counted now (read before moving them)."""
        return seat_of(self.run.one(SEAT, id=participant_id))

    def moved(self, old: Seat, new: Seat) -> None:
        """Move an attendee from one place in the head count to another."""
        if old == new:
            return
        self.run.writes += 1
        for (workshop_id, key, removed), amount in ((old, -1), (new, 1)):
            at = (workshop_id, key, removed)
            self.pending[at] = self.pending.get(at, 0) + amount

    def flush(self) -> None:
        """Write the adds gathered so far, one upsert per row, in the shared order."""
        pending, self.pending = self.pending, {}
        for (workshop_id, key, removed), amount in sorted(pending.items()):
            if amount:
                self.run.change(ADD[removed], workshop_id=workshop_id, group_key=key, amount=amount)

    def counts(self, workshop_id: int) -> Counts:
        """Return (present, removed) per group: what is stored plus what is still gathered."""
        rows = self.run.rows(STORED, workshop_id=workshop_id)
        found = {row.group_key: [int(row.present), int(row.removed)] for row in rows}
        for (wid, key, removed), amount in self.pending.items():
            if wid == workshop_id:
                found.setdefault(key, [0, 0])[removed] += amount
        return {key: (n[0], n[1]) for key, n in found.items() if n != [0, 0]}

    def recount(self, workshop_id: int) -> Counts:
        """Return (present, removed) per group counted from the attendees themselves."""
        rows = self.run.rows(RECOUNT, workshop_id=workshop_id)
        return {row.group_key: (int(row.present), int(row.removed)) for row in rows}

    def disagreeing(self) -> list[int]:
        """Return the open workshops whose stored head count differs from a recount.

        Read in one snapshot (Tx.one_snapshot first), so a join committing between the
        two reads is not taken for a disagreement.
        """
        return [
            int(row.id)
            for row in self.run.rows(OPEN_WORKSHOPS)
            if self.counts(int(row.id)) != self.recount(int(row.id))
        ]

    def rebuild(self, workshop_id: int) -> None:
        """Recount a workshop's head count from its attendees (they are the truth)."""
        self.flush()
        self.run.change(CLEAR, workshop_id=workshop_id)
        for key, (present, removed) in sorted(self.recount(workshop_id).items()):
            self.pending[(workshop_id, key, False)] = present
            self.pending[(workshop_id, key, True)] = removed
        self.flush()
