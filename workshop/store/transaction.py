"""One open transaction: the only way use cases read and write, one statement group per feature."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, text

from workshop.store.attendees import AttendeeStatements
from workshop.store.board import BoardStatements
from workshop.store.care import CareStatements
from workshop.store.commands import CommandStatements
from workshop.store.head_counts import HeadCountStatements
from workshop.store.plans import PlanStatements
from workshop.store.prepared import Prepared, Runner
from workshop.store.privacy import PrivacyStatements
from workshop.store.room import RoomStatements
from workshop.store.rounds import RoundStatements
from workshop.store.tallies import TallyStatements
from workshop.store.themes import ThemeStatements
from workshop.store.workshops import WorkshopStatements

# Straight to the driver, as every statement of the store is (prepared.py): through
# SQLAlchemy's begin_nested a savepoint and its release cost a tenth of a batched vote.
SAVEPOINT = Prepared(text("SAVEPOINT one_command"))
RELEASE = Prepared(text("RELEASE SAVEPOINT one_command"))
ROLLBACK_TO = Prepared(text("ROLLBACK TO SAVEPOINT one_command"))


class Tx:
    """Everything done through one Tx commits together or not at all.

    Each feature's statements hang off it by name (`tx.rounds.round_by_id(...)`), so a
    reader finds a statement in the store module of the same name.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn  # for tests that look at the tables directly
        # Reads that every command of this transaction may share (see Core.read_once):
        # None in an ordinary transaction, a dict in a batch of votes (batching.py).
        self.shared: dict[Any, Any] | None = None
        run = self._run = Runner(conn)
        self.rounds = RoundStatements(run)
        self.tallies = TallyStatements(run)
        self.heads = HeadCountStatements(run)
        self.workshops = WorkshopStatements(run, self.rounds)
        self.attendees = AttendeeStatements(run, self.tallies, self.heads)
        self.board = BoardStatements(run, self.tallies)
        self.plans = PlanStatements(run)
        self.privacy = PrivacyStatements(run)
        self.commands = CommandStatements(run)
        self.room = RoomStatements(run, self.tallies, self.heads)
        self.care = CareStatements(run)
        self.themes = ThemeStatements(run)

    def one_snapshot(self) -> None:
        """Make every read of this transaction see one snapshot (call it first).

        SQLite's transactions already do; PostgreSQL's READ COMMITTED gives each
        statement its own, so two reads could straddle another process's commit.
        """
        if self.conn.dialect.name == "postgresql":
            self.conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")

    def writes(self) -> int:
        """Return a number that grows with every write of this transaction, gathered ones too."""
        return self._run.writes

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Undo only what the block wrote if it raises; the rest of the transaction stays."""
        # Sums and head counts not yet written roll back with it.
        gathered = dict(self.tallies.pending), dict(self.heads.pending)
        self._run.change(SAVEPOINT)
        try:
            yield
        except BaseException:
            self._run.change(ROLLBACK_TO)
            self._run.change(RELEASE)
            self.tallies.pending, self.heads.pending = gathered
            raise
        self._run.change(RELEASE)

    def finish(self) -> None:
        """Write what was gathered for the end of the transaction: the running sums, then
        the head counts (always in this order, so no two transactions wait on each other)."""
        self.tallies.flush()
        self.heads.flush()
