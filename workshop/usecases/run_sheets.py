"""Use cases of run sheets: list the plans on disk, follow one, step through it.

A step's own changes (its stage, a round, revealing results, the timer, a spotlight) are
made through the same use cases as the console's buttons, one after another, so each
keeps its rules; the run state is saved last, so a step refused half-way (a round with
too few proposals, say) leaves the sheet where it was.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from workshop.domain import run_sheets
from workshop.domain.errors import Conflict, NotFound, WorkshopError
from workshop.domain.methods import Method
from workshop.domain.model import Stage, Workshop
from workshop.store.engine import Tx
from workshop.usecases.core import Core
from workshop.usecases.events import Answer, Event
from workshop.usecases.facilitation import Facilitation
from workshop.usecases.rounds import VoteRounds
from workshop.usecases.themes import Themes

MAX_FILE_BYTES = 64_000


def read_sheets(folders: Iterable[Path]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Return every good run sheet in the folders by name (the file's stem), and refusals.

    A later folder's file replaces an earlier one of the same name, so an organiser's
    own folder can change a plan the project ships.
    """
    sheets: dict[str, dict[str, Any]] = {}
    refused: list[str] = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    raise run_sheets.SheetError(
                        f"{path.name}: the file is too big for a run sheet."
                    )
                sheets[path.stem] = run_sheets.parse(path.read_text(encoding="utf-8"), path.name)
            except (run_sheets.SheetError, UnicodeDecodeError, OSError) as error:
                sheets.pop(path.stem, None)
                refused.append(getattr(error, "message", f"{path.name}: the file cannot be read."))
    return sheets, refused


class RunSheets:
    """Follow a run sheet: start it, step through it, stop it."""

    def __init__(
        self,
        core: Core,
        facilitation: Facilitation,
        rounds: VoteRounds,
        themes: Themes,
        folders: list[Path],
    ) -> None:
        self.core = core
        self.facilitation = facilitation
        self.rounds = rounds
        self.themes = themes
        self.folders = folders

    def available(self) -> dict[str, Any]:
        """Return the run sheets on disk (name, title, about, minutes) and the refused files."""
        sheets, refused = read_sheets(self.folders)
        return {
            "run_sheets": [
                {
                    "name": name,
                    "title": sheet["title"],
                    "about": sheet["about"],
                    "minutes": sum(step["minutes"] for step in sheet["steps"]),
                    "steps": len(sheet["steps"]),
                }
                for name, sheet in sorted(sheets.items(), key=lambda item: item[1]["title"])
            ],
            "refused": refused,
        }

    def _state(self, code: str) -> tuple[Workshop, dict[str, Any] | None]:
        with self.core.store.transaction() as tx:
            workshop = self.core.workshop_in(tx, code)
            return workshop, tx.themes.settings(workshop.id).run_sheet

    def _save(self, code: str, state: dict[str, Any] | None) -> list[Event]:
        def change(tx: Tx, workshop: Workshop) -> list[Event]:
            settings = tx.themes.settings(workshop.id)
            settings.run_sheet = state
            tx.themes.save_settings(workshop.id, settings, self.core.clock())
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return []

        return self.core.facilitator_change(code, change).events

    def start(self, code: str, name: str) -> Answer:
        """Follow the named run sheet from its first step, which starts at once."""
        sheets, _ = read_sheets(self.folders)
        if name not in sheets:
            raise NotFound("There is no run sheet with that name: pick one from the list.")
        self._state(code)  # refuse an unknown workshop before changing anything
        state = run_sheets.begin(name, sheets[name], self.core.clock())
        return self._next(code, state)

    def step(
        self, code: str, action: str, index: int | None, to: int | None, at: int | None = None
    ) -> Answer:
        """Go to the next step, or skip, repeat or move one; `at` guards against a retry."""
        _, state = self._state(code)
        if state is None:
            raise Conflict("No run sheet is being followed: start one first.")
        if action == "next":
            if at is not None and run_sheets.current(state) != at:
                raise Conflict("The run sheet has moved on already: look at the console again.")
            return self._next(code, state)
        if action == "skip":
            state = run_sheets.skip(state, index)
        elif action == "repeat":
            state = run_sheets.repeat(state, index)
        else:
            state = run_sheets.move(state, index, to)
        return Answer({"ok": True}, self._save(code, state))

    def stop(self, code: str) -> Answer:
        """Stop following the run sheet; the workshop stays where it is."""
        return Answer({"ok": True}, self._save(code, None))

    def _next(self, code: str, state: dict[str, Any]) -> Answer:
        new, step = run_sheets.advance(state, self.core.clock())
        events: list[Event] = []
        if step is not None:
            events += self._apply(code, step)
        events += self._save(code, new)
        return Answer(
            {"ok": True, "step": run_sheets.current(new), "title": step["title"] if step else None},
            events,
        )

    def _apply(self, code: str, step: dict[str, Any]) -> list[Event]:
        """Make a step's changes: its round or stage, results, timer and spotlight."""
        events: list[Event] = []
        round_ = step.get("round")
        if round_:
            settings = {
                k: round_[k]
                for k in ("top_k", "dots", "max_per_proposal", "points_total")
                if k in round_
            }
            from_round = self._last_round_number(code) if round_.get("from") else None
            answer = self.rounds.start_round(
                code,
                Method(round_["method"]),
                f"run-sheet:{secrets.token_hex(8)}",
                settings=settings,
                from_round=from_round,
                top=round_.get("top"),
            )
        else:
            answer = self.facilitation.change_stage(code, Stage(step["stage"]))
        events += answer.events
        if step.get("reveal_results"):
            events += self.facilitation.reveal_results(code, True).events
        events += self.facilitation.set_timer(code, "start", step["minutes"] * 60).events
        if step.get("spotlight"):
            kind = "theme" if step["spotlight"] == "themes" else "proposal"
            try:
                self.themes.spotlight(code, None, None)
                events += self.themes.spotlight_step(code, kind, 1).events
            except WorkshopError:
                pass  # nothing to show yet: the facilitator can press N once there is
        return events

    def _last_round_number(self, code: str) -> int:
        with self.core.store.transaction() as tx:
            workshop = self.core.workshop_in(tx, code)
            return tx.rounds.rounds_of(workshop.id)[-1].number
