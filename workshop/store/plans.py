"""Queries of action planning and series: actions, offers of help, follow-ups, group support."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from workshop.domain.actions import Action, ActionStatus
from workshop.domain.model import Workshop
from workshop.store.schema import (
    actions,
    participants,
    volunteers,
    votes,
    workshop_from_row,
    workshops,
)


def _action_values(action: Action) -> dict[str, Any]:
    return {
        "text": action.text,
        "owner": action.owner,
        "due_on": action.due_on.isoformat() if action.due_on else None,
        "partners": action.partners,
        "resources": action.resources,
        "success": action.success,
        "status": action.status.value,
    }


class PlanQueries:
    """The part of a transaction that reads and writes plans and series."""

    conn: Connection

    def points_by_group(self, workshop_id: int) -> dict[int, dict[str, int]]:
        """Return raw points per proposal per attendee group key ('' for no group)."""
        rows = self.conn.execute(
            select(votes.c.proposal_id, participants.c.group_key, func.sum(votes.c.points))
            .join(participants, participants.c.id == votes.c.participant_id)
            .where(votes.c.workshop_id == workshop_id)
            .group_by(votes.c.proposal_id, participants.c.group_key)
        )
        found: dict[int, dict[str, int]] = {}
        for proposal_id, group_key, points in rows:
            found.setdefault(int(proposal_id), {})[group_key or ""] = int(points)
        return found

    # -- series ----------------------------------------------------------------

    def find_workshop_by_id(self, workshop_id: int) -> Workshop | None:
        """Return the workshop with this id, or None."""
        row = self.conn.execute(select(workshops).where(workshops.c.id == workshop_id)).first()
        return workshop_from_row(row) if row else None

    def set_series(self, workshop_id: int, root_id: int, follows_id: int) -> None:
        """Record that a workshop follows another in a series."""
        self.conn.execute(
            update(workshops)
            .where(workshops.c.id == workshop_id)
            .values(series_root_id=root_id, follows_id=follows_id)
        )

    def series_members(self, root_id: int) -> list[Workshop]:
        """Return the series' first workshop and every follow-up, in the order created."""
        rows = self.conn.execute(
            select(workshops)
            .where((workshops.c.id == root_id) | (workshops.c.series_root_id == root_id))
            .order_by(workshops.c.id)
        )
        return [workshop_from_row(row) for row in rows]

    # -- actions ---------------------------------------------------------------

    def actions(self, workshop_id: int) -> dict[int, Action]:
        """Return every action of the workshop with its volunteers, by id in creation order."""
        rows = self.conn.execute(
            select(actions).where(actions.c.workshop_id == workshop_id).order_by(actions.c.id)
        )
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
            for row in rows
        }
        if found:
            helpers = self.conn.execute(
                select(volunteers.c.action_id, volunteers.c.participant_id, volunteers.c.show_name)
                .where(volunteers.c.action_id.in_(list(found)))
                .order_by(volunteers.c.id)
            )
            for action_id, participant_id, show_name in helpers:
                found[action_id].volunteers[participant_id] = bool(show_name)
        return found

    def insert_action(self, workshop_id: int, action: Action, now_ms: int) -> int:
        """Insert an action and return its id."""
        result = self.conn.execute(
            insert(actions).values(
                workshop_id=workshop_id,
                created_at=now_ms,
                **_action_values(action),
                priority_id=action.priority_id,
                participant_id=action.participant_id,
                carried_from=action.carried_from,
            )
        )
        return int(result.inserted_primary_key[0])

    def save_action(self, action: Action) -> None:
        """Write back an action's fields, status and merge."""
        self.conn.execute(
            update(actions)
            .where(actions.c.id == action.id)
            .values(**_action_values(action), merged_into=action.merged_into)
        )

    def set_volunteer(
        self, action_id: int, participant_id: int, helping: bool, show_name: bool, now_ms: int
    ) -> None:
        """Record, change or withdraw an attendee's offer to help with an action."""
        self.conn.execute(
            volunteers.delete().where(
                volunteers.c.action_id == action_id, volunteers.c.participant_id == participant_id
            )
        )
        if helping:
            self.conn.execute(
                insert(volunteers).values(
                    action_id=action_id,
                    participant_id=participant_id,
                    show_name=show_name,
                    created_at=now_ms,
                )
            )

    def move_volunteers(self, from_action: int, to_action: int) -> None:
        """Move offers of help to a survivor action, once per attendee."""
        already = set(
            self.conn.execute(
                select(volunteers.c.participant_id).where(volunteers.c.action_id == to_action)
            ).scalars()
        )
        moving = self.conn.execute(
            select(volunteers.c.id, volunteers.c.participant_id).where(
                volunteers.c.action_id == from_action
            )
        ).all()
        for row_id, participant_id in moving:
            if participant_id in already:
                self.conn.execute(volunteers.delete().where(volunteers.c.id == row_id))
            else:
                self.conn.execute(
                    update(volunteers).where(volunteers.c.id == row_id).values(action_id=to_action)
                )

    def first_names(self, participant_ids: set[int]) -> dict[int, str | None]:
        """Return the optional names of these attendees."""
        if not participant_ids:
            return {}
        rows = self.conn.execute(
            select(participants.c.id, participants.c.name).where(
                participants.c.id.in_(sorted(participant_ids))
            )
        )
        return {int(pid): name for pid, name in rows}
