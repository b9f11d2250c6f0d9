"""Socket handlers of the facilitator's board: stages, reveals, hiding, editing, merging, timers.

Only a connection bound as the workshop's facilitator reaches these (see server.py).
"""

from __future__ import annotations

from typing import Any

from workshop.domain import validation as valid
from workshop.domain.model import Stage
from workshop.domain.stages import parse_stage
from workshop.live.bindings import Binding
from workshop.live.edge import Edge
from workshop.usecases import UseCases

FacilitatorCommand = Any  # (binding, data) -> ack


class FacilitationHandlers:
    """Validate a facilitator command's payload, run its use case, answer with an ack."""

    def __init__(self, edge: Edge, app: UseCases) -> None:
        self.edge = edge
        self.app = app

    def facilitator_commands(self) -> dict[str, FacilitatorCommand]:
        """The facilitator's commands this module answers, by event name."""
        return {
            "change_stage": self.change_stage,
            "reveal_proposals": self.reveal_proposals,
            "reveal_results": self.reveal_results,
            "hide_proposal": self.hide_proposal,
            "edit_proposal": self.edit_proposal,
            "merge_proposals": self.merge_proposals,
            "unmerge_proposal": self.unmerge_proposal,
            "add_proposal": self.add_proposal,
            "start_timer": self.start_timer,
            "pause_timer": self.pause_timer,
            "resume_timer": self.resume_timer,
            "cancel_timer": self.cancel_timer,
            "set_priorities": self.set_priorities,
        }

    def change_stage(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Move the workshop to a stage; every room gets a new snapshot."""
        stage: Stage = parse_stage(data.get("stage"))
        number = data.get("round")
        if number is not None:
            number = valid.integer(number, "round", 1, 1_000)
        return self.edge.answer(self.app.facilitation.change_stage(f.code, stage, number))

    def reveal_proposals(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Show or hide the proposals on the wall and phones (a missing flag shows them)."""
        revealed = valid.boolean(data.get("revealed", True), "revealed")
        return self.edge.answer(self.app.facilitation.reveal_proposals(f.code, revealed))

    def reveal_results(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Show or hide the results on the phones (a missing flag shows them)."""
        revealed = valid.boolean(data.get("revealed", True), "revealed")
        return self.edge.answer(self.app.facilitation.reveal_results(f.code, revealed))

    def hide_proposal(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Hide a proposal from every screen and phone at once (duty of care), or show it.

        One rule for every flag named after its command: a missing flag does what the
        command's name says (hide_proposal hides, reveal_results reveals).
        """
        proposal_id = valid.proposal_id(data.get("proposal_id"))
        hidden = valid.boolean(data.get("hidden", True), "hidden")
        return self.edge.answer(self.app.facilitation.hide_proposal(f.code, proposal_id, hidden))

    def edit_proposal(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Reword a proposal."""
        proposal_id = valid.proposal_id(data.get("proposal_id"))
        text = valid.clean_text(data.get("text"), "idea", valid.MAX_PROPOSAL_LENGTH)
        return self.edge.answer(self.app.facilitation.edit_proposal(f.code, proposal_id, text))

    def merge_proposals(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Merge a duplicate into a survivor that keeps both proposals' dots."""
        survivor = valid.proposal_id(data.get("survivor_id"), "survivor_id")
        absorbed = valid.proposal_id(data.get("absorbed_id"), "absorbed_id")
        return self.edge.answer(self.app.facilitation.merge_proposals(f.code, survivor, absorbed))

    def unmerge_proposal(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Undo a merge."""
        proposal_id = valid.proposal_id(data.get("proposal_id"))
        return self.edge.answer(self.app.facilitation.unmerge_proposal(f.code, proposal_id))

    def add_proposal(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Add a proposal from paper or from someone without a phone."""
        text = valid.clean_text(data.get("text"), "idea", valid.MAX_PROPOSAL_LENGTH)
        request_id = valid.request_id(data.get("request_id"))
        return self.edge.answer(self.app.facilitation.add_proposal(f.code, text, request_id))

    def start_timer(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Start a countdown on the wall and the phones."""
        seconds = valid.integer(data.get("seconds"), "number of seconds", 1, 7200)
        return self.edge.answer(self.app.facilitation.set_timer(f.code, "start", seconds))

    def pause_timer(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Pause the countdown."""
        return self.edge.answer(self.app.facilitation.set_timer(f.code, "pause"))

    def resume_timer(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Resume the countdown."""
        return self.edge.answer(self.app.facilitation.set_timer(f.code, "resume"))

    def cancel_timer(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Cancel the countdown."""
        return self.edge.answer(self.app.facilitation.set_timer(f.code, "cancel"))

    def set_priorities(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Mark proposals as the workshop's priorities, in rank order."""
        ids = valid.proposal_ids(data.get("proposal_ids"))
        return self.edge.answer(self.app.facilitation.set_priorities(f.code, ids))
