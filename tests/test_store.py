"""The store and its migrations on SQLite and PostgreSQL: schema, upgrades, budgets under load."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Connection, create_engine, inspect, text

from tests.conftest import make_app, postgres_url
from tests.flows import workshop_with_proposals
from workshop.domain.errors import LimitReached, NoDotsLeft, WorkshopError
from workshop.domain.methods import Method
from workshop.domain.model import Stage
from workshop.store import migrations, schema
from workshop.store.engine import Store
from workshop.store.urls import normalise
from workshop.usecases import UseCases

TABLES = (
    "workshops",
    "participants",
    "proposals",
    "votes",
    "command_log",
    "schema_version",
    "actions",
    "volunteers",
    "rounds",
    "ballots",
    "paper_counts",
    "room_settings",
    "held_proposals",
    "private_words",
    "themes",
    "theme_suggestions",
    "facilitation",
    "dot_sums",
    "dot_voters",
    "head_counts",
)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
NO_DOTS = "You have no dots left: take one back from another idea first."


def drop_everything(url: str) -> None:
    """Empty the shared PostgreSQL test database of this project's tables."""
    engine = create_engine(normalise(url))
    try:
        with engine.begin() as conn:
            dropped = ", ".join([*TABLES, "keepsake"])  # keepsake: the upgrade test's own table
            conn.execute(text(f"DROP TABLE IF EXISTS {dropped} CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Return the URL of an empty database: a new SQLite file, or a cleared PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    url = postgres_url()
    drop_everything(url)
    return url


@pytest.fixture
def open_store(database_url: str) -> Iterator[Callable[[], Store]]:
    """Return a factory of Stores on the test database, all closed at the end."""
    opened: list[Store] = []

    def factory() -> Store:
        store = Store(database_url)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()


@pytest.fixture(params=BACKENDS)
def backend_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """Return an app on SQLite or on a cleared PostgreSQL."""
    overrides: dict[str, Any] = {}
    if request.param == "postgresql":
        overrides["DATABASE_URL"] = postgres_url()
        drop_everything(overrides["DATABASE_URL"])
    application = make_app(tmp_path, **overrides)
    yield application
    application.extensions["workshop.store"].close()


@pytest.fixture
def any_service(backend_app: Flask) -> UseCases:
    """Return the use cases over SQLite or PostgreSQL."""
    return backend_app.extensions["workshop.usecases"]  # type: ignore[no-any-return]


def versions(store: Store) -> list[int]:
    with store.engine.connect() as conn:
        return [row[0] for row in conn.execute(text("SELECT version FROM schema_version"))]


def column_names(store: Store, table: str) -> list[str]:
    return [c["name"] for c in inspect(store.engine).get_columns(table)]


# -- migrations ----------------------------------------------------------------------


def test_migrations_bring_an_empty_database_to_the_latest_version(
    open_store: Callable[[], Store],
) -> None:
    store = open_store()
    assert store.schema_version == len(migrations.STEPS) >= 1
    assert versions(store) == list(range(1, len(migrations.STEPS) + 1))
    assert set(TABLES) <= set(inspect(store.engine).get_table_names())


def test_upgrading_twice_is_a_no_op(open_store: Callable[[], Store]) -> None:
    store = open_store()
    service = UseCases.build(store, join_url_for=lambda code: code)
    code, people, ids = workshop_with_proposals(service, ["Keep me"])
    service.workshops.cast_vote(code, people[0], ids[0], 2, "v1")
    before = service.audiences.snapshot(code, "facilitator")

    assert migrations.upgrade(store.engine.begin) == len(migrations.STEPS)
    reopened = open_store()  # a second start on the same database
    assert reopened.schema_version == len(migrations.STEPS)

    assert versions(store) == list(range(1, len(migrations.STEPS) + 1))
    after = UseCases.build(reopened, join_url_for=lambda code: code).audiences.snapshot(
        code, "facilitator"
    )
    assert {k: v for k, v in after.items() if k != "server_time"} == {
        k: v for k, v in before.items() if k != "server_time"
    }


# Rows to put in each table an older schema has, in an order foreign keys accept.
OLD_ROWS: dict[str, dict[str, Any]] = {
    "workshops": {
        "id": 1,
        "code": "K7P2QX",
        "title": "Partnership review",
        "stage": "vote",
        "dots": 5,
        "max_per_proposal": 3,
        "groups_json": "[]",
        "proposals_revealed": True,
        "results_revealed": False,
        "timer_json": '{"status": "idle", "duration_ms": 0, "ends_at": null, "remaining_ms": null}',
        "token_hash": "0" * 64,
        "version": 3,
        "created_at": 1,
    },
    "participants": {
        "id": 1,
        "workshop_id": 1,
        "device_id": "device-000000000001",
        "name": "Sam",
        "group_key": None,
        "joined_at": 2,
    },
    "proposals": {
        "id": 1,
        "workshop_id": 1,
        "participant_id": 1,
        "text": "A stronger community focus",
        "hidden": False,
        "merged_into": None,
        "priority_rank": 1,
        "created_at": 3,
    },
    "votes": {
        "id": 1,
        "workshop_id": 1,
        "participant_id": 1,
        "proposal_id": 1,
        "points": 2,
        "created_at": 4,
    },
    "command_log": {
        "id": 1,
        "actor": "p:1",
        "request_id": "v1",
        "answer_json": '{"ok": true}',
        "created_at": 5,
    },
}


def insert_old_rows(conn: Connection) -> int:
    """Insert OLD_ROWS into whichever tables exist, plus a keepsake table; return rows added."""
    conn.execute(text("CREATE TABLE keepsake (id INTEGER PRIMARY KEY, note TEXT NOT NULL)"))
    conn.execute(text("INSERT INTO keepsake (id, note) VALUES (1, 'made before the upgrade')"))
    added = 1
    existing = set(inspect(conn).get_table_names())
    for table, row in OLD_ROWS.items():
        if table not in existing:
            continue
        columns = [c["name"] for c in inspect(conn).get_columns(table) if c["name"] in row]
        conn.execute(
            text(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join(':' + c for c in columns)})"
            ),
            {c: row[c] for c in columns},
        )
        added += 1
    return added


