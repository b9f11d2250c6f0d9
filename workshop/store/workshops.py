"""Statements about workshops themselves: codes, settings, versions, tokens and series."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, func, select

from workshop.domain.methods import Method, RoundRules
from workshop.domain.model import Workshop
from workshop.domain.rounds import Round
from workshop.domain.tokens import new_code
from workshop.store.prepared import Prepared, Runner, inserting, updating
from workshop.store.rounds import RoundStatements
from workshop.store.schema import ballots, paper_counts, votes, workshop_from_row, workshops

INSERT = inserting(
    workshops,
    "code",
    "title",
    "stage",
    "dots",
    "max_per_proposal",
    "groups_json",
    "proposals_revealed",
    "results_revealed",
    "timer_json",
    "token_hash",
    "version",
    "created_at",
    "place",
    "held_on",
    "series_root_id",
    "follows_id",
    "plan_public",
    "results_view",
    "pre_moderation",
    "wall_paused",
    "language",
    "wall_language2",
)
BY_CODE = Prepared(select(workshops).where(workshops.c.code == bindparam("code")))
BY_CODE_FOR_UPDATE = Prepared(
    select(workshops).where(workshops.c.code == bindparam("code")).with_for_update()
)
BY_ID = Prepared(select(workshops).where(workshops.c.id == bindparam("id")))
CODE_TAKEN = Prepared(select(workshops.c.id).where(workshops.c.code == bindparam("code")))
TOKEN_HASH = Prepared(select(workshops.c.token_hash).where(workshops.c.id == bindparam("id")))
SET_TOKEN_HASH = updating(workshops, "id", "token_hash")
SAVE = updating(
    workshops,
    "id",
    "title",
    "stage",
    "proposals_revealed",
    "results_revealed",
    "timer_json",
    "place",
    "held_on",
    "plan_public",
    "pre_moderation",
    "wall_paused",
    "language",
    "wall_language2",
    "updated_at",
    version=workshops.c.version + 1,
)
BUMP_VERSION = updating(workshops, "id", "updated_at", version=workshops.c.version + 1)
LAST_CHANGE = Prepared(
    select(
        func.coalesce(workshops.c.updated_at, workshops.c.created_at).label("changed"),
        *(
            select(func.coalesce(func.max(table.c.created_at), 0))
            .where(table.c.workshop_id == bindparam(f"w{n}"))
            .scalar_subquery()
            .label(f"last_{table.name}")
            for n, table in enumerate((votes, ballots, paper_counts))
        ),
    ).where(workshops.c.id == bindparam("id"))
)
SERIES_MEMBERS = Prepared(
    select(workshops)
    .where(
        (workshops.c.id == bindparam("root_id"))
        | (workshops.c.series_root_id == bindparam("root_id2"))
    )
    .order_by(workshops.c.id)
)
SET_SERIES = updating(workshops, "id", "series_root_id", "follows_id")
SET_RESULTS_VIEW = updating(workshops, "id", "results_view")
SET_ARCHIVED_ROUNDS = updating(workshops, "id", "archived_rounds_json")
ARCHIVED_ROUNDS = Prepared(
    select(workshops.c.archived_rounds_json).where(workshops.c.id == bindparam("id"))
)


class WorkshopStatements:
    """Reads and writes of the workshops table."""

    def __init__(self, run: Runner, rounds: RoundStatements) -> None:
        self.run = run
        self.rounds = rounds  # a new workshop starts with its round 1

    def unused_code(self) -> str:
        """Return a random workshop code no workshop has yet."""
        code = new_code()
        while self.code_exists(code):
            code = new_code()
        return code

    def code_exists(self, code: str) -> bool:
        """Say whether a workshop already uses this code."""
        return self.run.first(CODE_TAKEN, code=code) is not None

    def insert_workshop(self, workshop: Workshop, token_hash: str, now_ms: int) -> int:
        """Insert a new workshop with round 1, a dot round on its dot settings; return its id."""
        workshop_id = self.run.insert(
            INSERT,
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
            pre_moderation=workshop.pre_moderation,
            wall_paused=False,
            language=workshop.language,
            wall_language2=workshop.wall_language2,
        )
        first = RoundRules(
            Method.DOTS, dots=workshop.dots, max_per_proposal=workshop.max_per_proposal
        )
        round_id = self.rounds.insert_round(workshop_id, Round(0, 1, first), now_ms)
        workshop.current_round_id = round_id
        return workshop_id

    def find_workshop(self, code: str, for_update: bool = False) -> Workshop | None:
        """Return the workshop with this code, or None."""
        row = self.run.first(BY_CODE_FOR_UPDATE if for_update else BY_CODE, code=code)
        return workshop_from_row(row) if row else None

    def find_workshop_by_id(self, workshop_id: int) -> Workshop | None:
        """Return the workshop with this id, or None."""
        row = self.run.first(BY_ID, id=workshop_id)
        return workshop_from_row(row) if row else None

    def token_hash(self, workshop_id: int) -> str:
        """Return the stored hash of the facilitator token."""
        return str(self.run.one(TOKEN_HASH, id=workshop_id).token_hash)

    def set_token_hash(self, workshop_id: int, token_hash: str) -> None:
        """Replace the stored hash of the facilitator token."""
        self.run.change(SET_TOKEN_HASH, key_id=workshop_id, set_token_hash=token_hash)

    def save_workshop(self, workshop: Workshop, now_ms: int) -> None:
        """Write the workshop's settings back and bump its version."""
        self.run.change(
            SAVE,
            key_id=workshop.id,
            set_title=workshop.title,
            set_stage=workshop.stage.value,
            set_proposals_revealed=workshop.proposals_revealed,
            set_results_revealed=workshop.results_revealed,
            set_timer_json=json.dumps(workshop.timer.as_dict()),
            set_place=workshop.place,
            set_held_on=workshop.held_on.isoformat() if workshop.held_on else None,
            set_plan_public=workshop.plan_public,
            set_pre_moderation=workshop.pre_moderation,
            set_wall_paused=workshop.wall_paused,
            set_language=workshop.language,
            set_wall_language2=workshop.wall_language2,
            set_updated_at=now_ms,
        )
        workshop.version += 1

    def bump_version(self, workshop_id: int, now_ms: int) -> None:
        """Mark the workshop as changed so clients know their snapshot is old."""
        self.run.change(BUMP_VERSION, key_id=workshop_id, set_updated_at=now_ms)

    def last_change(self, workshop_id: int) -> int:
        """Return when the workshop last changed, votes included (epoch ms)."""
        ids = {f"w{n}": workshop_id for n in range(3)}
        row = self.run.one(LAST_CHANGE, id=workshop_id, **ids)
        return max(int(found or 0) for found in row)

    def series_members(self, root_id: int) -> list[Workshop]:
        """Return the series' first workshop and every follow-up, in the order created."""
        rows = self.run.rows(SERIES_MEMBERS, root_id=root_id, root_id2=root_id)
        return [workshop_from_row(row) for row in rows]

    def set_series(self, workshop_id: int, root_id: int, follows_id: int) -> None:
        """Record that a workshop follows another in a series."""
        self.run.change(
            SET_SERIES, key_id=workshop_id, set_series_root_id=root_id, set_follows_id=follows_id
        )

    def set_results_view(self, workshop_id: int, view: str) -> None:
        """Choose what the wall shows of results: overall, by group or group-balanced."""
        self.run.change(SET_RESULTS_VIEW, key_id=workshop_id, set_results_view=view)

    def archive_rounds(self, workshop_id: int, rounds: list[dict[str, Any]]) -> None:
        """Keep an imported workshop's round results as they were exported."""
        text = json.dumps(rounds) if rounds else None
        self.run.change(SET_ARCHIVED_ROUNDS, key_id=workshop_id, set_archived_rounds_json=text)

    def archived_rounds(self, workshop_id: int) -> list[dict[str, Any]]:
        """Return the round results an imported workshop came with ([] for a live one)."""
        found = self.run.value(ARCHIVED_ROUNDS, id=workshop_id)
        return json.loads(found) if found else []
