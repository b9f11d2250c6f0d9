"""One open transaction: the only way use cases read and write, one statement group per feature."""

from __future__ import annotations

from sqlalchemy import Connection

from workshop.store.attendees import AttendeeStatements
from workshop.store.board import BoardStatements
from workshop.store.care import CareStatements
from workshop.store.commands import CommandStatements
from workshop.store.plans import PlanStatements
from workshop.store.prepared import Runner
from workshop.store.privacy import PrivacyStatements
from workshop.store.room import RoomStatements
from workshop.store.rounds import RoundStatements
from workshop.store.tallies import TallyStatements
from workshop.store.themes import ThemeStatements
from workshop.store.workshops import WorkshopStatements


class Tx:
    """Everything done through one Tx commits together or not at all.

    Each feature's statements hang off it by name (`tx.rounds.round_by_id(...)`), so a
    reader finds a statement in the store module of the same name.
    """

    def __init__(self, conn: Connection) -> None:
        self.conn = conn  # for tests that look at the tables directly
        run = Runner(conn)
        self.rounds = RoundStatements(run)
        self.tallies = TallyStatements(run)
        self.workshops = WorkshopStatements(run, self.rounds)
        self.attendees = AttendeeStatements(run, self.tallies)
        self.board = BoardStatements(run, self.tallies)
        self.plans = PlanStatements(run)
        self.privacy = PrivacyStatements(run)
        self.commands = CommandStatements(run)
        self.room = RoomStatements(run, self.tallies)
        self.care = CareStatements(run)
        self.themes = ThemeStatements(run)

    def one_snapshot(self) -> None:
        """Make every read of this transaction see one snapshot (call it first).

        SQLite's transactions already do; PostgreSQL's READ COMMITTED gives each
        statement its own, so two reads could straddle another process's commit.
        """
        if self.conn.dialect.name == "postgresql":
            self.conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
