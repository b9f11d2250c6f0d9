"""Socket handlers of the duty of care: the review queue, private words, pre-moderation, the pause.

A private word goes straight to the facilitators' room, never through the coalescer
or a snapshot, and no handler here logs what anyone wrote.
"""

from __future__ import annotations

from typing import Any

from workshop.domain import languages
from workshop.domain import validation as valid
from workshop.live.bindings import Binding, room
from workshop.live.edge import Edge
from workshop.usecases import UseCases
from workshop.usecases.events import PRIVATE_WORDS_CHANGED

MAX_WORD_LENGTH = 280
MAX_WHEREABOUTS_LENGTH = 120
HELD_THING = "idea waiting for review"


class CareHandlers:
    """Validate a duty-of-care command's payload, run its use case, answer with an ack."""

    def __init__(self, edge: Edge, app: UseCases) -> None:
        self.edge = edge
        self.app = app
        edge.on_bound.append(self._bound)

    def commands(self) -> dict[str, Any]:
        """The attendees' commands this module answers, by event name."""
        return {"send_private_word": self.send_private_word}

    def facilitator_commands(self) -> dict[str, Any]:
        """The facilitator's commands this module answers, by event name."""
        return {
            "approve_proposal": self.approve_proposal,
            "decline_proposal": self.decline_proposal,
            "set_pre_moderation": self.set_pre_moderation,
            "set_languages": self.set_languages,
            "pause_wall": self.pause_wall,
            "dismiss_private_word": self.dismiss_private_word,
        }

    def _bound(self, binding: Binding, sid: str) -> None:
        if binding.role == "facilitator":  # private words wait for a console to open
            self.tell_private_words(binding.code, sid)

    def tell_private_words(self, code: str, to: str, new_id: int | None = None) -> None:
        """Send the workshop's private words to a facilitator's connection or their room."""
        words = self.app.care.private_words(code)
        self.edge.socketio.emit(PRIVATE_WORDS_CHANGED, {"words": words, "new_id": new_id}, to=to)

    def send_private_word(self, data: dict[str, Any]) -> dict[str, Any]:
        """An attendee tells the facilitator privately; only the facilitators' room hears it."""
        me = self.edge.attendee()
        message = valid.clean_text(
            data.get("message", ""), "message", MAX_WORD_LENGTH, required=False
        )
        whereabouts = valid.clean_text(
            data.get("whereabouts", ""), "way to find you", MAX_WHEREABOUTS_LENGTH, required=False
        )
        request_id = valid.request_id(data.get("request_id"))
        care, code = self.app.care, me.code
        answer = care.send_private_word(code, me.participant_id, message, whereabouts, request_id)
        words = care.private_words(me.code)
        newest = words[-1]["id"] if words else None
        self.tell_private_words(me.code, room(me.code, "facilitator"), newest)
        return answer.ack

    def dismiss_private_word(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """The facilitator has dealt with a private word: erase it, and tell every console."""
        word_id = valid.proposal_id(data.get("word_id"), "word_id", "message")
        answer = self.app.care.dismiss_private_word(f.code, word_id)
        self.tell_private_words(f.code, room(f.code, "facilitator"))
        return answer.ack

    def approve_proposal(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Share a held proposal (edited first if `text` is given) with the wall and phones."""
        held_id = valid.proposal_id(data.get("held_id"), "held_id", HELD_THING)
        text = None
        if data.get("text") is not None:
            text = valid.clean_text(data.get("text"), "proposal", valid.MAX_PROPOSAL_LENGTH)
        return self.edge.answer(self.app.care.approve(f.code, held_id, text))

    def decline_proposal(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Keep a held proposal from everyone; its author's phone still says it is looked at."""
        held_id = valid.proposal_id(data.get("held_id"), "held_id", HELD_THING)
        return self.edge.answer(self.app.care.decline(f.code, held_id))

    def set_languages(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Change the workshop's language and the wall's second language."""
        language = languages.language(data.get("language"))
        second = languages.optional_language(data.get("wall_language2"), "wall_language2")
        return self.edge.answer(self.app.care.set_languages(f.code, language, second))

    def set_pre_moderation(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Hold every new proposal for review, or stop doing so."""
        on = valid.boolean(data.get("on"), "on")
        return self.edge.answer(self.app.care.set_pre_moderation(f.code, on))

    def pause_wall(self, f: Binding, data: dict[str, Any]) -> dict[str, Any]:
        """Blank the wall, or bring it back."""
        paused = valid.boolean(data.get("paused"), "paused")
        return self.edge.answer(self.app.care.pause_wall(f.code, paused))
