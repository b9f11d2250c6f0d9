"""Statements of the duty of care: proposals held for review and private words to the facilitator.

Both live in tables of their own (never in `proposals`), so a snapshot, a tally or an
export cannot show them by mistake; only the queries here read them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from .domain.review import HeldProposal, HeldStatus, Hold
from .schema import held_proposals, private_words


def _held_from_row(row: Any) -> HeldProposal:
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


class CareQueries:
    """The part of a transaction that keeps held proposals and private words."""

    conn: Connection

    # -- held proposals ----------------------------------------------------------

    def insert_held(
        self, workshop_id: int, participant_id: int, text: str, hold: Hold, now_ms: int
    ) -> int:
        """Put a new proposal in the facilitator's queue and return its id."""
        result = self.conn.execute(
            insert(held_proposals).values(
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
        )
        return int(result.inserted_primary_key[0])

    def held_of(self, workshop_id: int) -> list[HeldProposal]:
        """Return the workshop's held and declined proposals, oldest first."""
        rows = self.conn.execute(
            select(held_proposals)
            .where(held_proposals.c.workshop_id == workshop_id)
            .order_by(held_proposals.c.id)
        )
        return [_held_from_row(row) for row in rows]

    def find_held(self, workshop_id: int, held_id: int) -> HeldProposal | None:
        """Return one held proposal of this workshop, or None."""
        row = self.conn.execute(
            select(held_proposals).where(
                held_proposals.c.id == held_id, held_proposals.c.workshop_id == workshop_id
            )
        ).first()
        return _held_from_row(row) if row else None

    def my_held(self, participant_id: int) -> list[tuple[int, str]]:
        """Return an author's proposals still waiting (held or declined) as (id, text)."""
        rows = self.conn.execute(
            select(held_proposals.c.id, held_proposals.c.text)
            .where(held_proposals.c.participant_id == participant_id)
            .order_by(held_proposals.c.id)
        )
        return [(row.id, row.text) for row in rows]

    def count_held_by(self, participant_id: int) -> int:
        """Return how many of an attendee's proposals are waiting or declined."""
        query = select(func.count()).where(held_proposals.c.participant_id == participant_id)
        return int(self.conn.execute(query).scalar_one())

    def set_held_status(self, held_id: int, status: HeldStatus) -> None:
        """Decline a held proposal, or put a declined one back in the queue."""
        self.conn.execute(
            update(held_proposals)
            .where(held_proposals.c.id == held_id)
            .values(status=status.value)
        )

    def delete_held(self, held_id: int) -> None:
        """Forget a held proposal once it is approved (it is a proposal now)."""
        self.conn.execute(delete(held_proposals).where(held_proposals.c.id == held_id))

    def delete_held_of(self, workshop_id: int) -> int:
        """Forget every held and declined proposal of a workshop; return how many."""
        result = self.conn.execute(
            delete(held_proposals).where(held_proposals.c.workshop_id == workshop_id)
        )
        return int(result.rowcount or 0)

    # -- private words -------------------------------------------------------------

    def insert_private_word(
        self, workshop_id: int, participant_id: int, message: str, whereabouts: str, now_ms: int
    ) -> int:
        """Keep a private word for the facilitator and return its id."""
        result = self.conn.execute(
            insert(private_words).values(
                workshop_id=workshop_id,
                participant_id=participant_id,
                message=message,
                whereabouts=whereabouts,
                created_at=now_ms,
            )
        )
        return int(result.inserted_primary_key[0])

    def private_words_of(self, workshop_id: int) -> list[Any]:
        """Return the workshop's private words, oldest first, as rows."""
        return list(
            self.conn.execute(
                select(private_words)
                .where(private_words.c.workshop_id == workshop_id)
                .order_by(private_words.c.id)
            )
        )

    def count_private_words_by(self, participant_id: int) -> int:
        """Return how many private words an attendee has sent that are still kept."""
        query = select(func.count()).where(private_words.c.participant_id == participant_id)
        return int(self.conn.execute(query).scalar_one())

    def delete_private_word(self, workshop_id: int, word_id: int) -> bool:
        """Erase one private word of this workshop; say whether there was one."""
        result = self.conn.execute(
            delete(private_words).where(
                private_words.c.id == word_id, private_words.c.workshop_id == workshop_id
            )
        )
        return bool(result.rowcount)

    def delete_private_words_of(self, workshop_id: int) -> int:
        """Erase every private word of a workshop; return how many."""
        result = self.conn.execute(
            delete(private_words).where(private_words.c.workshop_id == workshop_id)
        )
        return int(result.rowcount or 0)

    def delete_private_words_before(self, cutoff_ms: int) -> int:
        """Erase private words older than the cutoff in every workshop; return how many."""
        result = self.conn.execute(
            delete(private_words).where(private_words.c.created_at < cutoff_ms)
        )
        return int(result.rowcount or 0)
