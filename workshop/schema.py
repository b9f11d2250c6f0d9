"""The current database schema as SQLAlchemy Core tables, for queries.

The tables are created and upgraded by migrations.py; a test checks that the two agree.
Times are integers in epoch milliseconds so SQLite and PostgreSQL store them alike.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Integer, MetaData, Table, Text

from .domain.model import Group, Stage, Timer, Workshop

metadata = MetaData()

workshops = Table(
    "workshops",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("code", Text, nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("stage", Text, nullable=False),
    Column("dots", Integer, nullable=False),
    Column("max_per_proposal", Integer, nullable=False),
    Column("groups_json", Text, nullable=False),
    Column("proposals_revealed", Boolean, nullable=False),
    Column("results_revealed", Boolean, nullable=False),
    Column("timer_json", Text, nullable=False),
    Column("token_hash", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("place", Text, nullable=False),
    Column("held_on", Text),
    Column("series_root_id", Integer),
    Column("follows_id", Integer),
    Column("plan_public", Boolean, nullable=False),
    Column("updated_at", BigInteger),
)

participants = Table(
    "participants",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, nullable=False),
    Column("device_id", Text, nullable=False),
    Column("name", Text),
    Column("group_key", Text),
    Column("joined_at", BigInteger, nullable=False),
)

proposals = Table(
    "proposals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, nullable=False),
    Column("participant_id", Integer),
    Column("text", Text, nullable=False),
    Column("hidden", Boolean, nullable=False),
    Column("merged_into", Integer),
    Column("priority_rank", Integer),
    Column("created_at", BigInteger, nullable=False),
    Column("origin_id", Integer),
    Column("carried_points", Integer),
)

# A vote is a ledger row: +points when a dot is placed, -points when it is taken back.
# Tallies are sums, never a counter that is read, changed and written back.
votes = Table(
    "votes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, nullable=False),
    Column("participant_id", Integer, nullable=False),
    Column("proposal_id", Integer, nullable=False),
    Column("points", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# The first answer to each (actor, request_id), so a retried command counts once.
command_log = Table(
    "command_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("actor", Text, nullable=False),
    Column("request_id", Text, nullable=False),
    Column("answer_json", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

actions = Table(
    "actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, nullable=False),
    Column("priority_id", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("owner", Text, nullable=False),
    Column("due_on", Text),
    Column("partners", Text, nullable=False),
    Column("resources", Text, nullable=False),
    Column("success", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("participant_id", Integer),
    Column("carried_from", Integer),
    Column("merged_into", Integer),
    Column("created_at", BigInteger, nullable=False),
)

volunteers = Table(
    "volunteers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("action_id", Integer, nullable=False),
    Column("participant_id", Integer, nullable=False),
    Column("show_name", Boolean, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, nullable=False),
)


def workshop_from_row(row: Any) -> Workshop:
    """Return the Workshop a database row describes."""
    return Workshop(
        id=row.id,
        code=row.code,
        title=row.title,
        stage=Stage(row.stage),
        dots=row.dots,
        max_per_proposal=row.max_per_proposal,
        groups=[Group(**g) for g in json.loads(row.groups_json)],
        proposals_revealed=bool(row.proposals_revealed),
        results_revealed=bool(row.results_revealed),
        timer=Timer(**json.loads(row.timer_json)),
        version=row.version,
        place=row.place,
        held_on=date.fromisoformat(row.held_on) if row.held_on else None,
        series_root_id=row.series_root_id,
        follows_id=row.follows_id,
        plan_public=bool(row.plan_public),
    )
