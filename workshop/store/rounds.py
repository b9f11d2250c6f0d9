"""Statements about vote rounds: rounds, whole ballots, paper counts, the dot ledger per round."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import bindparam, func, select, update

from workshop.domain.rounds import Round, rules_from_json, rules_to_json
from workshop.domain.tallies import Ballot, PaperCount
from workshop.store.prepared import Prepared, Runner, inserting, updating
from workshop.store.schema import ballots, paper_counts, participants, rounds, votes, workshops

ROUND_BY_ID = Prepared(select(rounds).where(rounds.c.id == bindparam("id")))
ROUNDS_OF = Prepared(
    select(rounds).where(rounds.c.workshop_id == bindparam("workshop_id")).order_by(rounds.c.number)
)
NEXT_NUMBER = Prepared(
    select((func.coalesce(func.max(rounds.c.number), 0) + 1).label("n")).where(
        rounds.c.workshop_id == bindparam("workshop_id")
    )
)
INSERT_ROUND = inserting(
    rounds, "workshop_id", "number", "method", "rules_json", "wall_mode", "runoff_of", "created_at"
)
MAKE_CURRENT = updating(workshops, "id", "current_round_id")
SET_WALL_MODE = updating(rounds, "id", "wall_mode")
DOT_BALLOTS = Prepared(
    select(
        votes.c.participant_id,
        participants.c.group_key,
        votes.c.proposal_id,
        func.sum(votes.c.points).label("points"),
    )
    .select_from(votes.join(participants, participants.c.id == votes.c.participant_id))
    # A removed attendee's votes stop counting (and count again if they are brought back).
    .where(votes.c.round_id == bindparam("round_id"), participants.c.removed_at.is_(None))
    .group_by(votes.c.participant_id, participants.c.group_key, votes.c.proposal_id)
    .order_by(votes.c.participant_id)
)
_VOTERS = (
    select(votes.c.participant_id)
    .where(votes.c.round_id == bindparam("round_id"))
    .group_by(votes.c.participant_id)
    .having(func.sum(votes.c.points) > 0)
)
DOT_VOTERS = Prepared(
    select(participants.c.group_key, func.count().label("voters"))
    .where(participants.c.id.in_(_VOTERS), participants.c.removed_at.is_(None))
    .group_by(participants.c.group_key)
)
DOT_SUMS = Prepared(
    select(participants.c.group_key, votes.c.proposal_id, func.sum(votes.c.points).label("points"))
    .select_from(votes.join(participants, participants.c.id == votes.c.participant_id))
    .where(votes.c.round_id == bindparam("round_id"), participants.c.removed_at.is_(None))
    .group_by(participants.c.group_key, votes.c.proposal_id)
)
INSERT_BALLOT = inserting(
    ballots,
    "workshop_id",
    "round_id",
    "participant_id",
    "group_key",
    "source",
    "choices_json",
    "note",
    "withdrawn",
    "created_at",
)
MY_BALLOT = Prepared(
    select(ballots.c.choices_json)
    .where(
        ballots.c.round_id == bindparam("round_id"),
        ballots.c.participant_id == bindparam("participant_id"),
    )
    .order_by(ballots.c.id.desc())
    .limit(1)
)
ROUND_BALLOTS = Prepared(
    select(
        ballots.c.id,
        ballots.c.participant_id,
        ballots.c.source,
        ballots.c.choices_json,
        ballots.c.note,
        func.coalesce(participants.c.group_key, ballots.c.group_key).label("group_key"),
    )
    .select_from(ballots.outerjoin(participants, participants.c.id == ballots.c.participant_id))
    .where(
        ballots.c.round_id == bindparam("round_id"),
        ballots.c.withdrawn.is_(False),
        participants.c.removed_at.is_(None),  # assisted ballots join no attendee: NULL
    )
    .order_by(ballots.c.id)
)
INSERT_PAPER = inserting(
    paper_counts,
    "workshop_id",
    "round_id",
    "source",
    "group_key",
    "voters",
    "counts_json",
    "note",
    "withdrawn",
    "created_at",
)
ROUND_PAPER = Prepared(
    select(paper_counts)
    .where(paper_counts.c.round_id == bindparam("round_id"), paper_counts.c.withdrawn.is_(False))
    .order_by(paper_counts.c.id)
)
COUNT_ENTRIES = Prepared(
    select(
        select(func.count())
        .where(paper_counts.c.round_id == bindparam("r0"))
        .scalar_subquery()
        .label("paper"),
        select(func.count())
        .where(ballots.c.round_id == bindparam("r1"), ballots.c.participant_id.is_(None))
        .scalar_subquery()
        .label("assisted"),
    )
)
_STANDING = {"withdrawn": True}
WITHDRAW_PAPER = Prepared(
    update(paper_counts)
    .where(
        paper_counts.c.id == bindparam("entry_id"),
        paper_counts.c.round_id == bindparam("round_id"),
        paper_counts.c.withdrawn.is_(False),
    )
    .values(_STANDING)
)
WITHDRAW_ASSISTED = Prepared(
    update(ballots)
    .where(
        ballots.c.id == bindparam("entry_id"),
        ballots.c.round_id == bindparam("round_id"),
        ballots.c.withdrawn.is_(False),
        ballots.c.participant_id.is_(None),
    )
    .values(_STANDING)
)


def _newest(*tables: Any) -> Prepared:
    """Return one statement reading the newest id of each table in a workshop (w0, w1...)."""
    return Prepared(
        select(
            *(
                select(func.coalesce(func.max(table.c.id), 0))
                .where(table.c.workshop_id == bindparam(f"w{n}"))
                .scalar_subquery()
                .label(f"newest_{table.name}")
                for n, table in enumerate(tables)
            )
        )
    )


# The newest id of each append-only table (see tally_position), and the same without
# the ledger (a vote's own row stands in for it: Workshops._position_after).
TALLY_POSITION = _newest(votes, ballots, paper_counts)
NEWEST_ENTRIES = _newest(ballots, paper_counts)


def round_from_row(row: Any) -> Round:
    """Return the Round a database row describes."""
    return Round(
        row.id,
        row.number,
        rules_from_json(row.method, row.rules_json),
        row.wall_mode,
        row.runoff_of,
    )


def _choices_from_json(text: str) -> tuple[int, ...] | dict[int, int]:
    data = json.loads(text)
    if isinstance(data, dict):
        return {int(pid): int(n) for pid, n in data.items()}
    return tuple(int(pid) for pid in data)


def ballots_from_dot_rows(rows: Any) -> list[Ballot]:
    """Return one ballot per attendee from (participant_id, group_key, proposal_id, points) rows."""
    by_person: dict[int, tuple[str | None, dict[int, int]]] = {}
    for row in rows:
        if row.points:
            slot = by_person.setdefault(int(row.participant_id), (row.group_key or None, {}))
            slot[1][int(row.proposal_id)] = int(row.points)
    return [Ballot(group, dots) for group, dots in by_person.values() if dots]


def ballots_from_group_sums(people: Any, sums: Any) -> list[Ballot]:
    """Return one ballot per group from (group_key, voters) and (group_key, proposal_id, points)."""
    dots: dict[str | None, dict[int, int]] = {}
    for row in sums:
        if row.points:
            dots.setdefault(row.group_key or None, {})[int(row.proposal_id)] = int(row.points)
    return [
        Ballot(row.group_key or None, dots.get(row.group_key or None, {}), people=int(row.voters))
        for row in sorted(people, key=lambda row: row.group_key or "")
        if row.voters
    ]


def choices_to_json(choices: tuple[int, ...] | dict[int, int]) -> str:
    """Return a ballot's choices as stored: a list in order, or an object of counts."""
    if isinstance(choices, dict):
        return json.dumps({str(pid): n for pid, n in sorted(choices.items())})
    return json.dumps(list(choices))


