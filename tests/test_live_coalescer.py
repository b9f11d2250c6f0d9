"""The coalescer: many changes per workshop become at most one of each broadcast per flush."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop.live.coalescer import Coalescer, Dirty
from workshop.usecases.events import (
    AttendanceChanged,
    Event,
    PersonalChanged,
    StateChanged,
    TallyChanged,
    WorkshopClosed,
)

quick = settings(database=None, deadline=None, max_examples=200)


def flags(dirty: Dirty) -> tuple[bool, bool, bool, set[int]]:
    return (dirty.state, dirty.tally, dirty.attendance, dirty.people)


def owed(taken: dict[str, Dirty]) -> dict[str, tuple[bool, bool, bool, set[int]]]:
    """Return what each workshop is owed, leaving out entries that owe nothing."""
    return {
        code: flags(dirty)
        for code, dirty in taken.items()
        if dirty.state or dirty.tally or dirty.attendance or dirty.people
    }


def test_nothing_marked_nothing_taken() -> None:
    assert Coalescer().take() == {}


def test_each_kind_of_change_sets_its_own_flag() -> None:
    coalescer = Coalescer()
    coalescer.mark([StateChanged(1, "AAAAAA")])
    coalescer.mark([TallyChanged(2, "BBBBBB")])
    coalescer.mark([AttendanceChanged(3, "CCCCCC")])
    coalescer.mark([PersonalChanged(4, "DDDDDD", (7, 9))])
    assert owed(coalescer.take()) == {
        "AAAAAA": (True, False, False, set()),
        "BBBBBB": (False, True, False, set()),
        "CCCCCC": (False, False, True, set()),
        "DDDDDD": (False, False, False, {7, 9}),
    }


def test_a_burst_of_votes_owes_one_tally() -> None:
    coalescer = Coalescer()
    for _ in range(500):
        coalescer.mark([TallyChanged(1, "AAAAAA"), PersonalChanged(1, "AAAAAA", (5,))])
    taken = coalescer.take()
    assert list(taken) == ["AAAAAA"]
    assert flags(taken["AAAAAA"]) == (False, True, False, {5})


def test_the_people_owed_a_fresh_me_add_up_across_changes() -> None:
    coalescer = Coalescer()
    coalescer.mark([PersonalChanged(1, "AAAAAA", (1, 2))])
    coalescer.mark([PersonalChanged(1, "AAAAAA", (2, 3)), PersonalChanged(1, "AAAAAA", ())])
    assert coalescer.take()["AAAAAA"].people == {1, 2, 3}


def test_workshops_are_kept_apart() -> None:
    coalescer = Coalescer()
    coalescer.mark([StateChanged(1, "AAAAAA"), PersonalChanged(2, "BBBBBB", (4,))])
    taken = coalescer.take()
    assert flags(taken["AAAAAA"]) == (True, False, False, set())
    assert flags(taken["BBBBBB"]) == (False, False, False, {4})


def test_a_closed_workshop_owes_no_broadcast() -> None:
    # Closing exports files; the edge handles that itself, not through a broadcast.
    coalescer = Coalescer()
    coalescer.mark([WorkshopClosed(1, "AAAAAA")])
    assert owed(coalescer.take()) == {}


def test_take_starts_afresh() -> None:
    coalescer = Coalescer()
    coalescer.mark([StateChanged(1, "AAAAAA"), PersonalChanged(1, "AAAAAA", (1,))])
    first = coalescer.take()
    assert coalescer.take() == {}
    coalescer.mark([TallyChanged(1, "AAAAAA"), PersonalChanged(1, "AAAAAA", (2,))])
    second = coalescer.take()
    assert flags(second["AAAAAA"]) == (False, True, False, {2})
    # What was taken is the flusher's: later marks do not reach into it.
    assert flags(first["AAAAAA"]) == (True, False, False, {1})


def test_an_empty_list_of_changes_marks_nothing() -> None:
    coalescer = Coalescer()
    coalescer.mark([])
    assert coalescer.take() == {}


CODES = ["AAAAAA", "BBBBBB", "CCCCCC"]
events = st.one_of(
    st.builds(StateChanged, st.just(1), st.sampled_from(CODES)),
    st.builds(TallyChanged, st.just(1), st.sampled_from(CODES)),
    st.builds(AttendanceChanged, st.just(1), st.sampled_from(CODES)),
    st.builds(WorkshopClosed, st.just(1), st.sampled_from(CODES)),
    st.builds(
        PersonalChanged,
        st.just(1),
        st.sampled_from(CODES),
        st.lists(st.integers(1, 20), max_size=4).map(tuple),
    ),
)


def expected(marked: list[Event]) -> dict[str, tuple[bool, bool, bool, set[int]]]:
    """What a list of changes owes, worked out without the coalescer."""
    model: dict[str, tuple[bool, bool, bool, set[int]]] = {}
    for code in CODES:
        mine = [e for e in marked if e.code == code]
        people = {p for e in mine if isinstance(e, PersonalChanged) for p in e.participant_ids}
        entry = (
            any(isinstance(e, StateChanged) for e in mine),
            any(isinstance(e, TallyChanged) for e in mine),
            any(isinstance(e, AttendanceChanged) for e in mine),
            people,
        )
        if any(entry[:3]) or people:
            model[code] = entry
    return model


@quick
@given(st.lists(st.lists(events, max_size=5), max_size=10))
def test_a_take_owes_exactly_what_was_marked_since_the_last(batches: list[list[Event]]) -> None:
    coalescer = Coalescer()
    for batch in batches:
        coalescer.mark(batch)
    assert owed(coalescer.take()) == expected([e for batch in batches for e in batch])


@quick
@given(st.lists(events, max_size=20), st.lists(events, max_size=20))
def test_no_change_is_lost_or_repeated_across_takes(
    before: list[Event], after: list[Event]
) -> None:
    coalescer = Coalescer()
    coalescer.mark(before)
    first = owed(coalescer.take())
    coalescer.mark(after)
    second = owed(coalescer.take())
    assert first == expected(before)
    assert second == expected(after)


@pytest.fixture
def busy_switching() -> Iterator[None]:
    """Switch threads as often as possible, so marks land in the middle of takes."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


@pytest.mark.usefixtures("busy_switching")
def test_marks_from_many_threads_during_takes_are_all_delivered_once() -> None:
    """Commands mark from their threads while the broadcaster takes: every attendee
    marked must be in exactly one take, or someone's phone never hears of their vote."""
    coalescer = Coalescer()
    threads, per_thread = 8, 2000
    delivered: list[int] = []
    done = threading.Event()

    def command(start: int) -> None:
        for pid in range(start, start + per_thread):
            coalescer.mark([PersonalChanged(1, "AAAAAA", (pid,)), TallyChanged(1, "AAAAAA")])

    def broadcaster() -> None:
        while not done.is_set():
            for dirty in coalescer.take().values():
                delivered.extend(dirty.people)

    flusher = threading.Thread(target=broadcaster)
    flusher.start()
    workers = [threading.Thread(target=command, args=(i * per_thread,)) for i in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    done.set()
    flusher.join()
    for dirty in coalescer.take().values():
        delivered.extend(dirty.people)
    assert sorted(delivered) == list(range(threads * per_thread))