def test_an_in_place_upgrade_keeps_the_data(
    open_store: Callable[[], Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    latest = list(migrations.STEPS)
    monkeypatch.setattr(migrations, "STEPS", latest[:-1])
    old = open_store()
    assert old.schema_version == len(latest) - 1
    with old.engine.begin() as conn:
        added = insert_old_rows(conn)
        old_tables = set(inspect(conn).get_table_names())
    assert added == 1 + len(old_tables & set(OLD_ROWS))
    old.close()

    monkeypatch.setattr(migrations, "STEPS", latest)
    new = open_store()
    assert new.schema_version == len(latest)
    with new.engine.connect() as conn:
        assert conn.execute(text("SELECT note FROM keepsake")).scalars().all() == [
            "made before the upgrade",
        ]
        for table in old_tables & set(OLD_ROWS):
            row = conn.execute(text(f"SELECT * FROM {table}")).mappings().one()
            assert {k: row[k] for k in row if k in OLD_ROWS[table]} == {
                k: v for k, v in OLD_ROWS[table].items() if k in row
            }
    if old_tables & set(OLD_ROWS):
        return
    # Upgrading from empty: the latest schema must take the old rows as they are.
    with new.engine.begin() as conn:
        conn.execute(text("DROP TABLE keepsake"))
        assert insert_old_rows(conn) == 1 + len(OLD_ROWS)
    service = UseCases.build(new, join_url_for=lambda code: code)
    state = service.audiences.snapshot("K7P2QX", "facilitator")
    assert [(p["text"], p["priority_rank"]) for p in state["proposals"]] == [
        ("A stronger community focus", 1),
    ]
    assert state["tally"]["totals"] == {"1": 2}
    assert service.audiences.me("K7P2QX", 1)["dots_left"] == 3


def add_note_column(conn: Connection) -> None:
    """A fake later step: give proposals a facilitator's note."""
    conn.execute(text("ALTER TABLE proposals ADD COLUMN note TEXT"))


def test_an_added_step_upgrades_in_place_and_keeps_rows(open_store: Callable[[], Store]) -> None:
    store = open_store()
    service = UseCases.build(store, join_url_for=lambda code: code)
    code, people, ids = workshop_with_proposals(service, ["Keep me", "And me"])
    service.workshops.cast_vote(code, people[1], ids[1], 3, "v1")
    before = service.audiences.snapshot(code, "facilitator")
    steps = [*migrations.STEPS, add_note_column]

    assert migrations.upgrade(store.engine.begin, steps=steps) == len(steps)
    assert migrations.upgrade(store.engine.begin, steps=steps) == len(steps)  # and only once

    assert "note" in column_names(store, "proposals")
    assert versions(store) == list(range(1, len(steps) + 1))
    after = service.audiences.snapshot(code, "facilitator")
    assert {k: v for k, v in after.items() if k != "server_time"} == {
        k: v for k, v in before.items() if k != "server_time"
    }
    with store.engine.connect() as conn:
        notes = conn.execute(text("SELECT id, note FROM proposals ORDER BY id")).all()
    assert [tuple(row) for row in notes] == [(ids[0], None), (ids[1], None)]


def test_a_failing_step_changes_nothing(open_store: Callable[[], Store]) -> None:
    store = open_store()

    def half_done(conn: Connection) -> None:
        add_note_column(conn)
        raise RuntimeError("the step broke half-way")

    with pytest.raises(RuntimeError, match="half-way"):
        migrations.upgrade(store.engine.begin, steps=[*migrations.STEPS, half_done])
    assert "note" not in column_names(store, "proposals")
    assert versions(store) == list(range(1, len(migrations.STEPS) + 1))
    # The fixed step then applies cleanly.
    steps = [*migrations.STEPS, add_note_column]
    assert migrations.upgrade(store.engine.begin, steps=steps) == len(steps)
    assert "note" in column_names(store, "proposals")


def test_schema_py_matches_the_migrated_database(open_store: Callable[[], Store]) -> None:
    store = open_store()
    inspector = inspect(store.engine)
    assert set(schema.metadata.tables) == set(TABLES)
    assert set(TABLES) <= set(inspector.get_table_names())
    compared = 0
    for name, table in schema.metadata.tables.items():
        reflected = {c["name"]: c for c in inspector.get_columns(name)}
        assert list(reflected) == [c.name for c in table.columns], name
        primary = set(inspector.get_pk_constraint(name)["constrained_columns"])
        assert primary == {c.name for c in table.primary_key.columns}, name
        for column in table.columns:
            found = reflected[column.name]
            dialect = store.engine.dialect
            assert found["type"].compile(dialect=dialect) == column.type.compile(dialect=dialect), (
                f"{name}.{column.name}"
            )
            if column.name not in primary:
                assert found["nullable"] == column.nullable, f"{name}.{column.name}"
            compared += 1
    assert compared == sum(len(t.columns) for t in schema.metadata.tables.values()) > 30


def test_sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "wal.sqlite3"
    store = Store(f"sqlite:///{path}")
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # WAL is a property of the file: any other reader sees it too.
        other = sqlite3.connect(path)
        try:
            assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        finally:
            other.close()
    finally:
        store.close()


def test_the_app_store_is_sqlite_in_wal_mode(app: Flask) -> None:
    store: Store = app.extensions["workshop.store"]
    assert store.is_sqlite
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


# -- budgets and idempotency on both databases ---------------------------------------


@pytest.mark.parametrize(
    ("placed", "attempt", "error", "sentence"),
    [
        ([(0, 3), (1, 2)], (2, 1), NoDotsLeft, NO_DOTS),
        ([(0, 3), (1, 1)], (2, 2), NoDotsLeft, "You only have 1 dot left."),
        (
            [(0, 2)],
            (0, 2),
            LimitReached,
            "You can put at most 3 dots on one idea: spread the rest across others.",
        ),
    ],
)
def test_the_budget_holds_and_a_refusal_writes_nothing(
    any_service: UseCases,
    placed: list[tuple[int, int]],
    attempt: tuple[int, int],
    error: type[WorkshopError],
    sentence: str,
) -> None:
    code, people, ids = workshop_with_proposals(any_service, ["One", "Two", "Three"])
    for number, (index, points) in enumerate(placed):
        any_service.workshops.cast_vote(code, people[0], ids[index], points, f"ok-{number}")
    before = (
        any_service.audiences.tally(code)["facilitator"],
        any_service.audiences.me(code, people[0]),
    )
    index, points = attempt
    with pytest.raises(error) as caught:
        any_service.workshops.cast_vote(code, people[0], ids[index], points, "refused")
    assert type(caught.value) is error
    assert caught.value.message == sentence
    assert (
        any_service.audiences.tally(code)["facilitator"],
        any_service.audiences.me(code, people[0]),
    ) == before


def test_a_replayed_request_counts_once(any_service: UseCases) -> None:
    code, people, ids = workshop_with_proposals(any_service, ["One", "Two"])
    first = any_service.workshops.cast_vote(code, people[0], ids[0], 2, "tap-1")
    tally = any_service.audiences.tally(code)["facilitator"]
    replay = any_service.workshops.cast_vote(code, people[0], ids[0], 2, "tap-1")
    assert replay.ack == first.ack
    assert (first.ack["ok"], first.ack["dots_left"]) == (True, 3)
    assert replay.events == []
    assert any_service.audiences.tally(code)["facilitator"] == tally
    assert any_service.audiences.me(code, people[0])["dots_left"] == 3
    retract = any_service.workshops.retract_vote(code, people[0], ids[0], 1, "tap-2")
    assert (
        any_service.workshops.retract_vote(code, people[0], ids[0], 1, "tap-2").ack == retract.ack
    )
    assert any_service.audiences.tally(code)["facilitator"]["totals"][str(ids[0])] == 1


# -- concurrency on both databases ---------------------------------------------------

ROUNDS = 20
THREADS = 8


def run_together(jobs: list[Callable[[], Any]]) -> list[Any]:
    """Run the jobs on their own threads, released at once; return answers or exceptions."""
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[], Any]) -> Any:
        barrier.wait()
        try:
            return job()
        except Exception as error:  # the test inspects every outcome
            return error

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def test_one_attendee_casting_from_many_threads_never_overspends(
    any_service: UseCases,
) -> None:
    code, people, ids = workshop_with_proposals(
        any_service, [f"Idea {n}" for n in range(THREADS)], attendees=ROUNDS
    )
    dots = any_service.audiences.snapshot(code, "screen")["dots"]
    assert dots == 5 < THREADS
    rounds = 0
    for person in people:
        outcomes = run_together(
            [
                (
                    lambda pid=pid, n=n, person=person: any_service.workshops.cast_vote(
                        code, person, pid, 1, f"dot-{n}"
                    )
                )
                for n, pid in enumerate(ids)
            ]
        )
        accepted = [o for o in outcomes if not isinstance(o, Exception)]
        refusals = [o for o in outcomes if isinstance(o, Exception)]
        assert all(isinstance(o, NoDotsLeft) and o.message == NO_DOTS for o in refusals), refusals
        assert len(accepted) == dots
        assert sorted(o.ack["dots_left"] for o in accepted) == list(range(dots))
        me = any_service.audiences.me(code, person)
        assert me["dots_left"] == 0
        assert sum(me["my_votes"].values()) == dots
        rounds += 1
    assert rounds == ROUNDS
    assert any_service.audiences.tally(code)["facilitator"]["votes"] == ROUNDS * dots


