"""Socket handlers of the duty of care: the review queue, private words, pre-moderation, the pause.

A mixin of Realtime: it relies on its care service, socketio, _attendee and _answer.
A private word goes straight to the facilitators' room, never through the coalescer
or a snapshot, and no handler here logs what anyone wrote.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_socketio import SocketIO

from workshop.domain import validation as valid
from workshop.live.bindings import Binding, room
from workshop.usecases.care import CareService
from workshop.usecases.events import PRIVATE_WORDS_CHANGED

MAX_WORD_LENGTH = 280
MAX_WHEREABOUTS_LENGTH = 120


class CareHandlers:
    """Validate a duty-of-care command's payload, run its use case, answer with an ack."""

    care: CareService
    socketio: SocketIO
    _attendee: Callable[[], Binding]
    _answer: Callable[..., dict[str, Any]]

    def tell_private_words(self, code: str, to: str, new_id: int | None = None) -> None:
        """Send the workshop's private words to a facilitator's connection or their room."""
        words = self.care.private_words(code)
        self.socketio.emit(PRIVATE_WORDS_CHANGED, {"words": words, "new_id": new_id}, to=to)

    def send_private_word(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee tells the facilitator privately; only the facilitators' room hears it."""
        me = self._attendee()
        message = valid.clean_text(
            data.get("message", ""), "message", MAX_WORD_LENGTH, required=False
        )
        whereabouts = valid.clean_text(
            data.get("whereabouts", ""), "way to find you", MAX_WHEREABOUTS_LENGTH, required=False
        )
        request_id = valid.request_id(data.get("request_id"))
        pid: int = me.participant_id  # type: ignore[assignment]
        answer = self.care.send_private_word(me.code, pid, message, whereabouts, request_id)
        words = self.care.private_words(me.code)
        newest = words[-1]["id"] if words else None
        self.socketio.emit(
            PRIVATE_WORDS_CHANGED,
            {"words": words, "new_id": newest},
            to=room(me.code, "facilitator"),
        )
        return answer.ack

    def dismiss_private_word(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """The facilitator has dealt with a private word: erase it, and tell every console."""
        word_id = valid.proposal_id(data.get("word_id"), "word_id", "message")
        answer = self.care.dismiss_private_word(f.code, word_id)
        self.tell_private_words(f.code, room(f.code, "facilitator"))
        return answer.ack

    def approve_proposal(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Share a held proposal (edited first if `text` is given) with the wall and phones."""
        held_id = valid.proposal_id(data.get("held_id"), "held_id", "idea waiting for review")
        text = None
        if data.get("text") is not None:
            text = valid.clean_text(data.get("text"), "proposal", valid.MAX_PROPOSAL_LENGTH)
        return self._answer(self.care.approve(f.code, held_id, text))

    def decline_proposal(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Keep a held proposal from everyone; its author's phone still says it is looked at."""
        held_id = valid.proposal_id(data.get("held_id"), "held_id", "idea waiting for review")
        return self._answer(self.care.decline(f.code, held_id))

    def set_pre_moderation(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Hold every new proposal for review, or stop doing so."""
        on = valid.boolean(data.get("on"), "on")
        return self._answer(self.care.set_pre_moderation(f.code, on))

    def pause_wall(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Blank the wall, or bring it back."""
        paused = valid.boolean(data.get("paused"), "paused")
        return self._answer(self.care.pause_wall(f.code, paused))
