"""What every use case shares: the store, the clock, finding a workshop, one-shot commands.

Each feature's use cases are a small object that receives a Core (and whatever other
feature it needs) when the app is built; see usecases/__init__.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

from workshop.domain.actions import Action
from workshop.domain.errors import UNKNOWN_WORKSHOP, Conflict, Forbidden, NotFound
from workshop.domain.model import Proposal, Workshop
from workshop.domain.rounds import Round
from workshop.domain.tokens import token_matches
from workshop.store.engine import IntegrityError, Store, Tx
from workshop.usecases.events import Answer, Event, StateChanged

if TYPE_CHECKING:
    from workshop.usecases.batching import Batcher


T = TypeVar("T")

ALREADY_HANDLED = "That request was already handled: refresh to see the result."


def now_ms() -> int:
    """Return the wall-clock time in epoch milliseconds."""
    return int(time.time() * 1000)


@dataclass(frozen=True)
class Created:
    """What the organiser needs after creating a workshop; the token is shown only once."""

    code: str
    token: str


class Core:
    """The store, the clock and the lookups every use case needs."""

    def __init__(
        self,
        store: Store,
        join_url_for: Callable[[str], str],
        clock: Callable[[], int] = now_ms,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.store = store
        self.join_url_for = join_url_for
        self.clock = clock
        self.today = today
        # Set by the real-time edge: votes arriving together commit in one transaction.
        self.batcher: Batcher | None = None

    def workshop_in(self, tx: Tx, code: str, for_update: bool = False) -> Workshop:
        """Return the workshop with this code inside tx, or refuse with a sentence."""
        workshop = tx.workshops.find_workshop(code, for_update=for_update)
        if workshop is None:
            raise NotFound(UNKNOWN_WORKSHOP)
        return workshop

    def read_once(self, tx: Tx, key: tuple[Any, ...], load: Callable[[], T]) -> T:
        """Return load(), shared within a transaction that set tx.shared.

        Only for what the transaction does not change (the workshop, its round, ideas
        and actions): a batch of votes, a join (its snapshot and the attendee's own
        view), and the own views the phones' lane reads together each read it once.
        Elsewhere it is read every time.
        """
        if tx.shared is None:
            return load()
        if key not in tx.shared:
            tx.shared[key] = load()
        found: T = tx.shared[key]  # stored by this key's load
        return found

    def round_once(self, tx: Tx, workshop: Workshop, among: list[Round] | None = None) -> Round:
        """Return the workshop's current round, read once where tx shares its reads.

        among: the workshop's rounds when the caller has read them already.
        """

        def load() -> Round:
            if among is None:
                return self.current_round(tx, workshop)
            return next(round_ for round_ in among if round_.id == workshop.current_round_id)

        return self.read_once(tx, ("round", workshop.id), load)

    def proposals_once(self, tx: Tx, workshop_id: int) -> dict[int, Proposal]:
        """Return the workshop's ideas, read once where tx shares its reads."""
        return self.read_once(
            tx, ("proposals", workshop_id), lambda: tx.board.proposals(workshop_id)
        )

    def actions_once(self, tx: Tx, workshop_id: int) -> dict[int, Action]:
        """Return the workshop's actions, read once where tx shares its reads."""
        return self.read_once(tx, ("actions", workshop_id), lambda: tx.plans.actions(workshop_id))

    def find_workshop(self, code: str) -> Workshop | None:
        """Return the workshop with this code, or None."""
        with self.store.transaction() as tx:
            return tx.workshops.find_workshop(code)

    def current_round(self, tx: Tx, workshop: Workshop) -> Round:
        """Return the round the workshop is voting in (or last voted in)."""
        assert workshop.current_round_id is not None  # every workshop is made with round 1
        return tx.rounds.round_by_id(workshop.current_round_id)

    def check_facilitator(self, code: str, token: str) -> int:
        """Return the workshop id if the token is this workshop's, or refuse."""
        with self.store.transaction() as tx:
            workshop = tx.workshops.find_workshop(code)
            if workshop is None or not token_matches(token, tx.workshops.token_hash(workshop.id)):
                raise Forbidden(
                    "That facilitator link is not valid for this workshop: "
                    "use the link you were given when you created it."
                )
            return workshop.id

    def once(self, actor: str, request_id: str, command: Callable[[Tx], Answer]) -> Answer:
        """Run command in one transaction unless this request was already answered."""
        for _attempt in range(2):
            try:
                with self.store.transaction() as tx:
                    return self._answer(tx, actor, request_id, command)
            except IntegrityError:
                continue  # the same request won a race on another connection: replay it
        raise Conflict(ALREADY_HANDLED)

    def once_batched(self, actor: str, request_id: str, command: Callable[[Tx], Answer]) -> Answer:
        """Like once, but in the transaction of the votes arriving together (batching.py)."""
        if self.batcher is None:
            return self.once(actor, request_id, command)
        try:
            return self.batcher.run(lambda tx: self._answer(tx, actor, request_id, command))
        except IntegrityError:
            return self.once(actor, request_id, command)  # a race lost: replay on its own

    def _answer(
        self, tx: Tx, actor: str, request_id: str, command: Callable[[Tx], Answer]
    ) -> Answer:
        previous = tx.commands.find_answer(actor, request_id)
        if previous is not None:
            return Answer(previous, [])
        answer = command(tx)
        tx.commands.record_answer(actor, request_id, answer.ack, self.clock())
        return answer

    def facilitator_change(
        self, code: str, change: Callable[[Tx, Workshop], list[Event]]
    ) -> Answer:
        """Apply a facilitator's change to the locked workshop in one transaction."""
        with self.store.transaction() as tx:
            workshop = self.workshop_in(tx, code, for_update=True)
            events = change(tx, workshop)
            return Answer({"ok": True}, [StateChanged(workshop.id, code), *events])
