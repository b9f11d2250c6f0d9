"""Queries of vote rounds: rounds, whole ballots, paper counts and the dot ledger per round."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, update

from .domain.rounds import Round, rules_from_json, rules_to_json
from .domain.tallies import Ballot, PaperCount
from .schema import ballots, paper_counts, participants, rounds, votes, workshops

# The round reads every join, vote and tally makes, written once with bind parameters:
# RoundQueries runs them through SQLAlchemy, hot_queries.FastTx prepared on the cursor.
ROUND_BY_ID = select(rounds).where(rounds.c.id == bindparam("id"))
ROUNDS_OF = (
    select(rounds).where(rounds.c.workshop_id == bindparam("workshop_id")).order_by(rounds.c.number)
)
DOT_BALLOTS = (
    select(
        votes.c.participant_id,
        participants.c.group_key,
        votes.c.proposal_id,
        func.sum(votes.c.points),
    )
    .select_from(votes.join(participants, participants.c.id == votes.c.participant_id))
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
DOT_VOTERS = (
    select(participants.c.group_key, func.count())
    .where(participants.c.id.in_(_VOTERS), participants.c.removed_at.is_(None))
    .group_by(participants.c.group_key)
)
DOT_SUMS = (
    select(participants.c.group_key, votes.c.proposal_id, func.sum(votes.c.points))
    .select_from(votes.join(participants, participants.c.id == votes.c.participant_id))
    .where(votes.c.round_id == bindparam("round_id"), participants.c.removed_at.is_(None))
    .group_by(participants.c.group_key, votes.c.proposal_id)
)
# The newest id of each append-only table in one statement (see tally_position).
TALLY_POSITION = select(
    *(
        select(func.coalesce(func.max(table.c.id), 0))
        .where(table.c.workshop_id == bindparam(f"w{n}"))
        .scalar_subquery()
        for n, table in enumerate((votes, ballots, paper_counts))
    )
)


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
    """Return one ballot per attendee from (participant, group, proposal, dots) rows."""
    by_person: dict[int, tuple[str | None, dict[int, int]]] = {}
    for participant_id, group_key, proposal_id, points in rows:
        if points:
            slot = by_person.setdefault(int(participant_id), (group_key or None, {}))
            slot[1][int(proposal_id)] = int(points)
    return [Ballot(group, dots) for group, dots in by_person.values() if dots]


def ballots_from_group_sums(people: Any, sums: Any) -> list[Ballot]:
    """Return one ballot per group from (group, voters) and (group, proposal, dots) rows."""
    dots: dict[str | None, dict[int, int]] = {}
    for group_key, proposal_id, points in sums:
        if points:
            dots.setdefault(group_key or None, {})[int(proposal_id)] = int(points)
    return [
        Ballot(group_key or None, dots.get(group_key or None, {}), people=int(count))
        for group_key, count in sorted(people, key=lambda row: row[0] or "")
        if count
    ]


def choices_to_json(choices: tuple[int, ...] | dict[int, int]) -> str:
    """Return a ballot's choices as stored: a list in order, or an object of counts."""
    if isinstance(choices, dict):
        return json.dumps({str(pid): n for pid, n in sorted(choices.items())})
    return json.dumps(list(choices))


