"""Statements of the duty of care: proposals held for review and private words to the facilitator.

Both live in tables of their own (never in `proposals`), so a snapshot, a tally or an
export cannot show them by mistake; only the statements here read them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func, select

from workshop.domain.review import HeldProposal, HeldStatus, Hold
from workshop.store.prepared import Prepared, Runner, inserting, updating
from workshop.store.schema import held_proposals, private_words

_W: Any = bindparam("workshop_id")
INSERT_HELD = inserting(
    held_proposals,
    "workshop_id",
    "participant_id",
    "text",
    "status",
    "kind",
    "reason",
    "mark_start",
    "mark_end",
    "created_at",
)
HELD_OF = Prepared(
    select(held_proposals).where(held_proposals.c.workshop_id == _W).order_by(held_proposals.c.id)
)
FIND_HELD = Prepared(
    select(held_proposals).where(
        held_proposals.c.id == bindparam("id"), held_proposals.c.workshop_id == _W
    )
)
MY_HELD = Prepared(
    select(held_proposals.c.id, held_proposals.c.text)
    .where(held_proposals.c.participant_id == bindparam("participant_id"))
    .order_by(held_proposals.c.id)
)
COUNT_HELD_BY = Prepared(
    select(func.count().label("n")).where(
        held_proposals.c.participant_id == bindparam("participant_id")
    )
)
SET_STATUS = updating(held_proposals, "id", "status")
DELETE_HELD = Prepared(held_proposals.delete().where(held_proposals.c.id == bindparam("id")))
INSERT_WORD = inserting(
    private_words, "workshop_id", "participant_id", "message", "whereabouts", "created_at"
)
WORDS_OF = Prepared(
    select(private_words).where(private_words.c.workshop_id == _W).order_by(private_words.c.id)
)
COUNT_WORDS_BY = Prepared(
    select(func.count().label("n")).where(
        private_words.c.participant_id == bindparam("participant_id")
    )
)
DELETE_WORD = Prepared(
    private_words.delete().where(
        private_words.c.id == bindparam("id"), private_words.c.workshop_id == _W
    )
)
DELETE_WORDS_OF = Prepared(private_words.delete().where(private_words.c.workshop_id == _W))
DELETE_WORDS_BEFORE = Prepared(
    private_words.delete().where(private_words.c.created_at < bindparam("cutoff"))
)


def _held(row: Any) -> HeldProposal:
    return HeldProposal(
        id=row.id,
        text=row.text,
        participant_id=row.participant_id,
        status=HeldStatus(row.status),
        kind=row.kind,
        reason=row.reason,
        start=row.mark_start,
        end=row.mark_end,
        created_at=row.created_at,
    )


class CareStatements:
    """Reads and writes of the review queue and of private words."""

    def __init__(self, run: Runner) -> None:
        self.run = run

    # -- held proposals ------------------------------------------------------------

    def insert_held(
        self, workshop_id: int, participant_id: int, text: str, hold: Hold, now_ms: int
    ) -> int:
        """Put a new proposal in the facilitator's queue and return its id."""
        return self.run.insert(
            INSERT_HELD,
            workshop_id=workshop_id,
            participant_id=participant_id,
            text=text,
            status=HeldStatus.HELD.value,
            kind=hold.kind,
            reason=hold.reason,
            mark_start=hold.start,
            mark_end=hold.end,
            created_at=now_ms,
        )

    def held_of(self, workshop_id: int) -> list[HeldProposal]:
        """Return the workshop's held and declined proposals, oldest first."""
        return [_held(row) for row in self.run.rows(HELD_OF, workshop_id=workshop_id)]

    def find_held(self, workshop_id: int, held_id: int) -> HeldProposal | None:
        """Return one held proposal of this workshop, or None."""
        row = self.run.first(FIND_HELD, id=held_id, workshop_id=workshop_id)
        return _held(row) if row else None

    def my_held(self, participant_id: int) -> list[tuple[int, str]]:
        """Return an author's proposals still waiting (held or declined) as (id, text)."""
        rows = self.run.rows(MY_HELD, participant_id=participant_id)
        return [(row.id, row.text) for row in rows]

    def count_held_by(self, participant_id: int) -> int:
        """Return how many of an attendee's proposals are waiting or declined."""
        return int(self.run.value(COUNT_HELD_BY, participant_id=participant_id))

    def set_held_status(self, held_id: int, status: HeldStatus) -> None:
        """Decline a held proposal, or put a declined one back in the queue."""
        self.run.change(SET_STATUS, key_id=held_id, set_status=status.value)

    def delete_held(self, held_id: int) -> None:
        """Forget a held proposal once it is approved (it is a proposal now)."""
        self.run.change(DELETE_HELD, id=held_id)

    # -- private words -------------------------------------------------------------

    def insert_private_word(
        self, workshop_id: int, participant_id: int, message: str, whereabouts: str, now_ms: int
    ) -> int:
        """Keep a private word for the facilitator and return its id."""
        return self.run.insert(
            INSERT_WORD,
            workshop_id=workshop_id,
            participant_id=participant_id,
            message=message,
            whereabouts=whereabouts,
            created_at=now_ms,
        )

    def private_words_of(self, workshop_id: int) -> list[Any]:
        """Return the workshop's private words, oldest first, as rows."""
        return self.run.rows(WORDS_OF, workshop_id=workshop_id)

    def count_private_words_by(self, participant_id: int) -> int:
        """Return how many private words an attendee has sent that are still kept."""
        return int(self.run.value(COUNT_WORDS_BY, participant_id=participant_id))

    def delete_private_word(self, workshop_id: int, word_id: int) -> bool:
        """Erase one private word of this workshop; say whether there was one."""
        return bool(self.run.change(DELETE_WORD, id=word_id, workshop_id=workshop_id))

    def delete_private_words_of(self, workshop_id: int) -> int:
        """Erase every private word of a workshop; return how many."""
        return int(self.run.change(DELETE_WORDS_OF, workshop_id=workshop_id))

    def delete_private_words_before(self, cutoff_ms: int) -> int:
        """Erase private words older than the cutoff in every workshop; return how many."""
        return int(self.run.change(DELETE_WORDS_BEFORE, cutoff=cutoff_ms))
