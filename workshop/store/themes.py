"""Statements of the facilitation methods: themes, attendees' theme suggestions, and one
`facilitation` row per workshop (the suggestions switch, the spotlight, the run sheet)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, func, select, update

from workshop.domain.themes import Suggestion, Theme
from workshop.store.prepared import Prepared, Runner, inserting, updating
from workshop.store.schema import facilitation, rounds, theme_suggestions, themes

_W: Any = bindparam("workshop_id")
THEMES = Prepared(select(themes).where(themes.c.workshop_id == _W).order_by(themes.c.id))
_ROUND_WORKSHOP = select(rounds.c.workshop_id).where(rounds.c.id == bindparam("round_id"))
THEMES_OF_ROUND = Prepared(
    select(themes)
    .where(themes.c.workshop_id == _ROUND_WORKSHOP.scalar_subquery())
    .order_by(themes.c.id)
)
INSERT_THEME = inserting(themes, "workshop_id", "heading", "position", "dissolved", "created_at")
# A theme's editable columns, each set of them one statement (made on first use).
THEME_COLUMNS = ("heading", "position", "dissolved")
_THEME_UPDATES: dict[tuple[str, ...], Prepared] = {}
PENDING = Prepared(
    select(theme_suggestions)
    .where(theme_suggestions.c.workshop_id == _W, theme_suggestions.c.status == "pending")
    .order_by(theme_suggestions.c.id)
)
COUNT_SUGGESTIONS_BY = Prepared(
    select(func.count().label("n")).where(
        theme_suggestions.c.participant_id == bindparam("participant_id")
    )
)
INSERT_SUGGESTION = inserting(
    theme_suggestions,
    "workshop_id",
    "participant_id",
    "proposal_id",
    "heading",
    "status",
    "created_at",
)
SET_STATUS = updating(theme_suggestions, "id", "status")
SETTINGS = Prepared(select(facilitation).where(facilitation.c.workshop_id == _W))
SETTINGS_COLUMNS = (
    "suggestions_open",
    "spotlight_kind",
    "spotlight_id",
    "run_sheet_json",
    "updated_at",
)
UPDATE_SETTINGS = updating(facilitation, "workshop_id", *SETTINGS_COLUMNS)
INSERT_SETTINGS = Prepared(
    facilitation.insert().values(
        {name: bindparam(name) for name in ("workshop_id", *SETTINGS_COLUMNS)}
    )
)
CLEAR_SPOTLIGHT = Prepared(
    update(facilitation)
    .where(
        facilitation.c.workshop_id == _W,
        facilitation.c.spotlight_kind == "proposal",
        facilitation.c.spotlight_id == bindparam("proposal_id"),
    )
    .values(spotlight_kind=None, spotlight_id=None)
)


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


def _settings(row: Any) -> Settings:
    if row is None:
        return Settings()
    return Settings(
        bool(row.suggestions_open),
        row.spotlight_kind,
        row.spotlight_id,
        json.loads(row.run_sheet_json) if row.run_sheet_json else None,
    )


def _theme_update(names: tuple[str, ...]) -> Prepared:
    found = _THEME_UPDATES.get(names)
    if found is None:
        unknown = set(names) - set(THEME_COLUMNS)
        if unknown:
            raise ValueError(f"not an editable theme column: {sorted(unknown)}")
        found = _THEME_UPDATES[names] = updating(themes, "id", *names)
    return found


class ThemeStatements:
    """Reads and writes of themes, suggestions, the spotlight and the run sheet."""

    def __init__(self, run: Runner) -> None:
        self.run = run

    def themes(self, workshop_id: int) -> dict[int, Theme]:
        """Return every theme of the workshop (dissolved ones too), by id."""
        return {
            row.id: Theme(row.id, row.heading, row.position, bool(row.dissolved))
            for row in self.run.rows(THEMES, workshop_id=workshop_id)
        }

    def themes_of_round(self, round_id: int) -> dict[int, Theme]:
        """Return every theme of the workshop a round belongs to, by id."""
        return {
            row.id: Theme(row.id, row.heading, row.position, bool(row.dissolved))
            for row in self.run.rows(THEMES_OF_ROUND, round_id=round_id)
        }

    def insert_theme(self, workshop_id: int, heading: str, position: int, now_ms: int) -> int:
        """Insert a theme and return its id (the workshop's settings row is made with it)."""
        if self.run.first(SETTINGS, workshop_id=workshop_id) is None:
            self.save_settings(workshop_id, Settings(), now_ms)
        return self.run.insert(
            INSERT_THEME,
            workshop_id=workshop_id,
            heading=heading,
            position=position,
            dissolved=False,
            created_at=now_ms,
        )

    def update_theme(self, theme_id: int, **values: Any) -> None:
        """Change a theme's heading, position or dissolved flag."""
        names = tuple(sorted(values))
        params = {f"set_{name}": value for name, value in values.items()}
        self.run.change(_theme_update(names), key_id=theme_id, **params)

    def suggestions(self, workshop_id: int) -> list[Suggestion]:
        """Return the attendees' theme suggestions still waiting for the facilitator."""
        return [
            Suggestion(row.id, row.proposal_id, row.heading, row.participant_id, row.status)
            for row in self.run.rows(PENDING, workshop_id=workshop_id)
        ]

    def count_suggestions_by(self, participant_id: int) -> int:
        """Return how many theme suggestions an attendee has made."""
        return int(self.run.value(COUNT_SUGGESTIONS_BY, participant_id=participant_id))

    def insert_suggestion(
        self, workshop_id: int, participant_id: int, proposal_id: int, heading: str, now_ms: int
    ) -> int:
        """Record an attendee's suggestion and return its id."""
        return self.run.insert(
            INSERT_SUGGESTION,
            workshop_id=workshop_id,
            participant_id=participant_id,
            proposal_id=proposal_id,
            heading=heading,
            status="pending",
            created_at=now_ms,
        )

    def set_suggestion_status(self, suggestion_id: int, status: str) -> None:
        """Mark a suggestion accepted or dismissed."""
        self.run.change(SET_STATUS, key_id=suggestion_id, set_status=status)

    def settings(self, workshop_id: int) -> Settings:
        """Return the workshop's facilitation settings (defaults before any are saved)."""
        return _settings(self.run.first(SETTINGS, workshop_id=workshop_id))

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
        params = {f"set_{name}": value for name, value in values.items()}
        if not self.run.change(UPDATE_SETTINGS, key_workshop_id=workshop_id, **params):
            self.run.change(INSERT_SETTINGS, workshop_id=workshop_id, **values)

    def clear_spotlight_on(self, workshop_id: int, proposal_ids: set[int]) -> None:
        """Take any of these proposals off the wall (one was just hidden)."""
        for proposal_id in sorted(proposal_ids):
            self.run.change(CLEAR_SPOTLIGHT, workshop_id=workshop_id, proposal_id=proposal_id)

    def for_snapshot(self, workshop_id: int) -> Board:
        """Return the workshop's themes, pending suggestions and settings, for snapshots.

        A workshop that never used a theme, a suggestion, the spotlight or a run sheet has
        no settings row (a theme makes one; suggestions need it switched on), so one
        quick read does then: every phone's join reads a snapshot.
        """
        row = self.run.first(SETTINGS, workshop_id=workshop_id)
        if row is None:
            return Board({}, [], Settings())
        return Board(self.themes(workshop_id), self.suggestions(workshop_id), _settings(row))
