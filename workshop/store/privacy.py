"""Statements that forget people: deleting a workshop, erasing attendees, finding old workshops."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Text, bindparam, cast, func, literal, select, update

from workshop.store.prepared import Prepared, Runner
from workshop.store.schema import (
    actions,
    ballots,
    command_log,
    dot_sums,
    dot_voters,
    facilitation,
    head_counts,
    held_proposals,
    paper_counts,
    participants,
    private_words,
    proposals,
    rounds,
    theme_suggestions,
    themes,
    volunteers,
    votes,
    workshops,
)

_W: Any = bindparam("workshop_id")
_PEOPLE = select(participants.c.id).where(participants.c.workshop_id == _W)
_ACTIONS = select(actions.c.id).where(actions.c.workshop_id == _W)
_ROUNDS = select(rounds.c.id).where(rounds.c.workshop_id == _W)
_OWN_PROPOSALS = select(proposals.c.id).where(proposals.c.workshop_id == _W)
# Commands are logged per actor: "p:<participant id>" for phones, "f:<code>" for the console.
ERASE_COMMANDS = Prepared(
    command_log.delete().where(
        command_log.c.actor.in_(
            select(literal("p:") + cast(participants.c.id, Text)).where(
                participants.c.workshop_id == _W
            )
        )
        | (
            command_log.c.actor
            == literal("f:")
            + select(workshops.c.code).where(workshops.c.id == _W).scalar_subquery()
        )
    )
)
# Deleting a workshop: children before parents; later meetings keep their own copies.
DELETE_WORKSHOP = tuple(
    Prepared(statement)
    for statement in (
        theme_suggestions.delete().where(theme_suggestions.c.workshop_id == _W),
        facilitation.delete().where(facilitation.c.workshop_id == _W),
        update(proposals).where(proposals.c.workshop_id == _W).values(theme_id=None),
        themes.delete().where(themes.c.workshop_id == _W),
        volunteers.delete().where(volunteers.c.action_id.in_(_ACTIONS)),
        update(actions)
        .where(actions.c.workshop_id == _W)
        .values(carried_from=None, merged_into=None),
        update(actions).where(actions.c.carried_from.in_(_ACTIONS)).values(carried_from=None),
        update(proposals).where(proposals.c.origin_id.in_(_OWN_PROPOSALS)).values(origin_id=None),
        actions.delete().where(actions.c.workshop_id == _W),
        held_proposals.delete().where(held_proposals.c.workshop_id == _W),
        private_words.delete().where(private_words.c.workshop_id == _W),
        votes.delete().where(votes.c.workshop_id == _W),
        dot_sums.delete().where(dot_sums.c.round_id.in_(_ROUNDS)),
        dot_voters.delete().where(dot_voters.c.round_id.in_(_ROUNDS)),
        ballots.delete().where(ballots.c.workshop_id == _W),
        paper_counts.delete().where(paper_counts.c.workshop_id == _W),
        update(workshops).where(workshops.c.id == _W).values(current_round_id=None),
        update(rounds).where(rounds.c.workshop_id == _W).values(runoff_of=None),
        rounds.delete().where(rounds.c.workshop_id == _W),
        update(proposals).where(proposals.c.workshop_id == _W).values(merged_into=None),
        proposals.delete().where(proposals.c.workshop_id == _W),
        participants.delete().where(participants.c.workshop_id == _W),
        head_counts.delete().where(head_counts.c.workshop_id == _W),
        update(workshops).where(workshops.c.follows_id == _W).values(follows_id=None),
        update(workshops).where(workshops.c.series_root_id == _W).values(series_root_id=None),
        workshops.delete().where(workshops.c.id == _W),
    )
)
ERASE_NAMES = Prepared(
    update(participants)
    .where(participants.c.workshop_id == _W, ~participants.c.device_id.startswith("erased-"))
    .values(name=None, device_id=literal("erased-") + cast(participants.c.id, Text))
)
HIDE_HELPER_NAMES = Prepared(
    update(volunteers).where(volunteers.c.action_id.in_(_ACTIONS)).values(show_name=False)
)
# A note typed with an assisted ballot or a paper count may name the person helped;
# held and declined proposals may hold the very details they were held for.
ERASE_NOTES = tuple(
    Prepared(update(table).where(table.c.workshop_id == _W).values(note=""))
    for table in (ballots, paper_counts)
) + tuple(
    Prepared(table.delete().where(table.c.workshop_id == _W))
    for table in (held_proposals, private_words)
)
CLOSED_BEFORE = Prepared(
    select(workshops.c.id).where(
        workshops.c.stage == "closed",
        func.coalesce(workshops.c.updated_at, workshops.c.created_at) < bindparam("cutoff"),
    )
)


class PrivacyStatements:
    """Deletes and erasures."""

    def __init__(self, run: Runner) -> None:
        self.run = run

    def delete_workshop(self, workshop_id: int) -> None:
        """Delete a workshop and everything in it, children before parents."""
        self.run.change(ERASE_COMMANDS, workshop_id=workshop_id)
        for statement in DELETE_WORKSHOP:
            self.run.change(statement, workshop_id=workshop_id)

    def erase_attendees(self, workshop_id: int) -> int:
        """Forget who took part (names, device ids, request logs); keep the plan's numbers."""
        self.run.change(ERASE_COMMANDS, workshop_id=workshop_id)
        erased = self.run.change(ERASE_NAMES, workshop_id=workshop_id)
        self.run.change(HIDE_HELPER_NAMES, workshop_id=workshop_id)
        for statement in ERASE_NOTES:
            self.run.change(statement, workshop_id=workshop_id)
        return erased

    def closed_before(self, cutoff_ms: int) -> list[int]:
        """Return the ids of workshops closed (and unchanged) since before the cutoff."""
        return [int(row.id) for row in self.run.rows(CLOSED_BEFORE, cutoff=cutoff_ms)]
