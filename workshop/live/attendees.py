"""Socket handlers of what anyone connected may ask: join, watch, facilitate, propose, place dots.

Each validates its payload, calls one use case and answers with an ack; the events go
to the Edge's coalescing broadcaster.
"""

from __future__ import annotations

from typing import Any

from workshop.domain import validation as valid
from workshop.domain.errors import N_, Conflict, Forbidden, WorkshopError
from workshop.live.bindings import Binding
from workshop.live.edge import NOT_JOINED, Edge
from workshop.usecases import UseCases

Command = Any  # (data) -> ack
ONE_ATTENDEE_PER_CONNECTION = N_(
    "This connection already belongs to another attendee: reload the page to join again."
)


class AttendeeHandlers:
    """Joining, watching and steering a workshop, proposals and dots."""

    def __init__(self, edge: Edge, app: UseCases) -> None:
        self.edge = edge
        self.app = app

    def commands(self) -> dict[str, Command]:
        """The commands this module answers, by event name."""
        return {
            "join_workshop": self.join_workshop,
            "watch_workshop": self.watch_workshop,
            "facilitate_workshop": self.facilitate_workshop,
            "sync_state": self.sync_state,
            "submit_proposal": self.submit_proposal,
            "cast_vote": self.cast_vote,
            "retract_vote": self.retract_vote,
        }

    def join_workshop(self, data: dict[str, Any]) -> dict[str, Any]:
        """A phone joins (or rejoins, by device id); the ack carries its snapshot and `me`."""
        code = self.edge.look_up(valid.code(data.get("code")))
        device_id = valid.device_id(data.get("device_id"))
        name = valid.optional_label(data.get("name"), "name", valid.MAX_NAME_LENGTH)
        group = valid.optional_label(data.get("group"), "group", valid.MAX_GROUP_LENGTH)
        bound = self.edge.binding()
        # One connection, one attendee: a loop of fresh device ids on one socket must not
        # make a crowd. Rejoining as the same device (every reconnection) is welcome.
        switching = (
            bound is not None
            and bound.participant_id is not None
            and (bound.code, bound.device_id) != (code, device_id)
        )
        if switching and device_id and self.app.workshops.find_participant(code, device_id):
            raise Conflict(ONE_ATTENDEE_PER_CONNECTION)
        address = self.edge.address()

        def admit() -> None:  # asked only before a new attendee is seated
            if switching:
                raise Conflict(ONE_ATTENDEE_PER_CONNECTION)
            self.edge.guard.new_attendee(address)

        try:
            joined, events = self.app.workshops.join(code, device_id, name, group, admit=admit)
        except WorkshopError as refusal:
            self.edge.missed(refusal)
            raise
        self.edge.announce(data)
        self.edge.bind(Binding(code, "phone", joined.participant_id, joined.device_id))
        self.edge.publish(events)
        return {
            "ok": True,
            "participant_id": joined.participant_id,
            "device_id": joined.device_id,
            "state": joined.state,
            "me": joined.me,
        }

    def watch_workshop(self, data: dict[str, Any]) -> dict[str, Any]:
        """A projector subscribes read-only; the ack carries the screen snapshot."""
        code = self.edge.look_up(valid.code(data.get("code")))
        try:
            state = self.app.audiences.snapshot(code, "screen")
        except WorkshopError as refusal:
            self.edge.missed(refusal)
            raise
        self.edge.announce(data)
        self.edge.bind(Binding(code, "screen"))
        return {"ok": True, "state": state}

    def facilitate_workshop(self, data: dict[str, Any]) -> dict[str, Any]:
        """The facilitator proves the token once per connection; the ack carries everything."""
        code = valid.code(data.get("code"))
        token = data.get("token")
        if not isinstance(token, str) or not 0 < len(token) <= 200:
            raise Forbidden("Open the facilitator link you were given to steer this workshop.")
        self.app.core.check_facilitator(code, token)
        state = self.app.audiences.snapshot(code, "facilitator")
        self.edge.announce(data)
        self.edge.bind(Binding(code, "facilitator", token=token))
        return {"ok": True, "state": state}

    def sync_state(self, _data: dict[str, Any]) -> dict[str, Any]:
        """A client that missed a `state_delta` asks for its audience's snapshot again."""
        binding = self.edge.binding()
        if binding is None:
            raise Forbidden(NOT_JOINED)
        if binding.role == "facilitator":
            self.app.core.check_facilitator(binding.code, binding.token or "")
        return {"ok": True, "state": self.app.audiences.snapshot(binding.code, binding.role)}

    def submit_proposal(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee proposes a priority; screens see it once proposals are revealed."""
        me = self.edge.attendee()
        text = valid.clean_text(data.get("text"), "idea", valid.MAX_PROPOSAL_LENGTH)
        request_id = valid.request_id(data.get("request_id"))
        return self.edge.answer(
            self.app.workshops.submit_proposal(me.code, me.participant_id, text, request_id)
        )

    def _vote(self, data: dict[str, Any], retract: bool) -> dict[str, Any]:
        me = self.edge.attendee()
        proposal_id = valid.proposal_id(data.get("proposal_id"))
        points = valid.integer(data.get("points", 1), "number of dots", 1, 20)
        request_id = valid.request_id(data.get("request_id"))
        round_id = valid.optional_id(data.get("round_id"), "round_id")
        use_case = self.app.workshops.retract_vote if retract else self.app.workshops.cast_vote
        answer = use_case(me.code, me.participant_id, proposal_id, points, request_id, round_id)
        return self.edge.own_vote(me, answer)

    def cast_vote(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee places dots; the tally reaches screens in the next coalesced broadcast."""
        return self._vote(data, retract=False)

    def retract_vote(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee takes dots back."""
        return self._vote(data, retract=True)
