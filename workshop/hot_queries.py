"""The statements every join, vote and tally runs, compiled once and run on the DBAPI cursor.

Building a SQLAlchemy Core statement, generating its cache key and setting up its
execution context cost about 0.2 ms of Python each time, far more than SQLite takes
to run it: a vote ran nine of them. Here each hot statement is still written in
SQLAlchemy Core (so the SQL is what SQLAlchemy emits for the dialect, FOR UPDATE
included or dropped alike), compiled once per dialect, and run with plain parameters
on the transaction's own DBAPI connection: same SQL, same transaction, same
IntegrityError for the callers.
"""

from __future__ import annotations

import json
from collections import namedtuple
from collections.abc import Mapping
from typing import Any, NamedTuple

from sqlalchemy import bindparam, func, insert, select
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import ClauseElement

from . import round_queries
from .domain.actions import Action
from .domain.model import Participant, Proposal, Workshop
from .domain.rounds import Round
from .domain.tallies import Ballot
from .round_queries import ballots_from_dot_rows, ballots_from_group_sums, round_from_row
from .schema import (
    actions,
    command_log,
    participants,
    proposals,
    rounds,
    votes,
    workshop_from_row,
    workshops,
)
from .store import Tx


class Compiled(NamedTuple):
    """A statement as the DBAPI takes it."""

    sql: str
    order: tuple[str, ...] | None  # positional parameter names; None for named ones
    defaults: dict[str, Any]  # values fixed in the statement, such as LIMIT 1
    returning: bool  # whether it returns the new row's id


class Prepared:
    """One statement with named bind parameters, compiled once per dialect."""

    def __init__(self, statement: ClauseElement, returns_id: bool = False) -> None:
        self.statement = statement
        self.returns_id = returns_id
        self._compiled: dict[tuple[str, str], Compiled] = {}

    def for_dialect(self, dialect: Dialect) -> Compiled:
        """Return the SQL, its parameter order (None: by name), defaults and RETURNING."""
        key = (dialect.name, dialect.paramstyle)
        found = self._compiled.get(key)
        if found is None:
            statement = self.statement
            returning = False
            if self.returns_id and dialect.insert_returning:
                statement = statement.returning(statement.table.c.id)  # type: ignore[attr-defined]
                returning = True
            compiled = statement.compile(dialect=dialect)
            order = tuple(compiled.positiontup or ()) if compiled.positional else None
            defaults = {k: v for k, v in compiled.params.items() if v is not None}
            found = self._compiled[key] = Compiled(compiled.string, order, defaults, returning)
        return found


def _insert(table: Any, *names: str) -> Prepared:
    return Prepared(insert(table).values({name: bindparam(name) for name in names}), True)


WorkshopRow = namedtuple("WorkshopRow", [column.key for column in workshops.columns])  # type: ignore[misc]

