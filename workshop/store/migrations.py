"""Schema migrations that upgrade a live database in place, each in its own transaction.

Append new steps (in migration_steps.py); never edit a released one. Each step is plain
DDL that SQLite and PostgreSQL both accept once `{pk}` is replaced with the dialect's
auto-increment key (ddl.py).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from sqlalchemy import Connection, text

from workshop.store.ddl import PRIMARY_KEYS, Step
from workshop.store.ddl import run_ddl as _run
from workshop.store.migration_steps import LATER_STEPS

__all__ = ["PRIMARY_KEYS", "STEPS", "Step", "current_version", "upgrade"]


def v1_first_schema(conn: Connection) -> None:
    """Create workshops, participants, proposals, the vote ledger and the command log."""
    _run(
        conn,
        """
        CREATE TABLE workshops (
            id {pk},
            code TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            stage TEXT NOT NULL,
            dots INTEGER NOT NULL,
            max_per_proposal INTEGER NOT NULL,
            groups_json TEXT NOT NULL,
            proposals_revealed BOOLEAN NOT NULL,
            results_revealed BOOLEAN NOT NULL,
            timer_json TEXT NOT NULL,
            token_hash TEXT NOT NULL,
            version INTEGER NOT NULL,
            created_at BIGINT NOT NULL
        );
        CREATE TABLE participants (
            id {pk},
            workshop_id INTEGER NOT NULL REFERENCES workshops (id),
            device_id TEXT NOT NULL,
            name TEXT,
            group_key TEXT,
            joined_at BIGINT NOT NULL,
            UNIQUE (workshop_id, device_id)
        );
        CREATE TABLE proposals (
            id {pk},
            workshop_id INTEGER NOT NULL REFERENCES workshops (id),
            participant_id INTEGER REFERENCES participants (id),
            text TEXT NOT NULL,
            hidden BOOLEAN NOT NULL,
            merged_into INTEGER REFERENCES proposals (id),
            priority_rank INTEGER,
            created_at BIGINT NOT NULL
        );
        CREATE INDEX proposals_by_workshop ON proposals (workshop_id);
        CREATE TABLE votes (
            id {pk},
            workshop_id INTEGER NOT NULL REFERENCES workshops (id),
            participant_id INTEGER NOT NULL REFERENCES participants (id),
            proposal_id INTEGER NOT NULL REFERENCES proposals (id),
            points INTEGER NOT NULL,
            created_at BIGINT NOT NULL
        );
        CREATE INDEX votes_by_workshop ON votes (workshop_id, proposal_id);
        CREATE INDEX votes_by_participant ON votes (participant_id);
        CREATE TABLE command_log (
            id {pk},
            actor TEXT NOT NULL,
            request_id TEXT NOT NULL,
            answer_json TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            UNIQUE (actor, request_id)
        )
        """,
    )


def v2_action_plans(conn: Connection) -> None:
    """Add places, dates and series to workshops, carried support, actions and volunteers."""
    _run(
        conn,
        """
        ALTER TABLE workshops ADD COLUMN place TEXT NOT NULL DEFAULT '';
        ALTER TABLE workshops ADD COLUMN held_on TEXT;
        ALTER TABLE workshops ADD COLUMN series_root_id INTEGER REFERENCES workshops (id);
        ALTER TABLE workshops ADD COLUMN follows_id INTEGER REFERENCES workshops (id);
        ALTER TABLE workshops ADD COLUMN plan_public BOOLEAN NOT NULL DEFAULT FALSE;
        ALTER TABLE workshops ADD COLUMN updated_at BIGINT;
        ALTER TABLE proposals ADD COLUMN origin_id INTEGER REFERENCES proposals (id);
        ALTER TABLE proposals ADD COLUMN carried_points INTEGER;
        CREATE TABLE actions (
            id {pk},
            workshop_id INTEGER NOT NULL REFERENCES workshops (id),
            priority_id INTEGER NOT NULL REFERENCES proposals (id),
            text TEXT NOT NULL,
            owner TEXT NOT NULL,
            due_on TEXT,
            partners TEXT NOT NULL,
            resources TEXT NOT NULL,
            success TEXT NOT NULL,
            status TEXT NOT NULL,
            participant_id INTEGER REFERENCES participants (id),
            carried_from INTEGER REFERENCES actions (id),
            merged_into INTEGER REFERENCES actions (id),
            created_at BIGINT NOT NULL
        );
        CREATE INDEX actions_by_workshop ON actions (workshop_id);
        CREATE TABLE volunteers (
            id {pk},
            action_id INTEGER NOT NULL REFERENCES actions (id),
            participant_id INTEGER NOT NULL REFERENCES participants (id),
            show_name BOOLEAN NOT NULL,
            created_at BIGINT NOT NULL,
            UNIQUE (action_id, participant_id)
        );
        CREATE INDEX workshops_by_series ON workshops (series_root_id)
        """,
    )


def v3_vote_rounds(conn: Connection) -> None:
    """Add vote rounds (each with its method), whole ballots and paper counts.

    Every existing workshop gets round 1, a dot round with its own dot settings, and
    its votes move into it, so nothing already counted changes.

    Long because one migration step is one transaction of DDL and data moves that must
    commit together.
    """
    _run(
        conn,
        """
        CREATE TABLE rounds (
            id {pk},
            workshop_id INTEGER NOT NULL REFERENCES workshops (id),
            number INTEGER NOT NULL,
            method TEXT NOT NULL,
            rules_json TEXT NOT NULL,
            wall_mode TEXT NOT NULL,
            runoff_of INTEGER REFERENCES rounds (id),
            created_at BIGINT NOT NULL,
            UNIQUE (workshop_id, number)
        );
        CREATE TABLE ballots (
            id {pk},
            workshop_id INTEGER NOT NULL REFERENCES workshops (id),
            round_id INTEGER NOT NULL REFERENCES rounds (id),
            participant_id INTEGER REFERENCES participants (id),
            group_key TEXT,
            source TEXT NOT NULL,
            choices_json TEXT NOT NULL,
            note TEXT NOT NULL,
            withdrawn BOOLEAN NOT NULL,
            created_at BIGINT NOT NULL
        );
        CREATE INDEX ballots_by_round ON ballots (round_id, participant_id);
        CREATE TABLE paper_counts (
            id {pk},
            workshop_id INTEGER NOT NULL REFERENCES workshops (id),
            round_id INTEGER NOT NULL REFERENCES rounds (id),
            source TEXT NOT NULL,
            group_key TEXT,
            voters INTEGER NOT NULL,
            counts_json TEXT NOT NULL,
            note TEXT NOT NULL,
            withdrawn BOOLEAN NOT NULL,
            created_at BIGINT NOT NULL
        );
        CREATE INDEX paper_by_round ON paper_counts (round_id);
        ALTER TABLE workshops ADD COLUMN current_round_id INTEGER REFERENCES rounds (id);
        ALTER TABLE workshops ADD COLUMN results_view TEXT NOT NULL DEFAULT 'overall';
        ALTER TABLE workshops ADD COLUMN archived_rounds_json TEXT;
        ALTER TABLE votes ADD COLUMN round_id INTEGER REFERENCES rounds (id);
        INSERT INTO rounds (workshop_id, number, method, rules_json, wall_mode, created_at)
            SELECT id, 1, 'dots',
                '{"dots": ' || dots || ', "max_per_proposal": ' || max_per_proposal || '}',
                'results', created_at
            FROM workshops;
        UPDATE workshops SET current_round_id =
            (SELECT r.id FROM rounds r WHERE r.workshop_id = workshops.id AND r.number = 1);
        UPDATE votes SET round_id =
            (SELECT r.id FROM rounds r WHERE r.workshop_id = votes.workshop_id AND r.number = 1);
        CREATE INDEX votes_by_round ON votes (round_id, proposal_id)
        """,
    )


def v4_tally_position_indexes(conn: Connection) -> None:
    """Index each append-only table by workshop and id, so its newest id is one seek.

    Every vote's ack carries the tally position (the newest vote, ballot and paper
    count of its workshop). Without these, finding it read every vote of the
    workshop (45 ms at 100,000 votes) and every ballot and paper count of all of them.
    """
    _run(
        conn,
        """
        CREATE INDEX votes_position ON votes (workshop_id, id);
        CREATE INDEX ballots_position ON ballots (workshop_id, id);
        CREATE INDEX paper_position ON paper_counts (workshop_id, id)
        """,
    )


STEPS: list[Step] = [
    v1_first_schema,
    v2_action_plans,
    v3_vote_rounds,
    v4_tally_position_indexes,
    *LATER_STEPS,  # 5 onwards, in migration_steps.py
]


def current_version(conn: Connection) -> int:
    """Return the schema version the database is at (0 for an empty database)."""
    conn.execute(text("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))
    found = conn.execute(text("SELECT MAX(version) FROM schema_version")).scalar()
    return int(found or 0)


def upgrade(
    begin: Callable[[], AbstractContextManager[Connection]], steps: list[Step] | None = None
) -> int:
    """Apply every step the database has not had yet; return the version reached.

    `begin` opens a transaction (a context manager yielding a Connection), so each
    step and its version row commit together or not at all.
    """
    steps = STEPS if steps is None else steps
    reached = 0
    for number, step in enumerate(steps, start=1):
        with begin() as conn:
            if conn.dialect.name == "postgresql":
                # Two server processes starting together must not migrate twice.
                conn.execute(text("SELECT pg_advisory_xact_lock(20261123)"))
            if current_version(conn) >= number:
                reached = number
                continue
            step(conn)
            conn.execute(text("INSERT INTO schema_version (version) VALUES (:v)"), {"v": number})
            reached = number
    return reached
