"""Held for review: the step of submitting a proposal that keeps it for the facilitator's queue.

Apart from the care use cases so that submitting a proposal (usecases/workshops.py)
can call it without importing them.
"""

from __future__ import annotations

from workshop.domain.model import Workshop
from workshop.domain.review import hold_for
from workshop.store.engine import Tx
from workshop.usecases.events import Answer, ConsoleChanged, PersonalChanged


def hold_if_needed(
    tx: Tx, workshop: Workshop, participant_id: int, text: str, now_ms: int, this_year: int
) -> Answer | None:
    """Put a new proposal in the review queue if it must wait, and answer; None to share it.

    Only the facilitators' snapshot and the author's own `me` change: phones and walls
    are not even sent a new snapshot.
    """
    hold = hold_for(text, workshop.pre_moderation, this_year)
    if hold is None:
        return None
    held_id = tx.care.insert_held(workshop.id, participant_id, text, hold, now_ms)
    tx.workshops.bump_version(workshop.id, now_ms)
    return Answer(
        {"ok": True, "proposal_id": None, "held": True, "held_id": held_id},
        [
            ConsoleChanged(workshop.id, workshop.code),
            PersonalChanged(workshop.id, workshop.code, (participant_id,)),
        ],
    )