class RoundStatements:
    """Reads and writes of rounds, whole ballots, paper counts and the per-round dot ledger."""

    def __init__(self, run: Runner) -> None:
        self.run = run

    def insert_round(
        self, workshop_id: int, round_: Round, now_ms: int, make_current: bool = True
    ) -> int:
        """Insert the workshop's next round and make it the current one; return its id."""
        number = int(self.run.value(NEXT_NUMBER, workshop_id=workshop_id))
        round_id = self.run.insert(
            INSERT_ROUND,
            workshop_id=workshop_id,
            number=number,
            method=round_.method.value,
            rules_json=rules_to_json(round_.rules),
            wall_mode=round_.wall_mode,
            runoff_of=round_.runoff_of,
            created_at=now_ms,
        )
        if make_current:
            self.run.change(MAKE_CURRENT, key_id=workshop_id, set_current_round_id=round_id)
        return round_id

    def set_current_round(self, workshop_id: int, round_id: int) -> None:
        """Make an earlier (or later) round the one phones, wall and console show."""
        self.run.change(MAKE_CURRENT, key_id=workshop_id, set_current_round_id=round_id)

    def round_by_id(self, round_id: int) -> Round:
        """Load one round."""
        return round_from_row(self.run.one(ROUND_BY_ID, id=round_id))

    def rounds_of(self, workshop_id: int) -> list[Round]:
        """Return every round of the workshop, first first."""
        return [round_from_row(row) for row in self.run.rows(ROUNDS_OF, workshop_id=workshop_id)]

    def set_wall_mode(self, round_id: int, wall_mode: str) -> None:
        """Choose whether the wall shows a round's results live or only who has voted."""
        self.run.change(SET_WALL_MODE, key_id=round_id, set_wall_mode=wall_mode)

    # -- ballots ---------------------------------------------------------------

    def insert_ballot(
        self,
        workshop_id: int,
        round_id: int,
        participant_id: int | None,
        group: str | None,
        source: str,
        choices: tuple[int, ...] | dict[int, int],
        note: str,
        now_ms: int,
    ) -> int:
        """Append a ballot; a phone's newest one in a round replaces its earlier ones."""
        return self.run.insert(
            INSERT_BALLOT,
            workshop_id=workshop_id,
            round_id=round_id,
            participant_id=participant_id,
            group_key=group,
            source=source,
            choices_json=choices_to_json(choices),
            note=note,
            withdrawn=False,
            created_at=now_ms,
        )

    def my_ballot(
        self, participant_id: int, round_id: int
    ) -> tuple[int, ...] | dict[int, int] | None:
        """Return an attendee's current ballot in a round, or None if they have not voted."""
        found = self.run.value(MY_BALLOT, round_id=round_id, participant_id=participant_id)
        return _choices_from_json(found) if found else None

    def round_ballots(self, round_id: int) -> list[tuple[int, Ballot, str]]:
        """Return (id, ballot, note) for each counting whole ballot of a round.

        A phone's newest ballot stands for it; each assisted ballot stands alone.
        """
        newest: dict[object, tuple[int, Ballot, str]] = {}
        for row in self.run.rows(ROUND_BALLOTS, round_id=round_id):
            key = ("p", row.participant_id) if row.participant_id is not None else ("a", row.id)
            ballot = Ballot(row.group_key or None, _choices_from_json(row.choices_json), row.source)
            newest[key] = (int(row.id), ballot, row.note)
        return sorted(newest.values(), key=lambda item: item[0])

    def dot_sums(self, round_id: int) -> list[Ballot]:
        """Return each group's dots in a dot round as one ballot standing for its voters.

        Dots simply add up, so this counts the same as one ballot per person (a test
        checks it) while reading one row per group and proposal, not per person.
        """
        people = self.run.rows(DOT_VOTERS, round_id=round_id)
        return ballots_from_group_sums(people, self.run.rows(DOT_SUMS, round_id=round_id))

    def dot_ballots(self, round_id: int) -> list[Ballot]:
        """Return each attendee's dots in a dot round, as cast, as one ballot each."""
        return ballots_from_dot_rows(self.run.rows(DOT_BALLOTS, round_id=round_id))

    # -- paper counts ----------------------------------------------------------

    def insert_paper(
        self,
        workshop_id: int,
        round_id: int,
        source: str,
        group: str | None,
        voters: int,
        counts: dict[int, int],
        note: str,
        now_ms: int,
    ) -> int:
        """Record a wall chart or a show of hands; return its id."""
        return self.run.insert(
            INSERT_PAPER,
            workshop_id=workshop_id,
            round_id=round_id,
            source=source,
            group_key=group,
            voters=voters,
            counts_json=choices_to_json(counts),
            note=note,
            withdrawn=False,
            created_at=now_ms,
        )

    def round_paper(self, round_id: int) -> list[tuple[int, PaperCount, str]]:
        """Return (id, count, note) for each paper count of a round still standing."""
        found = []
        for row in self.run.rows(ROUND_PAPER, round_id=round_id):
            counts = _choices_from_json(row.counts_json)
            assert isinstance(counts, dict)  # paper counts are stored as {proposal: n}
            paper = PaperCount(row.group_key or None, int(row.voters), counts, row.source)
            found.append((int(row.id), paper, row.note))
        return found

    def count_entries(self, round_id: int) -> int:
        """Return how many paper counts and assisted ballots were typed into a round."""
        row = self.run.one(COUNT_ENTRIES, r0=round_id, r1=round_id)
        return int(row.paper) + int(row.assisted)

    def withdraw_entry(self, kind: str, entry_id: int, round_id: int) -> bool:
        """Withdraw a paper count or an assisted ballot of this round; say if one was found."""
        statement = WITHDRAW_PAPER if kind == "paper" else WITHDRAW_ASSISTED
        return self.run.change(statement, entry_id=entry_id, round_id=round_id) == 1

    def tally_position(self, workshop_id: int) -> int:
        """Return a number that grows with every vote, ballot or paper count in the workshop.

        The ids of the three append-only tables only grow, so their sum does too; a
        client keeps the newest tally by it (withdrawing an entry changes the tally
        without growing it, which clients accept because they keep equal versions).
        """
        ids = {f"w{n}": workshop_id for n in range(3)}
        return sum(int(found) for found in self.run.one(TALLY_POSITION, **ids))

    def position_beside_ledger(self, workshop_id: int) -> int:
        """Return the part of tally_position that is not the ledger's (ballots, paper)."""
        ids = {f"w{n}": workshop_id for n in range(2)}
        return sum(int(found) for found in self.run.one(NEWEST_ENTRIES, **ids))
