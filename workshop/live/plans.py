"""Socket handlers of action planning: suggestions, offers of help, the facilitator's edits.

A mixin of Realtime: it relies on its plans service, _attendee and _answer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workshop.domain import validation as valid
from workshop.live.bindings import Binding
from workshop.usecases.plans import PlanService


class PlanHandlers:
    """Validate a planning command's payload, run its use case, answer with an ack."""

    plans: PlanService
    _attendee: Callable[[], Any]
    _answer: Callable[..., dict[str, Any]]

    def suggest_action(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee suggests an action for a priority; the wall shows the plan growing."""
        me = self._attendee()
        priority_id = valid.proposal_id(data.get("priority_id"), "priority_id", "priority")
        text = valid.clean_text(data.get("text"), "action", valid.MAX_ACTION_LENGTH)
        request_id = valid.request_id(data.get("request_id"))
        pid: int = me.participant_id  # type: ignore[assignment]
        return self._answer(self.plans.suggest_action(me.code, pid, priority_id, text, request_id))

    def volunteer(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee offers (or withdraws) help; the name shows only if they choose."""
        me = self._attendee()
        action_id = valid.proposal_id(data.get("action_id"), "action_id", "action")
        helping = valid.boolean(data.get("helping"), "helping")
        show_name = valid.boolean(data.get("show_name", False), "show_name")
        request_id = valid.request_id(data.get("request_id"))
        pid: int = me.participant_id  # type: ignore[assignment]
        return self._answer(
            self.plans.volunteer(me.code, pid, action_id, helping, show_name, request_id)
        )

    def add_action(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Add an action under a priority."""
        priority_id = valid.proposal_id(data.get("priority_id"), "priority_id", "priority")
        fields = valid.action_fields(data, text_required=True)
        request_id = valid.request_id(data.get("request_id"))
        return self._answer(self.plans.add_action(f.code, priority_id, fields, request_id))

    def edit_action(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Change an action's fields or status."""
        action_id = valid.proposal_id(data.get("action_id"), "action_id", "action")
        fields = valid.action_fields(data, text_required=False)
        return self._answer(self.plans.edit_action(f.code, action_id, fields))

    def merge_actions(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Merge a duplicate action into a survivor."""
        survivor = valid.proposal_id(data.get("survivor_id"), "survivor_id", "action")
        absorbed = valid.proposal_id(data.get("absorbed_id"), "absorbed_id", "action")
        return self._answer(self.plans.merge_actions(f.code, survivor, absorbed))

    def set_details(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Record the place and date, and whether the plan is public."""
        place = valid.optional_label(data.get("place"), "place", valid.MAX_PLACE_LENGTH)
        held_on = valid.due_date(data.get("held_on"), "meeting date")
        public = data.get("plan_public")
        plan_public = None if public is None else valid.boolean(public, "plan_public")
        return self._answer(self.plans.set_details(f.code, place, held_on, plan_public))
