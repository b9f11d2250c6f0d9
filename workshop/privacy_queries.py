"""Queries that forget people: token replacement, deleting a workshop, erasing attendees."""

from __future__ import annotations

from sqlalchemy import Connection, func, select, update

from .schema import (
    actions,
    ballots,
    command_log,
    paper_counts,
    participants,
    proposals,
    rounds,
    volunteers,
    votes,
    workshops,
)


class PrivacyQueries:
    """The part of a transaction that deletes and erases."""

    conn: Connection

    def set_token_hash(self, workshop_id: int, token_hash: str) -> None:
        """Replace the stored hash of the facilitator token."""
        self.conn.execute(
            update(workshops).where(workshops.c.id == workshop_id).values(token_hash=token_hash)
        )

    def delete_workshop(self, workshop_id: int) -> None:
        """Delete a workshop and everything in it, children before parents."""
        people = select(participants.c.id).where(participants.c.workshop_id == workshop_id)
        action_ids = select(actions.c.id).where(actions.c.workshop_id == workshop_id)
        self._erase_commands(workshop_id)
        self.delete_facilitation(workshop_id)  # type: ignore[attr-defined]  # FacilitationQueries, in the same Tx
        self.conn.execute(volunteers.delete().where(volunteers.c.action_id.in_(action_ids)))
        self.conn.execute(
            update(actions)
            .where(actions.c.workshop_id == workshop_id)
            .values(carried_from=None, merged_into=None)
        )
        # Later meetings keep their copies of this meeting's actions and priorities.
        self.conn.execute(
            update(actions).where(actions.c.carried_from.in_(action_ids)).values(carried_from=None)
        )
        own = select(proposals.c.id).where(proposals.c.workshop_id == workshop_id)
        self.conn.execute(
            update(proposals).where(proposals.c.origin_id.in_(own)).values(origin_id=None)
        )
        self.conn.execute(actions.delete().where(actions.c.workshop_id == workshop_id))
        self.conn.execute(votes.delete().where(votes.c.workshop_id == workshop_id))
        self.conn.execute(ballots.delete().where(ballots.c.workshop_id == workshop_id))
        self.conn.execute(paper_counts.delete().where(paper_counts.c.workshop_id == workshop_id))
        self.conn.execute(
            update(workshops).where(workshops.c.id == workshop_id).values(current_round_id=None)
        )
        self.conn.execute(
            update(rounds).where(rounds.c.workshop_id == workshop_id).values(runoff_of=None)
        )
        self.conn.execute(rounds.delete().where(rounds.c.workshop_id == workshop_id))
        self.conn.execute(
            update(proposals).where(proposals.c.workshop_id == workshop_id).values(merged_into=None)
        )
        self.conn.execute(proposals.delete().where(proposals.c.workshop_id == workshop_id))
        self.conn.execute(participants.delete().where(participants.c.id.in_(people)))
        self.conn.execute(
            update(workshops).where(workshops.c.follows_id == workshop_id).values(follows_id=None)
        )
        self.conn.execute(
            update(workshops)
            .where(workshops.c.series_root_id == workshop_id)
            .values(series_root_id=None)
        )
        self.conn.execute(workshops.delete().where(workshops.c.id == workshop_id))

    def _erase_commands(self, workshop_id: int) -> None:
        people = (
            self.conn.execute(
                select(participants.c.id).where(participants.c.workshop_id == workshop_id)
            )
            .scalars()
            .all()
        )
        code = self.conn.execute(
            select(workshops.c.code).where(workshops.c.id == workshop_id)
        ).scalar_one()
        actors = [f"p:{pid}" for pid in people] + [f"f:{code}"]
        for start in range(0, len(actors), 500):
            self.conn.execute(
                command_log.delete().where(command_log.c.actor.in_(actors[start : start + 500]))
            )

    def erase_attendees(self, workshop_id: int) -> int:
        """Forget who took part (names, device ids, request logs); keep the plan's numbers."""
        self._erase_commands(workshop_id)
        found = (
            self.conn.execute(
                select(participants.c.id).where(
                    participants.c.workshop_id == workshop_id,
                    ~participants.c.device_id.startswith("erased-"),
                )
            )
            .scalars()
            .all()
        )
        for pid in found:
            self.conn.execute(
                update(participants)
                .where(participants.c.id == pid)
                .values(name=None, device_id=f"erased-{pid}")
            )
        action_ids = select(actions.c.id).where(actions.c.workshop_id == workshop_id)
        self.conn.execute(
            update(volunteers).where(volunteers.c.action_id.in_(action_ids)).values(show_name=False)
        )
        # A note typed with an assisted ballot or a paper count may name the person helped.
        for table in (ballots, paper_counts):
            self.conn.execute(
                update(table).where(table.c.workshop_id == workshop_id).values(note="")
            )
        return len(found)

    def closed_before(self, cutoff_ms: int) -> list[int]:
        """Return the ids of workshops closed (and unchanged) since before the cutoff."""
        return list(
            self.conn.execute(
                select(workshops.c.id).where(
                    workshops.c.stage == "closed",
                    func.coalesce(workshops.c.updated_at, workshops.c.created_at) < cutoff_ms,
                )
            ).scalars()
        )
