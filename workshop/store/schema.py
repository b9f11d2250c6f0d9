"""The current database schema as SQLAlchemy Core tables, for queries.

The tables are created and upgraded by migrations.py; a test checks that the two agree.
Times are integers in epoch milliseconds so SQLite and PostgreSQL store them alike.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import BigInteger, Boolean, Column, Integer, MetaData, Table, Text

from workshop.domain.model import Group, Stage, Timer, Workshop

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
    Column("current_round_id", Integer),
    Column("results_view", Text, nullable=False),
    Column("archived_rounds_json", Text),
    Column("pre_moderation", Boolean, nullable=False),
    Column("wall_paused", Boolean, nullable=False),
    Column("language", Text, nullable=False),
    Column("wall_language2", Text),
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
    # Set while the facilitator has removed the attendee: their votes stop counting.
    Column("removed_at", BigInteger),
    Column("removal_hid_json", Text),  # the proposals the removal hid, to show them again
)

# A facilitator's room controls: no new joins while locked; the head count they expect.
room_settings = Table(
    "room_settings",
    metadata,
    Column("workshop_id", Integer, primary_key=True),
    Column("locked", Boolean, nullable=False),
    Column("expected", Integer),
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
    Column("theme_id", Integer),
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
    Column("round_id", Integer),
)

# A vote round: its method and rules (rules_json holds RoundRules' settings).
rounds = Table(
    "rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, nullable=False),
    Column("number", Integer, nullable=False),
    Column("method", Text, nullable=False),
    Column("rules_json", Text, nullable=False),
    Column("wall_mode", Text, nullable=False),
    Column("runoff_of", Integer),
    Column("created_at", BigInteger, nullable=False),
)

# A whole ballot (approval, ranking, points; or any method entered for someone by the
# facilitator). A phone's newest row in a round is its ballot: rows are never edited.
ballots = Table(
    "ballots",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, nullable=False),
    Column("round_id", Integer, nullable=False),
    Column("participant_id", Integer),
    Column("group_key", Text),
    Column("source", Text, nullable=False),
    Column("choices_json", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# Counts from a paper wall chart or a show of hands, standing for `voters` people.
paper_counts = Table(
    "paper_counts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, nullable=False),
    Column("round_id", Integer, nullable=False),
    Column("source", Text, nullable=False),
    Column("group_key", Text),
    Column("voters", Integer, nullable=False),
    Column("counts_json", Text, nullable=False),
    Column("note", Text, nullable=False),
    Column("withdrawn", Boolean, nullable=False),
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

# A proposal waiting for the facilitator (pre-moderation or personal details), or
# declined. Kept apart from `proposals` until approved, so nothing else can show it.
held_proposals = Table(
    "held_proposals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, nullable=False),
    Column("participant_id", Integer),
    Column("text", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("reason", Text, nullable=False),
    Column("mark_start", Integer, nullable=False),
    Column("mark_end", Integer, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# "Tell the facilitator privately": read by the facilitator only, erased at closing.
private_words = Table(
    "private_words",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, nullable=False),
    Column("participant_id", Integer),
    Column("message", Text, nullable=False),
    Column("whereabouts", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# Themes group proposals (see domain/themes.py); dissolved ones are kept for undo.
themes = Table(
    "themes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, nullable=False),
    Column("heading", Text, nullable=False),
    Column("position", Integer, nullable=False),
    Column("dissolved", Boolean, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

theme_suggestions = Table(
    "theme_suggestions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, nullable=False),
    Column("participant_id", Integer, nullable=False),
    Column("proposal_id", Integer, nullable=False),
    Column("heading", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
)

# One row per workshop once a facilitation method is used: the spotlight and the run sheet.
facilitation = Table(
    "facilitation",
    metadata,
    Column("workshop_id", Integer, primary_key=True, autoincrement=False),
    Column("suggestions_open", Boolean, nullable=False),
    Column("spotlight_kind", Text),
    Column("spotlight_id", Integer),
    Column("run_sheet_json", Text),
    Column("updated_at", BigInteger, nullable=False),
)

# Running sums of each dot round, kept in every ledger row's own transaction (migration
# 8): dots per group and proposal as cast (folded through merges and hides only when
# counted), and how many people in each group have a dot placed. "" is "no group".
dot_sums = Table(
    "dot_sums",
    metadata,
    Column("round_id", Integer, primary_key=True, autoincrement=False),
    Column("group_key", Text, primary_key=True),
    Column("proposal_id", Integer, primary_key=True, autoincrement=False),
    Column("points", Integer, nullable=False),
)
dot_voters = Table(
    "dot_voters",
    metadata,
    Column("round_id", Integer, primary_key=True, autoincrement=False),
    Column("group_key", Text, primary_key=True),
    Column("voters", Integer, nullable=False),
)

# Running head counts of each workshop (migration 11), kept in the transaction of every
# join, regroup, removal and return: people present and people taken out, per group
# ("" is "no group"). The room's head count and the cap on attendees read these few
# rows instead of counting every attendee.
head_counts = Table(
    "head_counts",
    metadata,
    Column("workshop_id", Integer, primary_key=True, autoincrement=False),
    Column("group_key", Text, primary_key=True),
    Column("present", Integer, nullable=False, server_default="0"),
    Column("removed", Integer, nullable=False, server_default="0"),
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
        current_round_id=row.current_round_id,
        results_view=row.results_view,
        pre_moderation=bool(row.pre_moderation),
        wall_paused=bool(row.wall_paused),
        language=row.language or "en",
        wall_language2=row.wall_language2,
    )