FIND_WORKSHOP = Prepared(select(workshops).where(workshops.c.code == bindparam("code")))
FIND_WORKSHOP_FOR_UPDATE = Prepared(
    select(workshops).where(workshops.c.code == bindparam("code")).with_for_update()
)
_PARTICIPANT = select(
    participants.c.id, participants.c.device_id, participants.c.name, participants.c.group_key
)
FIND_PARTICIPANT = Prepared(
    _PARTICIPANT.where(
        participants.c.workshop_id == bindparam("workshop_id"),
        participants.c.device_id == bindparam("device_id"),
    )
)
FIND_PARTICIPANT_FOR_UPDATE = Prepared(
    _PARTICIPANT.where(
        participants.c.workshop_id == bindparam("workshop_id"),
        participants.c.device_id == bindparam("device_id"),
    ).with_for_update()
)
GET_PARTICIPANT = Prepared(_PARTICIPANT.where(participants.c.id == bindparam("id")))
LOCK_PARTICIPANT = Prepared(
    _PARTICIPANT.where(participants.c.id == bindparam("id")).with_for_update()
)
INSERT_PARTICIPANT = _insert(
    participants, "workshop_id", "device_id", "name", "group_key", "joined_at"
)
ATTENDANCE = Prepared(
    select(participants.c.group_key, func.count())
    .where(participants.c.workshop_id == bindparam("workshop_id"))
    .group_by(participants.c.group_key)
)
COUNT_PARTICIPANTS = Prepared(
    select(func.count()).where(participants.c.workshop_id == bindparam("workshop_id"))
)
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
MY_PROPOSALS = Prepared(
    select(proposals.c.id, proposals.c.text, proposals.c.hidden, proposals.c.merged_into)
    .where(proposals.c.participant_id == bindparam("participant_id"))
    .order_by(proposals.c.id)
)
INSERT_VOTE = _insert(
    votes, "workshop_id", "round_id", "participant_id", "proposal_id", "points", "created_at"
)
POINTS_OF = Prepared(
    select(votes.c.proposal_id, func.sum(votes.c.points))
    .where(
        votes.c.participant_id == bindparam("participant_id"),
        votes.c.round_id == bindparam("round_id"),
    )
    .group_by(votes.c.proposal_id)
)
ROUND_BY_ID = Prepared(round_queries.ROUND_BY_ID)
ROUNDS_OF = Prepared(round_queries.ROUNDS_OF)
DOT_BALLOTS = Prepared(round_queries.DOT_BALLOTS)
DOT_VOTERS = Prepared(round_queries.DOT_VOTERS)
DOT_SUMS = Prepared(round_queries.DOT_SUMS)
TALLY_POSITION = Prepared(round_queries.TALLY_POSITION)
RoundRow = namedtuple("RoundRow", [column.key for column in rounds.columns])  # type: ignore[misc]
FIND_ANSWER = Prepared(
    select(command_log.c.answer_json).where(
        command_log.c.actor == bindparam("actor"),
        command_log.c.request_id == bindparam("request_id"),
    )
)
RECORD_ANSWER = _insert(command_log, "actor", "request_id", "answer_json", "created_at")
SERIES_MEMBERS = Prepared(
    select(workshops)
    .where(
        (workshops.c.id == bindparam("root_id"))
        | (workshops.c.series_root_id == bindparam("root_id2"))
    )
    .order_by(workshops.c.id)
)
ANY_ACTION = Prepared(
    select(actions.c.id).where(actions.c.workshop_id == bindparam("workshop_id")).limit(1)
)


