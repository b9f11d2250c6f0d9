"""Statements about action plans: actions and the offers of help on them."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, select

from workshop.domain.actions import Action, ActionStatus
from workshop.store.prepared import Prepared, Runner, inserting, updating
from workshop.store.schema import actions, volunteers

_FIELDS = ("text", "owner", "due_on", "partners", "resources", "success", "status")
ANY_ACTION = Prepared(
    select(actions.c.id).where(actions.c.workshop_id == bindparam("workshop_id")).limit(1)
)
ACTIONS = Prepared(
    select(actions).where(actions.c.workshop_id == bindparam("workshop_id")).order_by(actions.c.id)
)
HELPERS = Prepared(
    select(volunteers.c.action_id, volunteers.c.participant_id, volunteers.c.show_name)
    .where(
        volunteers.c.action_id.in_(
            select(actions.c.id).where(actions.c.workshop_id == bindparam("workshop_id"))
        )
    )
    .order_by(volunteers.c.id)
)
INSERT = inserting(
    actions,
    "workshop_id",
    "created_at",
    *_FIELDS,
    "priority_id",
    "participant_id",
    "carried_from",
)
SAVE = updating(actions, "id", *_FIELDS, "merged_into")
WITHDRAW_HELP = Prepared(
    volunteers.delete().where(
        volunteers.c.action_id == bindparam("action_id"),
        volunteers.c.participant_id == bindparam("participant_id"),
    )
)
OFFER_HELP = inserting(volunteers, "action_id", "participant_id", "show_name", "created_at")
HELPERS_OF = Prepared(
    select(volunteers.c.id, volunteers.c.participant_id).where(
        volunteers.c.action_id == bindparam("action_id")
    )
)
DROP_HELP = Prepared(volunteers.delete().where(volunteers.c.id == bindparam("id")))
MOVE_HELP = updating(volunteers, "id", "action_id")


def _fields(action: Action) -> dict[str, Any]:
    return {
        "text": action.text,
        "owner": action.owner,
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "partners": action.partners,
        "resources": action.resources,
        "success": action.success,
        "status": action.status.value,
    }


class PlanStatements:
    """Reads and writes of actions and volunteers."""

    def __init__(self, run: Runner) -> None:
        self.run = run

    def actions(self, workshop_id: int) -> dict[int, Action]:
        """Return every action of the workshop with its volunteers, by id in creation order."""
        # Most joins and votes come before any action exists: say so in one cheap query.
        if self.run.first(ANY_ACTION, workshop_id=workshop_id) is None:
            return {}
        found = {
            row.id: Action(
                id=row.id,
                priority_id=row.priority_id,
                text=row.text,
                owner=row.owner,
                due_on=date.fromisoformat(row.due_on) if row.due_on else None,
                partners=row.partners,
                resources=row.resources,
                success=row.success,
                status=ActionStatus(row.status),
                participant_id=row.participant_id,
                carried_from=row.carried_from,
                merged_into=row.merged_into,
            )
            for row in self.run.rows(ACTIONS, workshop_id=workshop_id)
        }
        for row in self.run.rows(HELPERS, workshop_id=workshop_id):
            found[row.action_id].volunteers[row.participant_id] = bool(row.show_name)
        return found

    def insert_action(self, workshop_id: int, action: Action, now_ms: int) -> int:
        """Insert an action and return its id."""
        return self.run.insert(
            INSERT,
            workshop_id=workshop_id,
            created_at=now_ms,
            **_fields(action),
            priority_id=action.priority_id,
            participant_id=action.participant_id,
            carried_from=action.carried_from,
        )

    def save_action(self, action: Action) -> None:
        """Write back an action's fields, status and merge."""
        values = {f"set_{name}": value for name, value in _fields(action).items()}
        self.run.change(SAVE, key_id=action.id, set_merged_into=action.merged_into, **values)

    def set_volunteer(
        self, action_id: int, participant_id: int, helping: bool, show_name: bool, now_ms: int
    ) -> None:
        """Record, change or withdraw an attendee's offer to help with an action."""
        self.run.change(WITHDRAW_HELP, action_id=action_id, participant_id=participant_id)
        if helping:
            self.run.insert(
                OFFER_HELP,
                action_id=action_id,
                participant_id=participant_id,
                show_name=show_name,
                created_at=now_ms,
            )

    def move_volunteers(self, from_action: int, to_action: int) -> None:
        """Move offers of help to a survivor action, once per attendee."""
        already = {row.participant_id for row in self.run.rows(HELPERS_OF, action_id=to_action)}
        for row in self.run.rows(HELPERS_OF, action_id=from_action):
            if row.participant_id in already:
                self.run.change(DROP_HELP, id=row.id)
            else:
                self.run.change(MOVE_HELP, key_id=row.id, set_action_id=to_action)
