"""Socket handlers of action planning: suggestions, offers of help, the facilitator's edits."""

from __future__ import annotations

from typing import Any

from workshop.domain import validation as valid
from workshop.live.bindings import Binding
from workshop.live.edge import Edge
from workshop.usecases import UseCases


class PlanHandlers:
    """Validate a planning command's payload, run its use case, answer with an ack."""

    def __init__(self, edge: Edge, app: UseCases) -> None:
        self.edge = edge
        self.app = app

    def commands(self) -> dict[str, Any]:
        """The attendees' commands this module answers, by event name."""
        return {"suggest_action": self.suggest_action, "volunteer": self.volunteer}

    def facilitator_commands(self) -> dict[str, Any]:
        """The facilitator's commands this module answers, by event name."""
        return {
            "add_action": self.add_action,
            "edit_action": self.edit_action,
            "merge_actions": self.merge_actions,
            "set_details": self.set_details,
        }

    def suggest_action(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee suggests an action for a priority; the wall shows the plan growing."""
        me = self.edge.attendee()
        priority_id = valid.proposal_id(data.get("priority_id"), "priority_id", "priority")
        text = valid.clean_text(data.get("text"), "action", valid.MAX_ACTION_LENGTH)
        request_id = valid.request_id(data.get("request_id"))
        pid = me.participant_id
        return self.edge.answer(
            self.app.plans.suggest_action(me.code, pid, priority_id, text, request_id)
        )

    def volunteer(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee offers (or withdraws) help; the name shows only if they choose."""
        me = self.edge.attendee()
        action_id = valid.proposal_id(data.get("action_id"), "action_id", "action")
        helping = valid.boolean(data.get("helping"), "helping")
        show_name = valid.boolean(data.get("show_name", False), "show_name")
        request_id = valid.request_id(data.get("request_id"))
        pid = me.participant_id
        return self.edge.answer(
            self.app.plans.volunteer(me.code, pid, action_id, helping, show_name, request_id)
        )

    def add_action(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Add an action under a priority."""
        priority_id = valid.proposal_id(data.get("priority_id"), "priority_id", "priority")
        fields = valid.action_fields(data, text_required=True)
        request_id = valid.request_id(data.get("request_id"))
        return self.edge.answer(self.app.plans.add_action(f.code, priority_id, fields, request_id))

    def edit_action(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Change an action's fields or status."""
        action_id = valid.proposal_id(data.get("action_id"), "action_id", "action")
        fields = valid.action_fields(data, text_required=False)
        return self.edge.answer(self.app.plans.edit_action(f.code, action_id, fields))

    def merge_actions(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Merge a duplicate action into a survivor."""
        survivor = valid.proposal_id(data.get("survivor_id"), "survivor_id", "action")
        absorbed = valid.proposal_id(data.get("absorbed_id"), "absorbed_id", "action")
        return self.edge.answer(self.app.plans.merge_actions(f.code, survivor, absorbed))

    def set_details(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Record the place and date, and whether the plan is public."""
        place = valid.optional_label(data.get("place"), "place", valid.MAX_PLACE_LENGTH)
        held_on = valid.due_date(data.get("held_on"), "meeting date")
        public = data.get("plan_public")
        plan_public = None if public is None else valid.boolean(public, "plan_public")
        return self.edge.answer(self.app.plans.set_details(f.code, place, held_on, plan_public))
