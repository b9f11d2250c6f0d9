"""Votes that arrive together are committed together, each still answered after the commit.

A SQLite commit writes the pages a transaction touched to the log; a burst of votes
touches the same few pages (the ledger's tail, the round's sums), so one commit for
the votes read in one turn of the event loop writes them once instead of once per
vote. A refused vote (no dots left) changes nothing and the others still count; a
retry of a request in the same batch finds the first one's answer, as it would after
its commit. Nothing is answered before the commit: if the commit fails, every vote of
the batch is answered with the error and none counted, so a phone's retry counts once.

A vote is refused by its checks, which all come before its first write, so a batch
first runs its votes without savepoints (two statements fewer per vote). Only if a
vote fails after writing something, or the database itself raised (which on
PostgreSQL spoils the rest of the transaction), is that attempt rolled back whole and
the batch run again with each vote in a savepoint of its own.

The votes of a batch also share their reads of what no vote changes (the workshop, its
round, its ideas and actions: Core.read_once), so a batch of ten reads them once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from workshop.domain.errors import WorkshopError
from workshop.store.engine import Store, Tx
from workshop.usecases.events import Answer

MOST = 64  # votes in one transaction: a burst of thousands still commits every few ms


class _Vote:
    """One caller's work and, once its batch is committed (or failed), its outcome."""

    def __init__(self, work: Callable[[Tx], Answer], done: Any) -> None:
        self.work = work
        self.done = done  # an Event of the server's kind (green or OS threads)
        self.answer: Answer | None = None
        self.error: BaseException | None = None
        self.leads = False  # woken to commit the next batch rather than with an outcome


class Batcher:
    """Collects the votes that arrive in one turn of the event loop into one transaction."""

    def __init__(
        self, store: Store, make_event: Callable[[], Any], pause: Callable[[], None]
    ) -> None:
        self.store = store
        self.make_event = make_event
        self.pause = pause  # gives the other handlers of this turn their go (sleep(0))
        self._lock = threading.Lock()
        self._queue: list[_Vote] = []
        self._leading = False

    def run(self, work: Callable[[Tx], Answer]) -> Answer:
        """Run work in the next batch's transaction; return its answer after the commit."""
        vote = _Vote(work, self.make_event())
        with self._lock:
            self._queue.append(vote)
            leads = vote.leads = not self._leading
            self._leading = True
        if not leads:
            vote.done.wait()
        if vote.leads:
            self._lead(vote)
        if vote.error is not None:
            raise vote.error
        assert vote.answer is not None
        return vote.answer

    def _lead(self, mine: _Vote) -> None:
        """Commit batches until this caller's vote is in one, then hand over the lead."""
        self.pause()  # the votes read in this turn of the event loop queue up meanwhile
        while True:
            with self._lock:
                batch, self._queue = self._queue[:MOST], self._queue[MOST:]
            self._commit(batch)
            if mine in batch:
                break
        with self._lock:
            if self._queue:  # someone is waiting: they lead the next batch
                self._queue[0].leads = True
                self._queue[0].done.set()
            else:
                self._leading = False

    def _commit(self, batch: list[_Vote]) -> None:
        try:
            try:
                self._attempt(batch, savepoints=False)
            except _Spoilt:  # nothing of that attempt was committed: again, more carefully
                self._attempt(batch, savepoints=True)
        except Exception as error:  # the commit failed: none of the batch counted
            for vote in batch:
                if vote.error is None:
                    vote.answer, vote.error = None, error
        for vote in batch:
            vote.leads = False
            vote.done.set()

    def _attempt(self, batch: list[_Vote], savepoints: bool) -> None:
        """Run the batch's votes in one transaction and commit it.

        Without savepoints, a vote that fails after writing (or by a database error)
        raises _Spoilt, rolling the whole attempt back.
        """
        with self.store.transaction() as tx:
            tx.shared = {}  # a vote changes no workshop, round, idea or action
            for vote in batch:
                vote.answer, vote.error = None, None
                writes = tx.writes()
                try:
                    if savepoints:
                        with tx.savepoint():
                            vote.answer = vote.work(tx)
                    else:
                        vote.answer = vote.work(tx)
                except WorkshopError as refusal:
                    if not savepoints and tx.writes() != writes:
                        raise _Spoilt() from refusal
                    vote.error = refusal  # this vote only: the others still count
                except Exception as error:
                    if not savepoints:
                        raise _Spoilt() from error
                    vote.error = error


class _Spoilt(Exception):
    """A vote failed part-way through a batch run without savepoints."""
