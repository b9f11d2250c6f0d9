"""Use cases of the duty of care: the review queue, private words, pre-moderation, the pause.

Each loads, applies a rule, saves in one transaction and returns events, like the
other use cases; private words never travel as events (the coalescer and every
snapshot stay blind to them): the real-time edge sends them to facilitators itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workshop.domain import stages
from workshop.domain.errors import N_, LimitReached, NotFound, WrongStage
from workshop.domain.model import Stage, Workshop
from workshop.domain.review import HeldProposal, HeldStatus
from workshop.store.engine import Tx
from workshop.usecases.core import Core
from workshop.usecases.events import (
    Answer,
    ConsoleChanged,
    Event,
    PersonalChanged,
    StateChanged,
    TallyChanged,
)

MAX_PRIVATE_WORDS_PER_ATTENDEE = 5
NEED_TO_TALK = N_("I need to talk to someone.")
UNKNOWN_HELD = N_(
    "That idea is not waiting for review any more: it may have been approved already."
)
CLOSED_FOR_WORDS = N_(
    "This workshop has closed, so messages are no longer kept: "
    "please speak to the facilitator or a member of staff in the room."
)


class Care:
    """What keeps people safe in the room, over the core use cases and their store."""

    def __init__(self, core: Core) -> None:
        self.core = core

    def _change(self, code: str, change: Callable[[Tx, Workshop], Answer]) -> Answer:
        """Apply a facilitator's change to the locked workshop in one transaction."""
        with self.core.store.transaction() as tx:
            workshop = self.core.workshop_in(tx, code, for_update=True)
            return change(tx, workshop)

    def _held(self, tx: Tx, workshop: Workshop, held_id: int) -> HeldProposal:
        held = tx.care.find_held(workshop.id, held_id)
        if held is None:
            raise NotFound(UNKNOWN_HELD)
        return held

    # -- the review queue ------------------------------------------------------------

    def approve(self, code: str, held_id: int, text: str | None = None) -> Answer:
        """Share a held (or declined) proposal, as written or as the facilitator edited it."""

        def change(tx: Tx, workshop: Workshop) -> Answer:
            stages.require_not_closed(workshop.stage)
            held = self._held(tx, workshop, held_id)
            now = self.core.clock()
            proposal_id = tx.board.insert_proposal(
                workshop.id, held.participant_id, text or held.text, now
            )
            tx.care.delete_held(held.id)
            tx.workshops.bump_version(workshop.id, now)
            events: list[Event] = [StateChanged(workshop.id, code), TallyChanged(workshop.id, code)]
            if held.participant_id is not None:
                events.append(PersonalChanged(workshop.id, code, (held.participant_id,)))
            return Answer({"ok": True, "proposal_id": proposal_id}, events)

        return self._change(code, change)

    def decline(self, code: str, held_id: int) -> Answer:
        """Keep a held proposal from every wall, phone and export; its author is not told."""

        def change(tx: Tx, workshop: Workshop) -> Answer:
            held = self._held(tx, workshop, held_id)
            tx.care.set_held_status(held.id, HeldStatus.DECLINED)
            tx.workshops.bump_version(workshop.id, self.core.clock())
            return Answer({"ok": True}, [ConsoleChanged(workshop.id, code)])

        return self._change(code, change)

    def set_languages(self, code: str, language: str, wall_language2: str | None) -> Answer:
        """Change the workshop's language and the wall's second one (None: one language)."""

        def change(tx: Tx, workshop: Workshop) -> Answer:
            workshop.language = language
            workshop.wall_language2 = wall_language2 if wall_language2 != language else None
            tx.workshops.save_workshop(workshop, self.core.clock())
            return Answer({"ok": True}, [StateChanged(workshop.id, code)])

        return self._change(code, change)

    def set_pre_moderation(self, code: str, on: bool) -> Answer:
        """Hold every new proposal for review, or share clean ones at once again.

        Turning it off shares nothing by itself: what is waiting keeps waiting.
        """

        def change(tx: Tx, workshop: Workshop) -> Answer:
            workshop.pre_moderation = on
            tx.workshops.save_workshop(workshop, self.core.clock())
            return Answer({"ok": True}, [StateChanged(workshop.id, code)])

        return self._change(code, change)

    def pause_wall(self, code: str, paused: bool) -> Answer:
        """Blank the wall ("We'll be back in a moment"), or bring it back."""

        def change(tx: Tx, workshop: Workshop) -> Answer:
            workshop.wall_paused = paused
            tx.workshops.save_workshop(workshop, self.core.clock())
            return Answer({"ok": True}, [StateChanged(workshop.id, code)])

        return self._change(code, change)

    # -- a private word ----------------------------------------------------------------

    def send_private_word(
        self, code: str, participant_id: int, message: str, whereabouts: str, request_id: str
    ) -> Answer:
        """Keep an attendee's private word for the facilitator; nothing else ever shows it."""

        def command(tx: Tx) -> Answer:
            workshop = self.core.workshop_in(tx, code)
            if workshop.stage is Stage.CLOSED:
                raise WrongStage(CLOSED_FOR_WORDS)
            tx.attendees.lock_participant(participant_id)
            if tx.care.count_private_words_by(participant_id) >= MAX_PRIVATE_WORDS_PER_ATTENDEE:
                raise LimitReached(
                    "The facilitator already has your messages: "
                    "please find them in the room, or ask a member of staff."
                )
            now = self.core.clock()
            tx.care.insert_private_word(workshop.id, participant_id, message, whereabouts, now)
            return Answer({"ok": True}, [])

        return self.core.once(f"p:{participant_id}", request_id, command)

    def private_words(self, code: str) -> list[dict[str, Any]]:
        """Return the workshop's private words, oldest first, for its facilitators only."""
        with self.core.store.transaction() as tx:
            workshop = self.core.workshop_in(tx, code)
            return [
                {
                    "id": row.id,
                    "message": row.message or NEED_TO_TALK,
                    "whereabouts": row.whereabouts,
                    "created_at": row.created_at,
                }
                for row in tx.care.private_words_of(workshop.id)
            ]

    def dismiss_private_word(self, code: str, word_id: int) -> Answer:
        """Erase a private word the facilitator has dealt with."""
        with self.core.store.transaction() as tx:
            workshop = self.core.workshop_in(tx, code)
            if not tx.care.delete_private_word(workshop.id, word_id):
                raise NotFound("That message has already been dealt with and erased.")
        return Answer({"ok": True}, [])
