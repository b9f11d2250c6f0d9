"""Socket handlers of the facilitation methods: themes, suggestions, the spotlight, run sheets.

Each validates its payload, calls one use case and answers with an ack; the events go
to the realtime edge's coalescing broadcaster like every other command's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workshop.domain import validation as valid
from workshop.domain.errors import InvalidInput
from workshop.domain.themes import MAX_HEADING_LENGTH
from workshop.live.bindings import Binding
from workshop.live.edge import Edge
from workshop.usecases import UseCases

Command = Callable[[dict[str, Any]], dict[str, Any]]
ATTENDEE_COMMANDS = ("suggest_theme",)
FACILITATOR_COMMANDS = (
    "create_theme",
    "rename_theme",
    "move_to_theme",
    "dissolve_theme",
    "order_themes",
    "allow_theme_suggestions",
    "answer_theme_suggestion",
    "spotlight",
    "spotlight_next",
    "start_run_sheet",
    "run_sheet_step",
    "stop_run_sheet",
)


def _heading(value: Any) -> str:
    return valid.clean_text(value, "theme heading", MAX_HEADING_LENGTH)


def _ids(value: Any) -> list[int]:
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value]
    if not isinstance(value, list) or not 1 <= len(value) <= 100:
        raise InvalidInput("Say which proposals to move: a list of proposal numbers.")
    return [valid.proposal_id(v) for v in value]


def _kind(value: Any) -> str:
    if value not in ("proposal", "theme"):
        raise InvalidInput("The spotlight shows a proposal or a theme: say which.")
    return str(value)


class ThemeHandlers:
    """The commands of themes, the spotlight and run sheets: validate, run, answer."""

    def __init__(self, edge: Edge, app: UseCases) -> None:
        self.edge = edge
        self.app = app

    def commands(self) -> dict[str, Any]:
        """The attendees' commands this module answers, by event name."""
        return {name: getattr(self, name) for name in ATTENDEE_COMMANDS}

    def facilitator_commands(self) -> dict[str, Any]:
        """The facilitator's commands this module answers, by event name."""
        return {name: getattr(self, name) for name in FACILITATOR_COMMANDS}

    def _answer(self, answer: Any) -> dict[str, Any]:
        return self.edge.answer(answer)

    # -- attendees -----------------------------------------------------------------

    def suggest_theme(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee suggests a theme for a proposal; only the facilitator sees it."""
        me = self.edge.attendee()
        proposal_id = valid.proposal_id(data.get("proposal_id"))
        heading = _heading(data.get("heading"))
        request_id = valid.request_id(data.get("request_id"))
        pid: int = me.participant_id
        return self._answer(
            self.app.themes.suggest_theme(me.code, pid, proposal_id, heading, request_id)
        )

    # -- themes --------------------------------------------------------------------

    def create_theme(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Make a theme (a column on the wall), with proposals moved in if given."""
        heading = _heading(data.get("heading"))
        ids = _ids(data["proposal_ids"]) if data.get("proposal_ids") else []
        request_id = valid.request_id(data.get("request_id"))
        return self._answer(self.app.themes.create_theme(f.code, heading, ids, request_id))

    def rename_theme(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Change a theme's heading."""
        theme_id = valid.proposal_id(data.get("theme_id"), "theme_id", "theme")
        return self._answer(
            self.app.themes.rename_theme(f.code, theme_id, _heading(data.get("heading")))
        )

    def move_to_theme(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Move proposals into a theme, or out of every theme with `theme_id: null`."""
        ids = _ids(data.get("proposal_ids", data.get("proposal_id")))
        raw = data.get("theme_id")
        theme_id = None if raw is None else valid.proposal_id(raw, "theme_id", "theme")
        return self._answer(self.app.themes.move_to_theme(f.code, ids, theme_id))

    def dissolve_theme(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Dissolve a theme, or restore a dissolved one with its proposals."""
        theme_id = valid.proposal_id(data.get("theme_id"), "theme_id", "theme")
        dissolved = valid.boolean(data.get("dissolved", True), "dissolved")
        return self._answer(self.app.themes.dissolve_theme(f.code, theme_id, dissolved))

    def order_themes(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Put the theme columns in a new order."""
        raw = data.get("theme_ids")
        if not isinstance(raw, list) or len(raw) > 100:
            raise InvalidInput("Give the themes as a list, in the order the wall should show them.")
        ids = [valid.proposal_id(v, "theme_ids", "theme") for v in raw]
        return self._answer(self.app.themes.order_themes(f.code, ids))

    def allow_theme_suggestions(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Let phones suggest themes, or stop them."""
        allowed = valid.boolean(data.get("allowed"), "allowed")
        return self._answer(self.app.themes.allow_theme_suggestions(f.code, allowed))

    def answer_theme_suggestion(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Accept an attendee's suggestion (the proposal moves) or dismiss it."""
        suggestion_id = valid.proposal_id(data.get("suggestion_id"), "suggestion_id", "suggestion")
        accept = valid.boolean(data.get("accept"), "accept")
        return self._answer(self.app.themes.answer_suggestion(f.code, suggestion_id, accept))

    # -- the spotlight ---------------------------------------------------------------

    def spotlight(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Put a proposal or theme on the wall for discussion; no `id` takes it down."""
        if data.get("id") is None:
            return self._answer(self.app.themes.spotlight(f.code, None, None))
        kind = _kind(data.get("kind", "proposal"))
        target = valid.proposal_id(data.get("id"), "id", kind)
        return self._answer(self.app.themes.spotlight(f.code, kind, target))

    def spotlight_next(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Step the spotlight to the next (or, with direction -1, the previous) item."""
        kind = None if data.get("kind") is None else _kind(data.get("kind"))
        direction = data.get("direction", 1)
        if direction not in (1, -1) or isinstance(direction, bool):
            raise InvalidInput("The direction is 1 (next) or -1 (previous).")
        return self._answer(self.app.themes.spotlight_step(f.code, kind, direction))

    # -- run sheets ------------------------------------------------------------------

    def start_run_sheet(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Follow a named run sheet from its first step."""
        name = data.get("name")
        if not isinstance(name, str) or not 0 < len(name) <= 80:
            raise InvalidInput("Say which run sheet to follow, by its name.")
        return self._answer(self.app.run_sheets.start(f.code, name))

    def run_sheet_step(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Go to the next step, or skip, repeat or move a step of the run sheet."""
        action = data.get("action")
        if action not in ("next", "skip", "repeat", "move"):
            raise InvalidInput("Say what to do with the run sheet: next, skip, repeat or move.")
        index = data.get("index")
        to = data.get("to")
        for value, what in ((index, "step"), (to, "place to move it to")):
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 100
            ):
                raise InvalidInput(
                    "The {what} must be a step number from the run sheet.", what=what
                )
        at = data.get("at")
        if at is not None and (isinstance(at, bool) or not isinstance(at, int)):
            raise InvalidInput("The step you saw running must be a step number.")
        return self._answer(self.app.run_sheets.step(f.code, str(action), index, to, at))

    def stop_run_sheet(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Stop following the run sheet (the workshop stays where it is)."""
        return self._answer(self.app.run_sheets.stop(f.code))