class FastTx(Tx):
    """A Tx whose hottest reads and writes skip statement building (see the module doc)."""

    def _run(self, prepared: Prepared, params: Mapping[str, Any]) -> Any:
        dialect = self.conn.dialect
        sql, order, defaults, _returning = prepared.for_dialect(dialect)
        cursor = self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        if defaults:
            params = {**defaults, **params}
        arguments: Any = tuple(params[name] for name in order) if order is not None else params
        dbapi = dialect.loaded_dbapi
        try:
            cursor.execute(sql, arguments)
        except dbapi.Error as error:
            # The same exception SQLAlchemy raises (IntegrityError for a replayed request).
            raise DBAPIError.instance(
                sql, None, error, dbapi.Error, hide_parameters=True, dialect=dialect
            ) from error
        return cursor

    def _rows(self, prepared: Prepared, **params: Any) -> list[Any]:
        cursor = self._run(prepared, params)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    def _first(self, prepared: Prepared, **params: Any) -> Any:
        cursor = self._run(prepared, params)
        try:
            return cursor.fetchone()
        finally:
            cursor.close()

    def _insert_id(self, prepared: Prepared, **params: Any) -> int:
        cursor = self._run(prepared, params)
        try:
            if prepared.for_dialect(self.conn.dialect).returning:
                return int(cursor.fetchone()[0])
            return int(cursor.lastrowid)
        finally:
            cursor.close()

    # -- workshops -------------------------------------------------------------

    def find_workshop(self, code: str, for_update: bool = False) -> Workshop | None:
        row = self._first(FIND_WORKSHOP_FOR_UPDATE if for_update else FIND_WORKSHOP, code=code)
        return workshop_from_row(WorkshopRow(*row)) if row else None

    def series_members(self, root_id: int) -> list[Workshop]:
        rows = self._rows(SERIES_MEMBERS, root_id=root_id, root_id2=root_id)
        return [workshop_from_row(WorkshopRow(*row)) for row in rows]

    # -- participants ----------------------------------------------------------

    def find_participant(
        self, workshop_id: int, device_id: str, for_update: bool = False
    ) -> Participant | None:
        query = FIND_PARTICIPANT_FOR_UPDATE if for_update else FIND_PARTICIPANT
        row = self._first(query, workshop_id=workshop_id, device_id=device_id)
        return Participant(*row) if row else None

    def get_participant(self, participant_id: int) -> Participant:
        return self._one_participant(GET_PARTICIPANT, participant_id)

    def lock_participant(self, participant_id: int) -> Participant:
        return self._one_participant(LOCK_PARTICIPANT, participant_id)

    def _one_participant(self, prepared: Prepared, participant_id: int) -> Participant:
        rows = self._rows(prepared, id=participant_id)
        if len(rows) != 1:  # as Result.one() would
            from sqlalchemy.exc import MultipleResultsFound, NoResultFound

            raise NoResultFound("No row was found") if not rows else MultipleResultsFound()
        return Participant(*rows[0])

    def insert_participant(
        self, workshop_id: int, device_id: str, name: str | None, group: str | None, now_ms: int
    ) -> int:
        return self._insert_id(
            INSERT_PARTICIPANT,
            workshop_id=workshop_id,
            device_id=device_id,
            name=name,
            group_key=group,
            joined_at=now_ms,
        )

    def count_participants(self, workshop_id: int) -> int:
        return int(self._first(COUNT_PARTICIPANTS, workshop_id=workshop_id)[0])

    def attendance(self, workshop_id: int) -> dict[str, int]:
        rows = self._rows(ATTENDANCE, workshop_id=workshop_id)
        return {(key or ""): int(count) for key, count in rows}

    # -- proposals and votes ---------------------------------------------------

    def proposals(self, workshop_id: int) -> dict[int, Proposal]:
        return {
            row[0]: Proposal(row[0], row[1], row[2], bool(row[3]), *row[4:])
            for row in self._rows(PROPOSALS, workshop_id=workshop_id)
        }

    def my_proposals(self, participant_id: int) -> list[tuple[int, str, bool, int | None]]:
        rows = self._rows(MY_PROPOSALS, participant_id=participant_id)
        return [(pid, text, bool(hidden), merged_into) for pid, text, hidden, merged_into in rows]

    def insert_vote(
        self,
        workshop_id: int,
        round_id: int,
        participant_id: int,
        proposal_id: int,
        points: int,
        now_ms: int,
    ) -> int:
        return self._insert_id(
            INSERT_VOTE,
            workshop_id=workshop_id,
            round_id=round_id,
            participant_id=participant_id,
            proposal_id=proposal_id,
            points=points,
            created_at=now_ms,
        )

    def points_of(self, participant_id: int, round_id: int) -> dict[int, int]:
        rows = self._rows(POINTS_OF, participant_id=participant_id, round_id=round_id)
        return {int(pid): int(points) for pid, points in rows if points}

    # -- rounds ----------------------------------------------------------------

    def round_by_id(self, round_id: int) -> Round:
        return round_from_row(RoundRow(*self._first(ROUND_BY_ID, id=round_id)))

    def rounds_of(self, workshop_id: int) -> list[Round]:
        rows = self._rows(ROUNDS_OF, workshop_id=workshop_id)
        return [round_from_row(RoundRow(*row)) for row in rows]

    def dot_ballots(self, round_id: int) -> list[Ballot]:
        return ballots_from_dot_rows(self._rows(DOT_BALLOTS, round_id=round_id))

    def dot_sums(self, round_id: int) -> list[Ballot]:
        people = self._rows(DOT_VOTERS, round_id=round_id)
        return ballots_from_group_sums(people, self._rows(DOT_SUMS, round_id=round_id))

    def tally_position(self, workshop_id: int) -> int:
        ids = {f"w{n}": workshop_id for n in range(3)}
        return sum(int(found) for found in self._first(TALLY_POSITION, **ids))

    def actions(self, workshop_id: int) -> dict[int, Action]:
        # Most joins and votes come before any action exists: say so in one cheap query.
        if self._first(ANY_ACTION, workshop_id=workshop_id) is None:
            return {}
        return super().actions(workshop_id)

    # -- idempotency -----------------------------------------------------------

    def find_answer(self, actor: str, request_id: str) -> dict[str, Any] | None:
        row = self._first(FIND_ANSWER, actor=actor, request_id=request_id)
        return json.loads(row[0]) if row else None

    def record_answer(
        self, actor: str, request_id: str, answer: dict[str, Any], now_ms: int
    ) -> None:
        self._insert_id(
            RECORD_ANSWER,
            actor=actor,
            request_id=request_id,
            answer_json=json.dumps(answer),
            created_at=now_ms,
        )
