"""Votes arriving together commit in one transaction; each is answered after the commit."""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.flows import workshop_with_proposals
from tests.test_running_tallies import assert_sums_equal_recount
from workshop.domain.errors import Conflict, WorkshopError
from workshop.store.board import BoardStatements
from workshop.store.commands import CommandStatements
from workshop.store.engine import Store
from workshop.store.transaction import Tx
from workshop.store.workshops import WorkshopStatements
from workshop.usecases import UseCases
from workshop.usecases.batching import Batcher
from workshop.usecases.counting import count_round


@pytest.fixture
def batched(tmp_path: Path) -> Any:
    store = Store(f"sqlite:///{tmp_path / 'batch.sqlite3'}")
    service = UseCases.build(store, join_url_for=lambda code: code)
    # Long enough for every thread below to queue its vote behind the first.
    service.core.batcher = Batcher(store, threading.Event, lambda: time.sleep(0.2))
    commits: list[int] = []
    opened = store.transaction

    @contextmanager
    def counted() -> Any:
        with opened() as tx:
            yield tx
        commits.append(1)

    store.transaction = counted  # type: ignore[method-assign]
    yield service, commits
    store.close()


def at_once(calls: list[Any]) -> list[Any]:
    """Run the calls on threads started together; return each one's answer or error."""
    found: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        try:
            found[index] = calls[index]()
        except (WorkshopError, OSError) as error:
            found[index] = error

    threads = [threading.Thread(target=run, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return found


def test_votes_arriving_together_share_a_commit_and_a_refusal_spoils_none_of_the_others(
    batched: Any,
) -> None:
    service, commits = batched
    code, people, ids = workshop_with_proposals(service, ["One", "Two"], attendees=6)
    vote = service.workshops.cast_vote
    calls = [
        *(lambda p=p: vote(code, p, ids[0], 2, "same") for p in people[:5]),
        lambda: vote(code, people[5], ids[0], 9, "too-many"),  # over the budget of 5
        lambda: vote(code, people[0], ids[0], 2, "same"),  # a retry, in the same batch
    ]
    commits.clear()
    answers = at_once(calls)

    assert len(commits) < len(calls)  # batched: fewer commits than votes
    assert [a.ack["ok"] for a in answers[:5]] == [True] * 5
    assert isinstance(answers[5], WorkshopError)
    assert answers[6].ack == answers[0].ack  # the retry gets the first answer, counts once
    with service.core.store.transaction() as tx:
        workshop = service.core.workshop_in(tx, code)
        round_ = service.core.current_round(tx, workshop)
        counted = count_round(tx, round_, tx.board.proposals(workshop.id), recount=True)
    assert counted.result.totals[ids[0]] == 10
    assert counted.result.voters == 5


def test_a_failed_commit_answers_every_vote_of_the_batch_with_the_error_and_counts_none(
    batched: Any,
) -> None:
    service, _ = batched
    store = service.core.store
    code, people, ids = workshop_with_proposals(service, ["One"], attendees=3)
    working = store.transaction

    @contextmanager
    def failing() -> Any:
        with working() as tx:
            yield tx
            raise OSError("disk full")  # as a failed COMMIT: nothing of it is written

    store.transaction = failing
    answers = at_once(
        [lambda p=p: service.workshops.cast_vote(code, p, ids[0], 1, "v") for p in people]
    )
    store.transaction = working
    assert all(isinstance(answer, OSError) for answer in answers), answers
    assert service.audiences.snapshot(code, "facilitator")["tally"]["totals"][str(ids[0])] == 0
    # Each phone retries its vote with the same request id: it counts once.
    for person in people:
        assert service.workshops.cast_vote(code, person, ids[0], 1, "v").ack["ok"]
    assert service.audiences.snapshot(code, "facilitator")["tally"]["totals"][str(ids[0])] == 3


def test_a_vote_failing_after_its_writes_leaves_no_trace_and_the_others_count(
    batched: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, commits = batched
    code, people, ids = workshop_with_proposals(service, ["One"], attendees=4)
    real = CommandStatements.record_answer

    def record_answer(self: Any, actor: str, request_id: str, *rest: Any) -> None:
        if request_id == "breaks":  # after its ledger row and running sums are written
            raise OSError("lost between the vote and its answer")
        real(self, actor, request_id, *rest)

    monkeypatch.setattr(CommandStatements, "record_answer", record_answer)
    vote = service.workshops.cast_vote
    commits.clear()
    answers = at_once(
        [lambda p=p: vote(code, p, ids[0], 1, "fine") for p in people[:3]]
        + [lambda: vote(code, people[3], ids[0], 2, "breaks")]
    )
    assert len(commits) < len(answers)  # they did share a transaction
    assert [a.ack["ok"] for a in answers[:3]] == [True] * 3
    assert isinstance(answers[3], OSError)
    tally = service.audiences.snapshot(code, "facilitator")["tally"]
    assert tally["totals"][str(ids[0])] == 3 and tally["voters"] == 3
    assert_sums_equal_recount(service, code)  # the sums were undone too


def test_a_batch_runs_without_savepoints_unless_a_vote_fails_after_writing(
    batched: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, commits = batched
    code, people, ids = workshop_with_proposals(service, ["One"], attendees=4)
    savepoints: list[int] = []
    real_savepoint = Tx.savepoint
    monkeypatch.setattr(Tx, "savepoint", lambda tx: savepoints.append(1) or real_savepoint(tx))
    vote = service.workshops.cast_vote
    commits.clear()
    answers = at_once(
        [lambda p=p: vote(code, p, ids[0], 1, "a") for p in people[:3]]
        + [lambda: vote(code, people[3], ids[0], 9, "over")]  # refused by its checks
    )
    assert [a.ack["ok"] for a in answers[:3]] == [True] * 3
    assert isinstance(answers[3], WorkshopError)
    assert len(commits) < len(answers) and savepoints == []  # shared, and no savepoint

    real_record = CommandStatements.record_answer

    def record_answer(self: Any, actor: str, request_id: str, *rest: Any) -> None:
        if request_id == "breaks":  # a refusal after its ledger row and sums are written
            raise Conflict("Refused at the last moment.")
        real_record(self, actor, request_id, *rest)

    monkeypatch.setattr(CommandStatements, "record_answer", record_answer)
    answers = at_once(
        [lambda p=p: vote(code, p, ids[0], 1, "b") for p in people[:3]]
        + [lambda: vote(code, people[3], ids[0], 1, "breaks")]
    )
    assert [a.ack["ok"] for a in answers[:3]] == [True] * 3
    assert isinstance(answers[3], Conflict)
    assert len(savepoints) >= len(answers)  # run again, each vote in a savepoint
    tally = service.audiences.snapshot(code, "facilitator")["tally"]
    assert tally["totals"][str(ids[0])] == 6 and tally["voters"] == 3  # each counted once
    assert_sums_equal_recount(service, code)


def test_the_votes_of_a_batch_read_the_workshop_and_its_ideas_once_between_them(
    batched: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    service, commits = batched
    code, people, ids = workshop_with_proposals(service, ["One", "Two"], attendees=5)
    reads: list[str] = []
    for cls, name in ((WorkshopStatements, "find_workshop"), (BoardStatements, "proposals")):
        real = getattr(cls, name)
        monkeypatch.setattr(
            cls, name, lambda *a, real=real, name=name, **k: reads.append(name) or real(*a, **k)
        )
    vote = service.workshops.cast_vote
    commits.clear()
    answers = at_once([lambda p=p: vote(code, p, ids[p % 2], 1, "v") for p in people])
    assert [a.ack["ok"] for a in answers] == [True] * 5
    assert len(commits) < len(people)
    # One read of each per transaction, not one per vote.
    assert reads.count("find_workshop") == len(commits)
    assert reads.count("proposals") == len(commits)
    # An ordinary transaction still reads afresh: the snapshot sees all five votes.
    assert service.audiences.snapshot(code, "facilitator")["tally"]["voters"] == 5