def test_the_same_request_from_many_threads_counts_once(any_service: UseCases) -> None:
    code, people, ids = workshop_with_proposals(any_service, ["One", "Two"], attendees=ROUNDS)
    rounds = 0
    for person in people:

        def tap(person: int = person) -> Any:
            return any_service.workshops.cast_vote(code, person, ids[0], 1, "the-only-tap")

        outcomes = run_together([tap] * THREADS)
        acks = [getattr(o, "ack", o) for o in outcomes]
        assert acks == [acks[0]] * THREADS, acks
        assert (acks[0]["ok"], acks[0]["dots_left"]) == (True, 4)
        assert any_service.audiences.me(code, person)["my_votes"] == {str(ids[0]): 1}
        rounds += 1
    assert rounds == ROUNDS
    assert any_service.audiences.tally(code)["facilitator"]["totals"] == {
        str(ids[0]): ROUNDS,
        str(ids[1]): 0,
    }


def test_the_stage_guard_holds_under_concurrency(any_service: UseCases) -> None:
    code, people, ids = workshop_with_proposals(any_service, ["One"], stage=Stage.RESULTS)
    outcomes = run_together(
        [
            (
                lambda n=n: any_service.workshops.cast_vote(
                    code, people[n % 3], ids[0], 1, f"late-{n}"
                )
            )
            for n in range(THREADS)
        ]
    )
    assert [getattr(o, "message", o) for o in outcomes] == [
        "Voting has closed: the results are being shared.",
    ] * THREADS
    assert any_service.audiences.tally(code)["facilitator"]["votes"] == 0


def test_whole_ballots_from_many_threads_leave_one_ballot_per_person(
    any_service: UseCases,
) -> None:
    code, people, ids = workshop_with_proposals(any_service, ["One", "Two", "Three"], attendees=4)
    round_id = any_service.rounds.start_round(code, Method.RANKING, "r2").ack["round_id"]
    jobs = [
        (
            lambda p=person, n=n: any_service.rounds.cast_ballot(
                code, p, round_id, [ids[n % 3]], f"b{n}"
            )
        )
        for n in range(THREADS)
        for person in people[:2]
    ]
    answers = run_together(jobs)
    assert all(answer.ack["ok"] for answer in answers)
    any_service.rounds.enter_assisted_ballot(code, "g1", [ids[2], ids[1]], "", "assisted")
    tally = any_service.audiences.tally(code)["facilitator"]
    assert tally["voters"] == 3 and tally["assisted_ballots"] == 1  # two phones, one helper
    assert sum(tally["totals"].values()) == 2 * 2 + (2 + 1)  # 3 on the ballot: 2, 1, 0 points