class RoundQueries:
    """Mixed into Tx: reads and writes of rounds, ballots and paper counts."""

    conn: Connection

    # -- rounds ----------------------------------------------------------------

    def insert_round(
        self, workshop_id: int, round_: Round, now_ms: int, make_current: bool = True
    ) -> int:
        """Insert the workshop's next round and make it the current one; return its id."""
        number = self.conn.execute(
            select(func.coalesce(func.max(rounds.c.number), 0)).where(
                rounds.c.workshop_id == workshop_id
            )
        ).scalar_one()
        result = self.conn.execute(
            insert(rounds).values(
                workshop_id=workshop_id,
                number=int(number) + 1,
                method=round_.method.value,
                rules_json=rules_to_json(round_.rules),
                wall_mode=round_.wall_mode,
                runoff_of=round_.runoff_of,
                created_at=now_ms,
            )
        )
        round_id = int(result.inserted_primary_key[0])
        if make_current:
            self.conn.execute(
                update(workshops)
                .where(workshops.c.id == workshop_id)
                .values(current_round_id=round_id)
            )
        return round_id

    def round_by_id(self, round_id: int) -> Round:
        """Load one round."""
        return round_from_row(self.conn.execute(ROUND_BY_ID, {"id": round_id}).one())

    def rounds_of(self, workshop_id: int) -> list[Round]:
        """Return every round of the workshop, first first."""
        rows = self.conn.execute(ROUNDS_OF, {"workshop_id": workshop_id})
        return [round_from_row(row) for row in rows]

    def set_wall_mode(self, round_id: int, wall_mode: str) -> None:
        """Choose whether the wall shows a round's results live or only who has voted."""
        self.conn.execute(update(rounds).where(rounds.c.id == round_id).values(wall_mode=wall_mode))

    def set_results_view(self, workshop_id: int, view: str) -> None:
        """Choose what the wall shows of results: overall, by group or group-balanced."""
        self.conn.execute(
            update(workshops).where(workshops.c.id == workshop_id).values(results_view=view)
        )

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
        result = self.conn.execute(
            insert(ballots).values(
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
        )
        return int(result.inserted_primary_key[0])

    def my_ballot(
        self, participant_id: int, round_id: int
    ) -> tuple[int, ...] | dict[int, int] | None:
        """Return an attendee's current ballot in a round, or None if they have not voted."""
        row = self.conn.execute(
            select(ballots.c.choices_json)
            .where(ballots.c.round_id == round_id, ballots.c.participant_id == participant_id)
            .order_by(ballots.c.id.desc())
            .limit(1)
        ).first()
        return _choices_from_json(row.choices_json) if row else None

    def round_ballots(self, round_id: int) -> list[tuple[int, Ballot, str]]:
        """Return (id, ballot, note) for each counting whole ballot of a round.

        A phone's newest ballot stands for it; each assisted ballot stands alone.
        """
        rows = self.conn.execute(
            select(
                ballots.c.id,
                ballots.c.participant_id,
                ballots.c.source,
                ballots.c.choices_json,
                ballots.c.note,
                func.coalesce(participants.c.group_key, ballots.c.group_key).label("group_key"),
            )
            .select_from(
                ballots.outerjoin(participants, participants.c.id == ballots.c.participant_id)
            )
            .where(
                ballots.c.round_id == round_id,
                ballots.c.withdrawn.is_(False),
                participants.c.removed_at.is_(None),  # assisted ballots join no participant
            )
            .order_by(ballots.c.id)
        )
        newest: dict[object, tuple[int, Ballot, str]] = {}
        for row in rows:
            key = ("p", row.participant_id) if row.participant_id is not None else ("a", row.id)
            ballot = Ballot(row.group_key or None, _choices_from_json(row.choices_json), row.source)
            newest[key] = (int(row.id), ballot, row.note)
        return sorted(newest.values(), key=lambda item: item[0])

    def dot_sums(self, round_id: int) -> list[Ballot]:
        """Return each group's dots in a dot round as one ballot standing for its voters.

        Dots simply add up, so this counts the same as one ballot per person (a test
        checks it) while reading one row per group and proposal, not per person.
        """
        people = self.conn.execute(DOT_VOTERS, {"round_id": round_id}).all()
        sums = self.conn.execute(DOT_SUMS, {"round_id": round_id}).all()
        return ballots_from_group_sums(people, sums)

    def dot_ballots(self, round_id: int) -> list[Ballot]:
        """Return each attendee's dots in a dot round, as cast, as one ballot each."""
        return ballots_from_dot_rows(self.conn.execute(DOT_BALLOTS, {"round_id": round_id}))

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
        result = self.conn.execute(
            insert(paper_counts).values(
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
        )
        return int(result.inserted_primary_key[0])

    def round_paper(self, round_id: int) -> list[tuple[int, PaperCount, str]]:
        """Return (id, count, note) for each paper count of a round still standing."""
        rows = self.conn.execute(
            select(paper_counts)
            .where(paper_counts.c.round_id == round_id, paper_counts.c.withdrawn.is_(False))
            .order_by(paper_counts.c.id)
        )
        found = []
        for row in rows:
            counts = _choices_from_json(row.counts_json)
            assert isinstance(counts, dict)
            paper = PaperCount(row.group_key or None, int(row.voters), counts, row.source)
            found.append((int(row.id), paper, row.note))
        return found

    def count_entries(self, round_id: int) -> int:
        """Return how many paper counts and assisted ballots were typed into a round."""
        total = 0
        for table in (paper_counts, ballots):
            query = select(func.count()).where(table.c.round_id == round_id)
            if table is ballots:
                query = query.where(ballots.c.participant_id.is_(None))
            total += int(self.conn.execute(query).scalar_one())
        return total

    def withdraw_entry(self, kind: str, entry_id: int, round_id: int) -> bool:
        """Withdraw a paper count or an assisted ballot of this round; say if one was found."""
        table = paper_counts if kind == "paper" else ballots
        query = update(table).where(
            table.c.id == entry_id, table.c.round_id == round_id, table.c.withdrawn.is_(False)
        )
        if kind != "paper":
            query = query.where(ballots.c.participant_id.is_(None))
        return self.conn.execute(query.values(withdrawn=True)).rowcount == 1

    def archive_rounds(self, workshop_id: int, rounds: list[dict[str, Any]]) -> None:
        """Keep an imported workshop's round results as they were exported."""
        self.conn.execute(
            update(workshops)
            .where(workshops.c.id == workshop_id)
            .values(archived_rounds_json=json.dumps(rounds) if rounds else None)
        )

    def archived_rounds(self, workshop_id: int) -> list[dict[str, Any]]:
        """Return the round results an imported workshop came with ([] for a live one)."""
        found = self.conn.execute(
            select(workshops.c.archived_rounds_json).where(workshops.c.id == workshop_id)
        ).scalar()
        return json.loads(found) if found else []

    def tally_position(self, workshop_id: int) -> int:
        """Return a number that grows with every vote, ballot or paper count in the workshop.

        The ids of the three append-only tables only grow, so their sum does too; a
        client keeps the newest tally by it (withdrawing an entry changes the tally
        without growing it, which clients accept because they keep equal versions).
        """
        ids = {f"w{n}": workshop_id for n in range(3)}
        return sum(int(found) for found in self.conn.execute(TALLY_POSITION, ids).one())
