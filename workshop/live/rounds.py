"""Socket handlers of vote rounds: whole ballots, new rounds, run-offs, paper and assisted votes."""

from __future__ import annotations

from typing import Any

from workshop.domain import validation as valid
from workshop.domain.errors import InvalidInput
from workshop.domain.methods import Method
from workshop.live.bindings import Binding
from workshop.live.edge import Edge
from workshop.usecases import UseCases

MAX_NOTE_LENGTH = 200
ROUND_SETTINGS = {  # setting: (what it is called in a refusal, lowest, highest)
    "dots": ("number of dots", 1, 20),
    "max_per_proposal": ("most dots on one proposal", 1, 20),
    "top_k": ("number of proposals to rank", 1, 50),
    "points_total": ("number of points to share", 10, 1000),
}


def _method(value: Any) -> Method:
    try:
        return Method(value)
    except ValueError:
        names = ", ".join(method.value for method in Method)
        raise InvalidInput(
            "There is no voting method called that: choose one of {names}.", names=names
        ) from None


def _round_settings(data: dict[str, Any]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for key, (what, low, high) in ROUND_SETTINGS.items():
        if data.get(key) is not None:
            settings[key] = valid.integer(data[key], what, low, high)
    for key in ("spend_all", "points_exact"):
        if data.get(key) is not None:
            settings[key] = valid.boolean(data[key], key)
    return settings


def _note(data: dict[str, Any]) -> str:
    return valid.clean_text(data.get("note", ""), "note", MAX_NOTE_LENGTH, required=False)


def _by_number(data: dict[str, Any]) -> bool:
    """Say whether counts or choices use the numbers printed on paper instead of ids."""
    by = data.get("by", "id")
    if by not in ("id", "number"):
        raise InvalidInput('Say how proposals are named: "id" or "number" (as printed on paper).')
    return bool(by == "number")


class RoundHandlers:
    """Validate a round command's payload, run its use case, answer with an ack."""

    def __init__(self, edge: Edge, app: UseCases) -> None:
        self.edge = edge
        self.app = app

    def commands(self) -> dict[str, Any]:
        """The attendees' commands this module answers, by event name."""
        return {"cast_ballot": self.cast_ballot}

    def facilitator_commands(self) -> dict[str, Any]:
        """The facilitator's commands this module answers, by event name."""
        return {
            "start_round": self.start_round,
            "enter_paper": self.enter_paper,
            "enter_assisted_ballot": self.enter_assisted_ballot,
            "withdraw_entry": self.withdraw_entry,
            "set_display": self.set_display,
        }

    def cast_ballot(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee casts (or changes) a whole ballot: approvals, a ranking or points."""
        me = self.edge.attendee()
        round_id = valid.optional_id(data.get("round_id"), "round_id")
        request_id = valid.request_id(data.get("request_id"))
        pid = me.participant_id
        answer = self.app.rounds.cast_ballot(
            me.code, pid, round_id, data.get("choices"), request_id
        )
        return self.edge.own_vote(me, answer)

    def start_round(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Open a new round: every proposal, a shortlist, the top of a round, or a run-off."""
        ids = data.get("proposal_ids")
        wall_mode = data.get("wall_mode", "participation")
        answer = self.app.rounds.start_round(
            f.code,
            _method(data.get("method")),
            valid.request_id(data.get("request_id")),
            settings=_round_settings(data),
            proposal_ids=valid.proposal_ids(ids) if ids is not None else None,
            from_round=valid.optional_id(data.get("from_round"), "from_round"),
            top=valid.integer(data["top"], "number to take", 1, 50) if data.get("top") else None,
            runoff_of=valid.optional_id(data.get("runoff_of"), "runoff_of"),
            wall_mode=wall_mode if isinstance(wall_mode, str) else "",
            theme_id=valid.optional_id(data.get("theme_id"), "theme_id"),
            on_themes=valid.boolean(data.get("on_themes", False), "on_themes"),
        )
        return self.edge.answer(answer)

    def enter_paper(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Count a paper wall chart or a show of hands into the current round."""
        group = data.get("group") or ""
        answer = self.app.rounds.enter_paper(
            f.code,
            source if isinstance(source := data.get("source"), str) else "",
            group if isinstance(group, str) else "?",
            valid.integer(data.get("voters"), "number of people counted", 1, 5000),
            data.get("counts"),
            _note(data),
            valid.request_id(data.get("request_id")),
            by_number=_by_number(data),
        )
        return self.edge.answer(answer)

    def enter_assisted_ballot(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Count one ballot filled in on behalf of a person without a phone."""
        group = data.get("group") or ""
        answer = self.app.rounds.enter_assisted_ballot(
            f.code,
            group if isinstance(group, str) else "?",
            data.get("choices"),
            _note(data),
            valid.request_id(data.get("request_id")),
            by_number=_by_number(data),
        )
        return self.edge.answer(answer)

    def withdraw_entry(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Take back a paper count or assisted ballot entered by mistake."""
        kind = data.get("kind")
        if kind not in ("paper", "assisted"):
            raise InvalidInput("Say which kind of entry to take back: paper or assisted.")
        entry_id = valid.proposal_id(data.get("entry_id"), "entry_id", "entry")
        return self.edge.answer(self.app.rounds.withdraw_entry(f.code, kind, entry_id))

    def set_display(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Choose what the wall shows: results or participation; overall, by group or balanced."""
        wall_mode, view = data.get("wall_mode"), data.get("results_view")
        return self.edge.answer(
            self.app.rounds.set_display(
                f.code,
                wall_mode if isinstance(wall_mode, str) or wall_mode is None else "",
                view if isinstance(view, str) or view is None else "",
            )
        )
