"""Actions that turn a priority into work: statuses, dates and the rules for changing them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from workshop.domain.errors import Conflict, InvalidInput, NotFound


class ActionStatus(StrEnum):
    """Where an action stands; the order is the order of a plan's life."""

    PROPOSED = "proposed"
    AGREED = "agreed"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        """Return the status as a person reads it."""
        return self.value.replace("_", " ").capitalize()

    @property
    def is_open(self) -> bool:
        """Say whether the action still needs doing (and so carries to the next meeting)."""
        return self in (ActionStatus.PROPOSED, ActionStatus.AGREED, ActionStatus.IN_PROGRESS)


def first_word(name: str | None) -> str | None:
    """Return the first word of a name: all a volunteer's offer of help ever publishes.

    People type their whole name into the optional name field; "Samwise Quarterby"
    beside an action on the wall would identify someone in recovery, "Samwise" rarely.
    """
    words = (name or "").split()
    return words[0] if words else None


@dataclass
class Action:
    """One thing someone will do for a priority."""

    id: int
    priority_id: int
    text: str
    owner: str = ""
    due_on: date | None = None
    partners: str = ""
    resources: str = ""
    success: str = ""
    status: ActionStatus = ActionStatus.PROPOSED
    participant_id: int | None = None
    carried_from: int | None = None
    merged_into: int | None = None
    volunteers: dict[int, bool] = field(default_factory=dict)  # participant -> show name


def parse_status(value: object) -> ActionStatus:
    """Return the status named by value, or refuse with the list of statuses."""
    for status in ActionStatus:
        if value == status.value:
            return status
    names = ", ".join(status.value for status in ActionStatus)
    raise InvalidInput("There is no status called that: choose one of {names}.", names=names)


def parse_date(value: str, what: str = "date") -> date | None:
    """Return the date written as YYYY-MM-DD, None for "", or refuse with an example."""
    if value == "":
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or len(value) != 10 or not 2000 <= parsed.year <= 2100:
        raise InvalidInput("Write the {what} as year-month-day, for example 2026-06-30.", what=what)
    return parsed


def date_label(value: date | None) -> str:
    """Return a date as people write it in a plan: 30 June 2026."""
    return f"{value.day} {value:%B %Y}" if value else ""


def long_date_label(value: date | None) -> str:
    """Return a meeting date with its weekday: Tuesday 15 April 2026."""
    return f"{value:%A} {value.day} {value:%B %Y}" if value else ""


def is_overdue(action: Action, today: date) -> bool:
    """Flag an open action whose due date has passed (flagged, never refused)."""
    return action.due_on is not None and action.due_on < today and action.status.is_open


def check_priority(priority_id: int, priority_ids: set[int]) -> None:
    """Refuse an action for something that is not one of the workshop's priorities."""
    if priority_id not in priority_ids:
        raise NotFound("Actions belong to a priority: pick one of the workshop's priorities.")


def check_action_merge(survivor: Action | None, absorbed: Action | None) -> None:
    """Refuse merging an action into itself, across priorities, or one already merged."""
    if survivor is None or absorbed is None:
        raise NotFound("That action does not exist in this workshop.")
    if survivor.id == absorbed.id:
        raise Conflict("An action cannot be merged into itself: pick a different one.")
    if survivor.merged_into is not None or absorbed.merged_into is not None:
        raise Conflict("That action is already merged into another one.")
    if survivor.priority_id != absorbed.priority_id:
        raise Conflict("Only actions under the same priority can be merged.")


@dataclass(frozen=True)
class ActionFields:
    """The editable fields of an action; None leaves a field as it is."""

    text: str | None = None
    owner: str | None = None
    due_on: date | bool | None = False  # False: unchanged; None: clear the date
    partners: str | None = None
    resources: str | None = None
    success: str | None = None
    status: ActionStatus | None = None

    def apply(self, action: Action) -> None:
        """Write the given fields onto an action."""
        for name in ("text", "owner", "partners", "resources", "success", "status"):
            value = getattr(self, name)
            if value is not None:
                setattr(action, name, value)
        if not isinstance(self.due_on, bool):  # False: unchanged
            action.due_on = self.due_on
