"""Statements of the facilitation methods: themes, attendees' theme suggestions, the spotlight
and the run sheet (one row per workshop in `facilitation`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select, update

from .domain.themes import Suggestion, Theme
from .schema import facilitation, proposals, theme_suggestions, themes


@dataclass
class Settings:
    """A workshop's facilitation settings as stored: suggestions, spotlight, run sheet."""

    suggestions_open: bool = False
    spotlight_kind: str | None = None  # "proposal" | "theme"
    spotlight_id: int | None = None
    run_sheet: dict[str, Any] | None = field(default=None)


@dataclass
class Board:
    """What snapshots need of the facilitation methods, read in the snapshot's transaction."""

    themes: dict[int, Theme]
    suggestions: list[Suggestion]
    settings: Settings


class FacilitationQueries:
    """The part of a transaction that reads and writes themes, the spotlight and run sheets."""

    conn: Connection

    def themes(self, workshop_id: int) -> dict[int, Theme]:
        """Return every theme of the workshop (dissolved ones too), by id."""
        rows = self.conn.execute(
            select(themes).where(themes.c.workshop_id == workshop_id).order_by(themes.c.id)
        )
        return {
            row.id: Theme(row.id, row.heading, row.position, bool(row.dissolved)) for row in rows
        }

    def insert_theme(self, workshop_id: int, heading: str, position: int, now_ms: int) -> int:
        """Insert a theme and return its id."""
        result = self.conn.execute(
            insert(themes).values(
                workshop_id=workshop_id,
                heading=heading,
                position=position,
                dissolved=False,
                created_at=now_ms,
            )
        )
        return int(result.inserted_primary_key[0])

    def update_theme(self, theme_id: int, **values: Any) -> None:
        """Change a theme's heading, position or dissolved flag."""
        self.conn.execute(update(themes).where(themes.c.id == theme_id).values(**values))

    def suggestions(self, workshop_id: int) -> list[Suggestion]:
        """Return the attendees' theme suggestions still waiting for the facilitator."""
        rows = self.conn.execute(
            select(theme_suggestions)
            .where(
                theme_suggestions.c.workshop_id == workshop_id,
                theme_suggestions.c.status == "pending",
            )
            .order_by(theme_suggestions.c.id)
        )
        return [
            Suggestion(row.id, row.proposal_id, row.heading, row.participant_id, row.status)
            for row in rows
        ]

    def count_suggestions_by(self, participant_id: int) -> int:
        """Return how many theme suggestions an attendee has made."""
        rows = self.conn.execute(
            select(theme_suggestions.c.id).where(
                theme_suggestions.c.participant_id == participant_id
            )
        )
        return len(rows.all())

    def insert_suggestion(
        self, workshop_id: int, participant_id: int, proposal_id: int, heading: str, now_ms: int
    ) -> int:
        """Record an attendee's suggestion and return its id."""
        result = self.conn.execute(
            insert(theme_suggestions).values(
                workshop_id=workshop_id,
                participant_id=participant_id,
                proposal_id=proposal_id,
                heading=heading,
                status="pending",
                created_at=now_ms,
            )
        )
        return int(result.inserted_primary_key[0])

    def set_suggestion_status(self, suggestion_id: int, status: str) -> None:
        """Mark a suggestion accepted or dismissed."""
        self.conn.execute(
            update(theme_suggestions)
            .where(theme_suggestions.c.id == suggestion_id)
            .values(status=status)
        )

    def settings(self, workshop_id: int) -> Settings:
        """Return the workshop's facilitation settings (defaults before any are saved)."""
        row = self.conn.execute(
            select(facilitation).where(facilitation.c.workshop_id == workshop_id)
        ).first()
        if row is None:
            return Settings()
        return Settings(
            bool(row.suggestions_open),
            row.spotlight_kind,
            row.spotlight_id,
            json.loads(row.run_sheet_json) if row.run_sheet_json else None,
        )

    def save_settings(self, workshop_id: int, settings: Settings, now_ms: int) -> None:
        """Write the workshop's facilitation settings, making its row the first time."""
        values = {
            "suggestions_open": settings.suggestions_open,
            "spotlight_kind": settings.spotlight_kind,
            "spotlight_id": settings.spotlight_id,
            "run_sheet_json": (
                json.dumps(settings.run_sheet, sort_keys=True) if settings.run_sheet else None
            ),
            "updated_at": now_ms,
        }
        changed = self.conn.execute(
            update(facilitation).where(facilitation.c.workshop_id == workshop_id).values(**values)
        )
        if not changed.rowcount:
            self.conn.execute(insert(facilitation).values(workshop_id=workshop_id, **values))

    def clear_spotlight_on(self, workshop_id: int, proposal_ids: set[int]) -> None:
        """Take any of these proposals off the wall (one was just hidden)."""
        self.conn.execute(
            update(facilitation)
            .where(
                facilitation.c.workshop_id == workshop_id,
                facilitation.c.spotlight_kind == "proposal",
                facilitation.c.spotlight_id.in_(sorted(proposal_ids)),
            )
            .values(spotlight_kind=None, spotlight_id=None)
        )

    def board(self, workshop_id: int) -> Board:
        """Return the workshop's themes, pending suggestions and settings, for snapshots."""
        return Board(
            self.themes(workshop_id), self.suggestions(workshop_id), self.settings(workshop_id)
        )

    def delete_facilitation(self, workshop_id: int) -> None:
        """Delete a workshop's themes, suggestions and settings (before its proposals go)."""
        self.conn.execute(
            theme_suggestions.delete().where(theme_suggestions.c.workshop_id == workshop_id)
        )
        self.conn.execute(facilitation.delete().where(facilitation.c.workshop_id == workshop_id))
        self.conn.execute(
            update(proposals).where(proposals.c.workshop_id == workshop_id).values(theme_id=None)
        )
        self.conn.execute(themes.delete().where(themes.c.workshop_id == workshop_id))
