"""All database access: SQLAlchemy Core over SQLite (default, WAL) or PostgreSQL, by URL."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, create_engine, event, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from . import migrations
from .database_urls import normalise
from .domain.methods import Method, RoundRules
from .domain.model import Participant, Proposal, Workshop
from .domain.rounds import Round
from .facilitation_queries import FacilitationQueries
from .plan_queries import PlanQueries
from .privacy_queries import PrivacyQueries
from .round_queries import RoundQueries
from .schema import (
    ballots,
    command_log,
    paper_counts,
    participants,
    proposals,
    votes,
    workshop_from_row,
    workshops,
)
from .tokens import new_code


class Store:
    """Open the database at url, upgrade its schema, and hand out transactions."""

    def __init__(self, url: str) -> None:
        url = normalise(url)
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            # One long-lived connection per process behind a lock: under green threads
            # a pool of SQLite connections halves throughput and grows memory.
            self.engine = create_engine(
                url,
                poolclass=StaticPool,
                connect_args={"check_same_thread": False},
                hide_parameters=True,  # an error in the log must not show what people typed
            )
            event.listen(self.engine, "connect", _sqlite_on_connect)
            event.listen(self.engine, "begin", _sqlite_begin_immediate)
            self._lock: threading.RLock | None = threading.RLock()
        else:
            self.engine = create_engine(
                url, pool_size=10, max_overflow=20, pool_pre_ping=True, hide_parameters=True
            )
            self._lock = None
        from .hot_queries import FastTx  # it builds on Tx, defined below

        self.tx_class: type[Tx] = FastTx
        self._sqlite_conn: Connection | None = None
        self.schema_version = migrations.upgrade(self.engine.begin)

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """Yield a Tx; everything done through it commits together or not at all."""
        if self._lock is None:
            with self.engine.begin() as conn:
                yield self.tx_class(conn)
            return
        with self._lock:
            # SQLite: keep the one connection checked out instead of a pool checkout,
            # reset and checkin around every transaction (a third of a vote's time).
            conn = self._sqlite_conn
            if conn is None or conn.closed or conn.invalidated:
                conn = self._sqlite_conn = self.engine.connect()
            with conn.begin():
                yield self.tx_class(conn)

    def close(self) -> None:
        """Release the connections."""
        if self._sqlite_conn is not None:
            self._sqlite_conn.close()
            self._sqlite_conn = None
        self.engine.dispose()


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is deferred).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode survives a process crash; only an OS crash may lose the last commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _sqlite_begin_immediate(conn: Connection) -> None:
    # Straight to the driver: SQLAlchemy's statement machinery cost more than the BEGIN.
    conn.connection.dbapi_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]


class Tx(PlanQueries, PrivacyQueries, RoundQueries, FacilitationQueries):
    """One open transaction: the only way services read and write."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def unused_code(self) -> str:
        """Return a random workshop code no workshop has yet."""
        code = new_code()
        while self.code_exists(code):
            code = new_code()
        return code

    # -- workshops -------------------------------------------------------------

    def insert_workshop(self, workshop: Workshop, token_hash: str, now_ms: int) -> int:
        """Insert a new workshop and return its id."""
        result = self.conn.execute(
            insert(workshops).values(
                code=workshop.code,
                title=workshop.title,
                stage=workshop.stage.value,
                dots=workshop.dots,
                max_per_proposal=workshop.max_per_proposal,
                groups_json=json.dumps([g.__dict__ for g in workshop.groups]),
                proposals_revealed=workshop.proposals_revealed,
                results_revealed=workshop.results_revealed,
                timer_json=json.dumps(workshop.timer.as_dict()),
                token_hash=token_hash,
                version=1,
                created_at=now_ms,
                place=workshop.place,
                held_on=workshop.held_on.isoformat() if workshop.held_on else None,
                series_root_id=workshop.series_root_id,
                follows_id=workshop.follows_id,
                plan_public=workshop.plan_public,
                results_view=workshop.results_view,
            )
        )
        workshop_id = int(result.inserted_primary_key[0])
        # Every workshop starts with round 1, a dot round on its own dot settings.
        first = RoundRules(
            Method.DOTS, dots=workshop.dots, max_per_proposal=workshop.max_per_proposal
        )
        workshop.current_round_id = self.insert_round(workshop_id, Round(0, 1, first), now_ms)
        return workshop_id

    def code_exists(self, code: str) -> bool:
        """Say whether a workshop already uses this code."""
        found = self.conn.execute(select(workshops.c.id).where(workshops.c.code == code))
        return found.first() is not None

    def find_workshop(self, code: str, for_update: bool = False) -> Workshop | None:
        """Return the workshop with this code, or None."""
        query = select(workshops).where(workshops.c.code == code)
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return workshop_from_row(row) if row else None

    def token_hash(self, workshop_id: int) -> str:
        """Return the stored hash of the facilitator token."""
        query = select(workshops.c.token_hash).where(workshops.c.id == workshop_id)
        return str(self.conn.execute(query).scalar_one())

    def save_workshop(self, workshop: Workshop, now_ms: int) -> None:
        """Write the workshop's settings back and bump its version."""
        self.conn.execute(
            update(workshops)
            .where(workshops.c.id == workshop.id)
            .values(
                title=workshop.title,
                stage=workshop.stage.value,
                proposals_revealed=workshop.proposals_revealed,
                results_revealed=workshop.results_revealed,
                timer_json=json.dumps(workshop.timer.as_dict()),
                place=workshop.place,
                held_on=workshop.held_on.isoformat() if workshop.held_on else None,
                plan_public=workshop.plan_public,
                version=workshops.c.version + 1,
                updated_at=now_ms,
            )
        )
        workshop.version += 1

    def bump_version(self, workshop_id: int, now_ms: int) -> None:
        """Mark the workshop as changed so clients know their snapshot is old."""
        self.conn.execute(
            update(workshops)
            .where(workshops.c.id == workshop_id)
            .values(version=workshops.c.version + 1, updated_at=now_ms)
        )

    def last_change(self, workshop_id: int) -> int:
        """Return when the workshop last changed, votes included (epoch ms)."""
        changed = self.conn.execute(
            select(workshops.c.updated_at, workshops.c.created_at).where(
                workshops.c.id == workshop_id
            )
        ).one()
        latest = int(changed.updated_at or changed.created_at)
        for table in (votes, ballots, paper_counts):
            last = self.conn.execute(
                select(func.max(table.c.created_at)).where(table.c.workshop_id == workshop_id)
            ).scalar()
            latest = max(latest, int(last or 0))
        return latest

    # -- participants ----------------------------------------------------------

    def find_participant(
        self, workshop_id: int, device_id: str, for_update: bool = False
    ) -> Participant | None:
        """Return the attendee with this device in this workshop, or None."""
        query = select(participants).where(
            participants.c.workshop_id == workshop_id, participants.c.device_id == device_id
        )
        if for_update:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return Participant(row.id, row.device_id, row.name, row.group_key) if row else None

    def get_participant(self, participant_id: int) -> Participant:
        """Load an attendee by id."""
        row = self.conn.execute(
            select(participants).where(participants.c.id == participant_id)
        ).one()
        return Participant(row.id, row.device_id, row.name, row.group_key)

    def lock_participant(self, participant_id: int) -> Participant:
        """Load an attendee and hold their row until commit, serialising their votes."""
        row = self.conn.execute(
            select(participants).where(participants.c.id == participant_id).with_for_update()
        ).one()
        return Participant(row.id, row.device_id, row.name, row.group_key)

    def insert_participant(
        self, workshop_id: int, device_id: str, name: str | None, group: str | None, now_ms: int
    ) -> int:
        """Insert an attendee and return the id."""
        result = self.conn.execute(
            insert(participants).values(
                workshop_id=workshop_id,
                device_id=device_id,
                name=name,
                group_key=group,
                joined_at=now_ms,
            )
        )
        return int(result.inserted_primary_key[0])

    def update_participant(self, participant_id: int, name: str | None, group: str | None) -> None:
        """Replace an attendee's optional name and group."""
        self.conn.execute(
            update(participants)
            .where(participants.c.id == participant_id)
            .values(name=name, group_key=group)
        )

    def count_participants(self, workshop_id: int) -> int:
        """Return how many attendees joined (an index-only count, unlike attendance)."""
        query = select(func.count()).where(participants.c.workshop_id == workshop_id)
        return int(self.conn.execute(query).scalar_one())

    def attendance(self, workshop_id: int) -> dict[str, int]:
        """Return how many attendees joined, per group key ('' for none)."""
        rows = self.conn.execute(
            select(participants.c.group_key, func.count())
            .where(participants.c.workshop_id == workshop_id)
            .group_by(participants.c.group_key)
        )
        return {(key or ""): int(count) for key, count in rows}

    # -- proposals -------------------------------------------------------------

    def proposals(self, workshop_id: int) -> dict[int, Proposal]:
        """Return every proposal of the workshop (hidden and merged included), by id."""
        rows = self.conn.execute(
            select(proposals).where(proposals.c.workshop_id == workshop_id).order_by(proposals.c.id)
        )
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
            for row in rows
        }

    def count_proposals_by(self, participant_id: int) -> int:
        """Return how many proposals an attendee has made."""
        query = select(func.count()).where(proposals.c.participant_id == participant_id)
        return int(self.conn.execute(query).scalar_one())

    def insert_proposal(
        self, workshop_id: int, participant_id: int | None, text: str, now_ms: int, **extra: Any
    ) -> int:
        """Insert a proposal (extra: priority_rank, carried_points, origin_id); return its id."""
        result = self.conn.execute(
            insert(proposals).values(
                workshop_id=workshop_id,
                participant_id=participant_id,
                text=text,
                hidden=False,
                created_at=now_ms,
                **extra,
            )
        )
        return int(result.inserted_primary_key[0])

    def update_proposal(self, proposal_id: int, **values: Any) -> None:
        """Change a proposal's text, hidden flag, merge target or priority rank."""
        self.conn.execute(update(proposals).where(proposals.c.id == proposal_id).values(**values))

    def clear_priorities(self, workshop_id: int) -> None:
        """Remove every priority rank in the workshop."""
        self.conn.execute(
            update(proposals)
            .where(proposals.c.workshop_id == workshop_id)
            .values(priority_rank=None)
        )

    # -- votes -----------------------------------------------------------------

    def insert_vote(
        self,
        workshop_id: int,
        round_id: int,
        participant_id: int,
        proposal_id: int,
        points: int,
        now_ms: int,
    ) -> int:
        """Append a ledger row (negative points take dots back) and return its id."""
        result = self.conn.execute(
            insert(votes).values(
                workshop_id=workshop_id,
                round_id=round_id,
                participant_id=participant_id,
                proposal_id=proposal_id,
                points=points,
                created_at=now_ms,
            )
        )
        return int(result.inserted_primary_key[0])

    def points_of(self, participant_id: int, round_id: int) -> dict[int, int]:
        """Return one attendee's raw dots per proposal as cast in a dot round."""
        rows = self.conn.execute(
            select(votes.c.proposal_id, func.sum(votes.c.points))
            .where(votes.c.participant_id == participant_id, votes.c.round_id == round_id)
            .group_by(votes.c.proposal_id)
        )
        return {int(pid): int(points) for pid, points in rows if points}

    def my_proposals(self, participant_id: int) -> list[tuple[int, str, bool, int | None]]:
        """Return an attendee's proposals as (id, text, hidden, merged_into)."""
        rows = self.conn.execute(
            select(proposals.c.id, proposals.c.text, proposals.c.hidden, proposals.c.merged_into)
            .where(proposals.c.participant_id == participant_id)
            .order_by(proposals.c.id)
        )
        return [(r.id, r.text, bool(r.hidden), r.merged_into) for r in rows]

    def participants_touching(self, workshop_id: int, proposal_ids: set[int]) -> set[int]:
        """Return the attendees who voted on or wrote any of these proposals."""
        ids = sorted(proposal_ids)
        voters = self.conn.execute(
            select(votes.c.participant_id)
            .where(votes.c.workshop_id == workshop_id, votes.c.proposal_id.in_(ids))
            .distinct()
        ).scalars()
        authors = self.conn.execute(
            select(proposals.c.participant_id).where(
                proposals.c.id.in_(ids), proposals.c.participant_id.is_not(None)
            )
        ).scalars()
        return {int(pid) for pid in [*voters, *authors]}

    # -- idempotency -----------------------------------------------------------

    def find_answer(self, actor: str, request_id: str) -> dict[str, Any] | None:
        """Return the answer already given to this request, or None."""
        row = self.conn.execute(
            select(command_log.c.answer_json).where(
                command_log.c.actor == actor, command_log.c.request_id == request_id
            )
        ).first()
        return json.loads(row.answer_json) if row else None

    def record_answer(
        self, actor: str, request_id: str, answer: dict[str, Any], now_ms: int
    ) -> None:
        """Remember the answer, in the same transaction as the change it answers."""
        self.conn.execute(
            insert(command_log).values(
                actor=actor,
                request_id=request_id,
                answer_json=json.dumps(answer),
                created_at=now_ms,
            )
        )


__all__ = ["IntegrityError", "Store", "Tx"]
